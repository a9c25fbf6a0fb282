"""Reading "A" or "B" out of a language model's free-text answer.

Models asked for one letter still answer "**B**", "Essay A.", '{"winner": "B"}' or "The better
essay is A because ...". The rules, in order (the first that applies decides):

1. the whole answer, without markup and punctuation, is one letter (optionally "Essay X");
2. a JSON object with a ``winner``/``answer``/``choice``/``better`` field holding A or B;
3. a verdict phrase: "winner: B", "answer is A", "better essay is B", "I prefer A", ...;
4. the answer starts with the letter ("B. It argues ...", "Essay A, because ...");
5. it names exactly one of "Essay A" / "Essay B".

Anything else (refusals, "both", neither letter) is None: the caller retries or gives up.
"""

from __future__ import annotations

import json
import re

from services.cj_assessment_service.domain.judging import Choice

_MARKUP = re.compile(r"[\s*_`#>\"'\u201c\u201d\u2018\u2019.,:;!()\[\]{}-]+")
_ONLY_LETTER = re.compile(r"^(?:essay)?([ab])$", re.IGNORECASE)
_JSON_OBJECT = re.compile(r"\{.*?\}", re.DOTALL)
_JSON_FIELDS = ("winner", "answer", "choice", "better", "better_essay")
_VERDICT = re.compile(
    r"\b(?:winner|answer|choice|verdict|better(?:\s+essay)?|stronger(?:\s+essay)?|"
    r"prefer(?:red)?|choose|pick)\b"
    r"[\s*_`\"':=]*(?:is|was|would\s+be|:)?[\s*_`\"':]*(?:essay\s+)?\**([AB])\b",
    re.IGNORECASE,
)
_LEADING = re.compile(r"^[\s*_`#>\"'(\[]*(?:essay\s+)?([AB])\b(?![-'\u2019])", re.IGNORECASE)
_ESSAY_MENTION = re.compile(r"\bessay\s+\**([AB])\b", re.IGNORECASE)


def parse_choice(answer: str) -> Choice | None:
    """The essay the answer picks, or None when it picks neither clearly."""
    for rule in (_only_letter, _json_field, _verdict, _leading_letter, _single_mention):
        choice = rule(answer)
        if choice is not None:
            return choice
    return None


def _only_letter(answer: str) -> Choice | None:
    match = _ONLY_LETTER.match(_MARKUP.sub("", answer))
    return _choice(match.group(1)) if match else None


def _json_field(answer: str) -> Choice | None:
    for candidate in _JSON_OBJECT.findall(answer):
        try:
            value = json.loads(candidate)
        except ValueError:
            continue
        if not isinstance(value, dict):
            continue
        for name in _JSON_FIELDS:
            field = value.get(name)
            if isinstance(field, str):
                match = _ONLY_LETTER.match(_MARKUP.sub("", field))
                if match:
                    return _choice(match.group(1))
    return None


def _verdict(answer: str) -> Choice | None:
    match = _VERDICT.search(answer)
    return _choice(match.group(1)) if match else None


def _leading_letter(answer: str) -> Choice | None:
    match = _LEADING.match(answer)
    if match is None:
        return None
    letter = match.group(1)
    # A lowercase leading "a" is the article ("a clear winner ..."), not a choice.
    return _choice(letter) if letter.isupper() else None


def _single_mention(answer: str) -> Choice | None:
    letters = {letter.upper() for letter in _ESSAY_MENTION.findall(answer)}
    return _choice(letters.pop()) if len(letters) == 1 else None


def _choice(letter: str) -> Choice:
    return Choice(letter.upper())
