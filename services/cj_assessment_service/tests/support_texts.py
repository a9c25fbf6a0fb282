"""Essay texts for the tests: the five English sample essays (best first) and their
instructions, plus spelling-error rates as the spellcheck phase would measure them."""

from __future__ import annotations

from pathlib import Path

SAMPLES = Path(__file__).resolve().parents[3] / "samples" / "essays" / "eng5"
INSTRUCTIONS = (
    "Should schools ban mobile phones during the school day? Write an argumentative essay "
    "of about 400 words. Consider arguments on both sides and give your own opinion."
)
# Corrections per word the spell checker finds in each sample (best essay first).
SPELLING_ERROR_RATES = (0.002, 0.009, 0.027, 0.054, 0.11)


def sample_essays() -> list[str]:
    """The five samples ordered from clearly best to clearly worst."""
    return [path.read_text(encoding="utf-8") for path in sorted(SAMPLES.glob("*.txt"))]
