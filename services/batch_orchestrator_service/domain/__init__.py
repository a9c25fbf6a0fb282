"""BOS domain: registration, the batch lifecycle, pipeline requests and runs, the phase
command registry and language inference (no I/O)."""
