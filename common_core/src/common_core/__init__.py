"""HuleEdu shared contracts: events, enums, topics, envelopes (no I/O)."""
