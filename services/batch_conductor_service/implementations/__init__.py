"""Postgres, Redis and Kafka adapters of BCS."""
