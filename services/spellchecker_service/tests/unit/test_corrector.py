"""The corrector on the real English and Swedish dictionaries."""

from __future__ import annotations

import pytest

from services.spellchecker_service.spelling.corrector import Correction, SpellingCorrector

from ..spelling_testing import real_engines


@pytest.fixture(scope="module")
def english() -> SpellingCorrector:
    return real_engines().corrector("en")


@pytest.fixture(scope="module")
def swedish() -> SpellingCorrector:
    return real_engines().corrector("sv")


def test_corrects_words_and_reports_where_they_were(english: SpellingCorrector) -> None:
    result = english.correct("I recieved it, becuase it was definately mine.")
    assert result.text == "I received it, because it was definitely mine."
    assert result.corrections == (
        Correction("recieved", "received", 2),
        Correction("becuase", "because", 15),
        Correction("definately", "definitely", 30),
    )


def test_keeps_title_and_upper_case(english: SpellingCorrector) -> None:
    result = english.correct("Becuase of the GOVERMENT, we waited.")
    assert result.text == "Because of the GOVERNMENT, we waited."


def test_leaves_names_numbers_urls_and_emails_alone(english: SpellingCorrector) -> None:
    text = (
        "On 3 May 2023 Siobhan and Jokkmokk met at www.skolverket.se, "
        "wrote to anna.berg@skolan.se and read https://exmple.org/recieve 2nd."
    )
    assert english.correct(text).text == text


def test_a_name_at_a_sentence_start_is_kept_when_used_as_a_name_elsewhere(
    english: SpellingCorrector,
) -> None:
    text = "Kalle was late. We waited for Kalle."
    assert english.correct(text).corrections == ()


def test_keeps_punctuation_and_whitespace(english: SpellingCorrector) -> None:
    text = "  «Teh end» \u2013\n\tthier (wierd) story!? "
    assert english.correct(text).text == "  «The end» \u2013\n\ttheir (weird) story!? "


def test_corrects_a_possessive_and_keeps_its_ending(english: SpellingCorrector) -> None:
    assert english.correct("my freind's bike").text == "my friend's bike"


def test_swedish_corrections_and_compounds(swedish: SpellingCorrector) -> None:
    text = "Vi tyker ocksa att skolbiblioteket i Västerås är bra, sa Lisa."
    result = swedish.correct(text)
    assert result.text == "Vi tycker också att skolbiblioteket i Västerås är bra, sa Lisa."
    assert [item.original for item in result.corrections] == ["tyker", "ocksa"]


def test_an_empty_text_has_no_corrections(english: SpellingCorrector) -> None:
    result = english.correct("")
    assert (result.text, result.corrections) == ("", ())


def test_counts_the_words_of_the_original_text(english: SpellingCorrector) -> None:
    corrected = english.correct("I recieve 3 letters, every week. Thanks!")
    assert corrected.word_count == 6  # I, recieve, letters, every, week, Thanks
