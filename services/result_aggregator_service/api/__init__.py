"""HTTP API of the Result Aggregator Service."""
