"""The correction rules on hand-made lexicons (zipf 6 ≈ "the"-common, 2 ≈ rare)."""

from __future__ import annotations

from services.spellchecker_service.spelling.word_judge import WordJudge

from ..spelling_testing import tiny_lexicon, tiny_policy


def judge(zipfs: dict[str, float], **policy: object) -> WordJudge:
    trusted = policy.pop("trusted", frozenset())
    assert isinstance(trusted, frozenset)
    return WordJudge(tiny_lexicon(zipfs, trusted=trusted), tiny_policy(**policy))


def test_an_unlisted_word_takes_its_closest_frequent_neighbour() -> None:
    assert judge({"receive": 4.8, "relieve": 3.8}).replacement("recieve") == "receive"


def test_a_listed_misspelling_is_replaced_by_a_far_more_frequent_word() -> None:
    assert judge({"receive": 4.8, "recieve": 2.7}).replacement("recieve") == "receive"


def test_a_listed_word_is_kept_when_the_candidate_is_not_frequent_enough() -> None:
    # ratio 10^(4.8-3.8) = 10 < 30
    assert judge({"receive": 4.8, "recieve": 3.8}).replacement("recieve") is None


def test_an_implausible_edit_needs_more_than_the_ratio() -> None:
    # "inbox" → "into": two edits, ratio 10^2.6 ≈ 400 ≥ 300, but the typo is unlikely.
    assert judge({"into": 6.3, "inbox": 3.7}).replacement("inbox") is None


def test_a_trusted_word_is_never_replaced() -> None:
    lexicon = {"calendar": 4.5, "calender": 2.0}
    assert (
        judge(lexicon, trusted=frozenset({"calendar", "calender"})).replacement("calender") is None
    )


def test_words_at_keep_zipf_are_kept() -> None:
    lexicon = {"bara": 6.5, "bära": 4.2}
    assert judge(lexicon, keep_zipf=4.0).replacement("bära") is None
    assert judge(lexicon).replacement("bära") == "bara"


def test_short_words_are_kept_and_four_letter_words_get_one_edit_only() -> None:
    assert judge({"the": 7.7}).replacement("te") is None
    assert judge({"they": 6.0}).replacement("tbby") is None  # two edits away
    assert judge({"they": 6.0}).replacement("thy") == "they"


def test_swedish_compounds_of_known_words_are_kept() -> None:
    zipfs = {"skol": 2.0, "skola": 5.0, "biblioteket": 4.3, "skolbiblioteken": 3.0}
    swedish = judge(zipfs, split_compounds=True)
    assert swedish.is_compound("skolbiblioteket")
    assert swedish.replacement("skolbiblioteket") is None


def test_a_compound_yields_to_a_very_plausible_correction() -> None:
    zipfs = {"till": 6.5, "backa": 4.0, "tillbaka": 5.7, "tillbacka": 2.0}
    assert judge(zipfs, split_compounds=True).replacement("tillbacka") == "tillbaka"


def test_another_inflection_of_a_listed_word_is_kept() -> None:
    zipfs = {"flickorna": 4.5, "flickornas": 2.6}
    assert judge(zipfs, guard_inflections=True).replacement("flickornas") is None
    assert judge(zipfs).replacement("flickornas") == "flickorna"


def test_verdicts_are_remembered() -> None:
    words = judge({"receive": 4.8})
    assert words.replacement("recieve") == "receive"
    assert words.replacement("recieve") == "receive"
