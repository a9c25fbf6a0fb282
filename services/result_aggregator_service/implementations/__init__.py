"""Postgres, Redis and HTTP adapters of RAS."""
