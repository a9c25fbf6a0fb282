from __future__ import annotations

from pathlib import Path

import pytest

from services.spellchecker_service.config import SpellSettings, default_data_dir


def test_defaults_follow_the_architecture() -> None:
    settings = SpellSettings()
    assert (settings.service_name, settings.http_port) == ("spellchecker_service", 8002)
    assert settings.languages == ("en", "sv")
    assert settings.data_dir == default_data_dir()
    assert default_data_dir().parts[-3:] == (".huleedu", "cache", "spellchecker_service")


def test_environment_with_the_spell_prefix(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SPELL_LANGUAGES", "en, sv")
    monkeypatch.setenv("SPELL_DATA_DIR", "/tmp/spell-data")
    monkeypatch.setenv("SPELL_CONTENT_URL", "http://127.0.0.1:9999")
    settings = SpellSettings()
    assert settings.languages == ("en", "sv")
    assert settings.data_dir == Path("/tmp/spell-data")
    assert settings.content_url == "http://127.0.0.1:9999"
