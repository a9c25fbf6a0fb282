"""The embedded HuleEdu platform: real servers, topics, databases and services on one machine."""
