"""Team mode: API tokens kept hashed (scrypt) in a mode-600 file under ``data_dir``, and browser sessions.

A token reads ``sl_<token_id>_<secret>``. The file stores, per token, its id, a name, a random salt and
``scrypt(secret, salt)``; the secret itself is shown once, when the token is created. Verifying looks
the id up first, so a random guess costs no scrypt work, and remembers verified tokens by their SHA-256
digest (never the token) until the file changes, so only the first request of a token pays for scrypt.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import os
import re
import secrets
import threading
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from suanli.config import Settings
from suanli.errors import ConfigError, NotFoundError

log = logging.getLogger(__name__)

TOKEN_FILE = "web_tokens.json"
FIRST_TOKEN_FILE = "web_first_token.txt"
SESSION_TTL_S = 12 * 3600
_SCRYPT = {"n": 2**14, "r": 8, "p": 1, "dklen": 32}
_TOKEN_RE = re.compile(r"^sl_([0-9a-f]{8})_([A-Za-z0-9_\-]{20,100})$")
_NAME_RE = re.compile(r"^[A-Za-z0-9_.\-]{1,40}$")


@dataclass(frozen=True, slots=True)
class TokenInfo:
    """A stored token without its secret."""

    token_id: str
    name: str
    created_at: datetime


def token_path(settings: Settings) -> Path:
    return Path(settings.data_dir) / TOKEN_FILE


def _hash(secret: str, salt: bytes) -> bytes:
    return hashlib.scrypt(secret.encode("utf-8"), salt=salt, maxmem=64 * 2**20, **_SCRYPT)


def _read(path: Path) -> list[dict[str, Any]]:
    if not path.exists():
        return []
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        tokens = data["tokens"]
        if not isinstance(tokens, list):
            raise TypeError("'tokens' is not a list")
        return tokens
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise ConfigError(f"Token file '{path}' cannot be read: {exc}; fix or delete it") from exc


def _write(path: Path, tokens: list[dict[str, Any]]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        json.dump({"tokens": tokens}, fh, ensure_ascii=False, indent=1)
    os.chmod(tmp, 0o600)
    os.replace(tmp, path)


def create_token(settings: Settings, name: str, *, now: datetime | None = None) -> str:
    """Store the hash of a new token named ``name`` and return the token; it cannot be shown again.

    Example:
        >>> token = create_token(settings, "alice")  # doctest: +SKIP
    """
    if not _NAME_RE.match(name):
        raise ConfigError(
            f"Token name '{name}' must be 1-40 letters, digits, '.', '_' or '-'; e.g. 'alice' or 'ci-bot'"
        )
    path = token_path(settings)
    tokens = _read(path)
    if any(t.get("name") == name for t in tokens):
        raise ConfigError(f"A token named '{name}' exists already; revoke it first or choose another name")
    taken = {t.get("token_id") for t in tokens}
    token_id = secrets.token_hex(4)
    while token_id in taken:
        token_id = secrets.token_hex(4)
    secret = secrets.token_urlsafe(32)
    salt = secrets.token_bytes(16)
    tokens.append(
        {
            "token_id": token_id,
            "name": name,
            "created_at": (now or datetime.now(UTC)).isoformat(),
            "kdf": "scrypt",
            "salt": salt.hex(),
            "hash": _hash(secret, salt).hex(),
        }
    )
    _write(path, tokens)
    return f"sl_{token_id}_{secret}"


def list_tokens(settings: Settings) -> list[TokenInfo]:
    return [
        TokenInfo(str(t["token_id"]), str(t["name"]), datetime.fromisoformat(str(t["created_at"])))
        for t in _read(token_path(settings))
    ]


def revoke_token(settings: Settings, name_or_id: str) -> None:
    """Delete a token by name or id; raises NotFoundError when there is none."""
    path = token_path(settings)
    tokens = _read(path)
    kept = [t for t in tokens if name_or_id not in (t.get("name"), t.get("token_id"))]
    if len(kept) == len(tokens):
        known = ", ".join(str(t.get("name")) for t in tokens) or "none"
        raise NotFoundError(f"No token named '{name_or_id}'; known tokens: {known}")
    _write(path, kept)


def ensure_first_token(settings: Settings) -> Path | None:
    """When team mode starts without tokens, create one named 'admin' and write it to a mode-600 file.

    Returns the file's path (the caller tells the user where it is), or None when tokens exist.
    """
    if _read(token_path(settings)):
        return None
    token = create_token(settings, "admin")
    path = Path(settings.data_dir) / FIRST_TOKEN_FILE
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(token + "\n")
    os.chmod(path, 0o600)
    return path


class TokenVerifier:
    """Checks tokens against the token file, re-reading it whenever it changes (thread-safe)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()
        self._stamp: tuple[float, int] | None = None
        self._entries: dict[str, dict[str, Any]] = {}
        self._verified: dict[str, str] = {}

    def _refresh(self) -> None:
        try:
            st = self.path.stat()
            stamp: tuple[float, int] | None = (st.st_mtime, st.st_size)
        except FileNotFoundError:
            stamp = None
        if stamp == self._stamp:
            return
        entries = {str(t["token_id"]): t for t in _read(self.path)} if stamp is not None else {}
        self._entries, self._verified, self._stamp = entries, {}, stamp

    def has_tokens(self) -> bool:
        with self._lock:
            self._refresh()
            return bool(self._entries)

    def known_id(self, token_id: str) -> bool:
        """True while the token ``token_id`` exists (sessions end when their token is revoked)."""
        with self._lock:
            self._refresh()
            return token_id in self._entries

    def cached(self, token: str) -> str | None:
        """Token id of an already verified token, without hashing work."""
        digest = hashlib.sha256(token.encode("utf-8")).hexdigest()
        with self._lock:
            self._refresh()
            return self._verified.get(digest)

    def verify(self, token: str) -> str | None:
        """Token id of a valid token, else None. May run scrypt: call it off the event loop."""
        token = token.strip()
        match = _TOKEN_RE.match(token)
        if match is None:
            return None
        token_id, secret = match.groups()
        digest = hashlib.sha256(token.encode("utf-8")).hexdigest()
        with self._lock:
            self._refresh()
            if digest in self._verified:
                return self._verified[digest]
            entry = self._entries.get(token_id)
        if entry is None:
            return None
        expected = bytes.fromhex(str(entry["hash"]))
        if not hmac.compare_digest(_hash(secret, bytes.fromhex(str(entry["salt"]))), expected):
            return None
        with self._lock:
            self._verified[digest] = token_id
        return token_id


class Sessions:
    """Browser sessions after a login: random ids kept in memory (a restart logs everyone out)."""

    def __init__(self, *, ttl_s: float = SESSION_TTL_S) -> None:
        self.ttl_s = ttl_s
        self._lock = threading.Lock()
        self._sessions: dict[str, tuple[str, float]] = {}

    def create(self, token_id: str) -> str:
        session_id = secrets.token_urlsafe(32)
        with self._lock:
            now = time.monotonic()
            self._sessions = {k: v for k, v in self._sessions.items() if v[1] > now}
            self._sessions[session_id] = (token_id, now + self.ttl_s)
        return session_id

    def token_id(self, session_id: str) -> str | None:
        with self._lock:
            found = self._sessions.get(session_id)
        if found is None or found[1] < time.monotonic():
            return None
        return found[0]

    def drop(self, session_id: str) -> None:
        with self._lock:
            self._sessions.pop(session_id, None)
