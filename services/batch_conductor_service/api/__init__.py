"""HTTP API of BCS."""
