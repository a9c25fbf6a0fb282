"""The sample essays shipped in samples/essays (fictional students, written for the project)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

PROJECT_ROOT = Path(__file__).resolve().parents[1]
SAMPLES_DIR = PROJECT_ROOT / "samples" / "essays"


@dataclass(frozen=True)
class SampleEssay:
    path: Path
    language: str
    course_code: str
    student_name: str
    student_email: str
    intended_quality_rank: int
    misspellings: tuple[tuple[str, str], ...]

    @property
    def file_name(self) -> str:
        return self.path.name

    def read_bytes(self) -> bytes:
        return self.path.read_bytes()


@dataclass(frozen=True)
class SampleBatch:
    course_code: str
    prompt: str
    essays: tuple[SampleEssay, ...]


def _essay(entry: dict[str, Any]) -> SampleEssay:
    return SampleEssay(
        path=PROJECT_ROOT / entry["path"],
        language=entry["language"],
        course_code=entry["course_code"],
        student_name=entry["student_name"],
        student_email=entry["student_email"],
        intended_quality_rank=int(entry["intended_quality_rank"]),
        misspellings=tuple((m["wrong"], m["correct"]) for m in entry.get("misspellings", [])),
    )


def load_sample_batches() -> dict[str, SampleBatch]:
    """The sample batches by course code (ENG5, SV1), essays in file order."""
    manifest = json.loads((SAMPLES_DIR / "manifest.json").read_text(encoding="utf-8"))
    essays = sorted((_essay(entry) for entry in manifest["essays"]), key=lambda e: e.path.name)
    return {
        code: SampleBatch(
            course_code=code,
            prompt=prompt,
            essays=tuple(e for e in essays if e.course_code == code),
        )
        for code, prompt in manifest["prompts"].items()
    }
