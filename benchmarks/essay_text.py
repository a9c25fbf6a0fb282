"""Synthetic essays for benchmarks: deterministic, varied, ~N words, English."""

from __future__ import annotations

import random

_WORDS = (
    "school students teachers phones learning classroom attention focus lessons homework "
    "friends social media break time research dictionary calendar parents safety rules "
    "freedom responsibility concentration distraction knowledge discussion argument example "
    "evidence opinion society technology future balance important difficult useful modern "
    "often always never sometimes because although however therefore while during after "
    "before many few most every each others together alone quickly carefully clearly"
).split()
_MISSPELLINGS = ("becuase", "recieve", "thier", "untill", "wich", "beleive", "seperate")


def synthetic_essay(index: int, words: int = 300, misspelling_rate: float = 0.02) -> str:
    """Essay number `index`: a header line, then sentences of 6-18 words."""
    rng = random.Random(index)
    body: list[str] = []
    sentence: list[str] = []
    target = rng.randint(6, 18)
    for _ in range(words):
        word = rng.choice(_MISSPELLINGS) if rng.random() < misspelling_rate else rng.choice(_WORDS)
        sentence.append(word)
        if len(sentence) == target:
            body.append(" ".join(sentence).capitalize() + ".")
            sentence, target = [], rng.randint(6, 18)
    if sentence:
        body.append(" ".join(sentence).capitalize() + ".")
    return f"Name: Student Number{index}\n\n" + " ".join(body) + "\n"
