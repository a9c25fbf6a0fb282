"""Built lexicons kept on disk, so that a restarted process loads them instead of rebuilding.

A cache file is named after everything its content depends on (language, policy, package
versions, format version), so a change of any of them builds a new file instead of reading a
stale one. Files are written atomically; an unreadable file is rebuilt.
"""

from __future__ import annotations

import gc
import hashlib
import os
import pickle
import tempfile
from collections.abc import Callable
from importlib import metadata
from pathlib import Path
from typing import Any

from symspellpy import SymSpell

from .lexicon import Lexicon, build_lexicon
from .policy import LanguagePolicy

CACHE_FORMAT_VERSION = 1
_PACKAGES = ("wordfreq", "symspellpy", "pyspellchecker")


class LexiconCache:
    """Loads lexicons from `directory`, building and saving those not there yet."""

    def __init__(
        self, directory: Path, builder: Callable[[LanguagePolicy], Lexicon] = build_lexicon
    ) -> None:
        self.directory = directory
        self._build = builder

    def path_for(self, policy: LanguagePolicy) -> Path:
        return self.directory / f"lexicon-{policy.language}-{_fingerprint(policy)}.pickle"

    def load_or_build(self, policy: LanguagePolicy) -> tuple[Lexicon, bool]:
        """The lexicon of the policy's language, and whether it came from the cache."""
        path = self.path_for(policy)
        cached = _read(path)
        if cached is not None:
            return cached, True
        lexicon = self._build(policy)
        _write(path, lexicon)
        self._remove_stale(policy, keep=path)
        return lexicon, False

    def _remove_stale(self, policy: LanguagePolicy, *, keep: Path) -> None:
        for stale in self.directory.glob(f"lexicon-{policy.language}-*.pickle"):
            if stale != keep:
                stale.unlink(missing_ok=True)


def _fingerprint(policy: LanguagePolicy) -> str:
    versions = {name: _version(name) for name in _PACKAGES}
    built_from = (policy.language, policy.candidate_min_zipf, policy.max_edit_distance)
    material = repr((CACHE_FORMAT_VERSION, built_from, sorted(versions.items())))
    return hashlib.sha256(material.encode()).hexdigest()[:16]


def _version(package: str) -> str:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return "absent"


def _read(path: Path) -> Lexicon | None:
    try:
        payload = path.read_bytes()
    except FileNotFoundError:
        return None
    # Unpickling millions of small objects is much faster without the cyclic collector.
    gc_was_enabled = gc.isenabled()
    gc.disable()
    try:
        content: dict[str, Any] = pickle.loads(payload)  # our own file
        index = SymSpell()
        index.load_pickle(content["index"], compressed=False, from_bytes=True)
        return Lexicon(content["language"], content["frequencies"], content["trusted"], index)
    except Exception:  # a damaged or foreign file: rebuild it
        return None
    finally:
        if gc_was_enabled:
            gc.enable()


def _write(path: Path, lexicon: Lexicon) -> None:
    content = {
        "language": lexicon.language,
        "frequencies": dict(lexicon.frequencies),
        "trusted": lexicon.trusted,
        "index": lexicon.index.save_pickle(compressed=False, to_bytes=True),
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=path.name, suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as file:
            pickle.dump(content, file, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
