"""The spelling engine: pure Python, no framework imports (see corrector.py)."""
