"""Adapters of BOS: Postgres repositories and the dead-letter store."""
