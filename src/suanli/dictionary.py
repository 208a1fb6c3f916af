"""The domain dictionary: shipped AI-compute terms plus the user's own file."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from .config import Settings
from .errors import ConfigError


def parse_terms(text: str) -> list[str]:
    """Terms of a dictionary file: one per line, ``#`` comments, an optional TAB and frequency."""
    terms = []
    for line in text.splitlines():
        line = line.strip("\n\r")
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        term = line.split("\t", 1)[0].strip()
        if term:
            terms.append(term)
    return terms


def load_terms(settings: Settings) -> list[str]:
    """Shipped terms, then the terms of ``settings.user_dict`` if set."""
    shipped = resources.files("suanli") / "data" / "terms.txt"
    terms = parse_terms(shipped.read_text(encoding="utf-8")) if shipped.is_file() else []
    if settings.user_dict:
        path = Path(settings.user_dict).expanduser()
        try:
            terms += parse_terms(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError) as exc:
            raise ConfigError(
                f"Setting 'user_dict' points to '{path}', which cannot be read as UTF-8 text: {exc}"
            ) from exc
    return terms
