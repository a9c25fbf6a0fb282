"""HTTP API of BOS (thin Quart blueprints)."""
