from __future__ import annotations

from pathlib import Path

from services.spellchecker_service.spelling.lexicon import Lexicon
from services.spellchecker_service.spelling.lexicon_cache import LexiconCache
from services.spellchecker_service.spelling.policy import LanguagePolicy

from ..spelling_testing import real_engines, tiny_lexicon, tiny_policy


class CountingBuilder:
    def __init__(self) -> None:
        self.builds = 0

    def __call__(self, policy: LanguagePolicy) -> Lexicon:
        self.builds += 1
        return tiny_lexicon({"receive": 4.8, "recieve": 2.7}, language=policy.language)


def test_a_built_lexicon_is_saved_and_loaded_on_the_next_start(tmp_path: Path) -> None:
    builder = CountingBuilder()
    policy = tiny_policy()
    first, first_cached = LexiconCache(tmp_path, builder).load_or_build(policy)
    second, second_cached = LexiconCache(tmp_path, builder).load_or_build(policy)
    assert (first_cached, second_cached, builder.builds) == (False, True, 1)
    assert second.frequency("receive") == first.frequency("receive")
    assert [c.word for c in second.candidates("recieve", 2)] == ["receive"]


def test_a_damaged_cache_file_is_rebuilt(tmp_path: Path) -> None:
    builder = CountingBuilder()
    cache = LexiconCache(tmp_path, builder)
    cache.path_for(tiny_policy()).write_bytes(b"not a pickle")
    _, from_cache = cache.load_or_build(tiny_policy())
    assert (from_cache, builder.builds) == (False, 1)


def test_a_changed_build_setting_uses_a_new_file_and_drops_the_old(tmp_path: Path) -> None:
    cache = LexiconCache(tmp_path, CountingBuilder())
    old, new = tiny_policy(), tiny_policy(candidate_min_zipf=2.0)
    assert cache.path_for(old) != cache.path_for(new)
    cache.load_or_build(old)
    cache.load_or_build(new)
    assert [path.name for path in tmp_path.iterdir()] == [cache.path_for(new).name]


def test_engines_load_each_language_once_and_report_it() -> None:
    engines = real_engines()
    assert engines.loaded
    assert [report.language for report in engines.reports] == ["en", "sv"]
    assert engines.load() == engines.reports
