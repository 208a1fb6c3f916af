"""Settings: defaults < TOML file < SUANLI_* environment < CLI flags.

This is the only module that reads ``os.environ``; everything else receives a
:class:`Settings` built once at the edge (CLI or app factory).
"""

from __future__ import annotations

import ipaddress
import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import platformdirs

from .errors import ConfigError
from .stories.models import StoryConfig


def _default_data_dir() -> str:
    return platformdirs.user_data_dir("suanli", appauthor=False)


@dataclass(frozen=True, slots=True)
class Settings:
    """Every knob suanli has. Each field's ``help`` metadata is shown by ``suanli settings``."""

    data_dir: str = field(
        default_factory=_default_data_dir,
        metadata={"help": "Folder for the default database and search index"},
    )
    db_url: str = field(
        default="",
        metadata={"help": "Store URL, e.g. sqlite:///path/suanli.db; empty means <data_dir>/suanli.db"},
    )
    allowed_hosts: tuple[str, ...] = field(
        default=(),
        metadata={"help": "Hosts or networks (CIDR) that may be fetched although not public, e.g. 127.0.0.1"},
    )
    connect_timeout_s: float = field(default=10.0, metadata={"help": "Seconds to wait for a connection"})
    total_timeout_s: float = field(default=30.0, metadata={"help": "Seconds allowed for a whole fetch"})
    max_bytes: int = field(
        default=20_000_000, metadata={"help": "Largest input accepted, in bytes after decoding"}
    )
    max_redirects: int = field(default=5, metadata={"help": "Redirect hops followed, at most 5"})
    user_agent: str = field(
        default="suanli/0.1 (AI-compute news research engine)",
        metadata={"help": "User-Agent header sent with every request"},
    )
    timezone: str = field(
        default="Asia/Shanghai",
        metadata={"help": "Time zone assumed for dates that do not state one"},
    )
    user_dict: str = field(
        default="",
        metadata={"help": "Text file of extra domain terms, one per line, added to the segmenter"},
    )

    kb_files: tuple[str, ...] = field(
        default=(),
        metadata={
            "help": "Your own entity files (TOML, format in docs/knowledge.md) added to the shipped base"
        },
    )
    summary_engine: str = field(
        default="extractive",
        metadata={"help": "Engine that writes article summaries: extractive (offline) or llm"},
    )
    summarize_on_ingest: bool = field(
        default=True, metadata={"help": "Write each article's summary when it is added"}
    )
    summary_policy: str = field(
        default="mark",
        metadata={"help": "What to do with a bullet that fails the citation check: mark or drop"},
    )
    llm_base_url: str = field(
        default="",
        metadata={"help": "OpenAI-compatible endpoint for the llm engine, e.g. https://api.deepseek.com/v1"},
    )
    llm_model: str = field(default="", metadata={"help": "Model name for the llm engine, e.g. deepseek-chat"})
    llm_api_key: str = field(
        default="",
        repr=False,
        metadata={"help": "API key for the llm engine; prefer the SUANLI_LLM_API_KEY environment variable"},
    )
    llm_timeout_s: float = field(default=60.0, metadata={"help": "Seconds allowed for one LLM request"})
    llm_max_retries: int = field(default=2, metadata={"help": "Retries of a failed LLM request (429, 5xx)"})
    llm_max_concurrency: int = field(default=4, metadata={"help": "LLM requests in flight at once"})
    story_duplicate_threshold: float = field(
        default=0.5,
        metadata={
            "help": "Near-duplicate rule: estimated Jaccard similarity of shingles (0-1] to join a story"
        },
    )
    story_duplicate_window_days: float = field(
        default=7.0, metadata={"help": "Near-duplicate rule: most days between a report and its repost"}
    )
    story_event_window_days: float = field(
        default=3.0, metadata={"help": "Same-event rule: most days between two reports of one event"}
    )
    story_min_shared_entities: int = field(
        default=1, metadata={"help": "Same-event rule: entities two reports must share"}
    )
    story_min_shared_anchors: int = field(
        default=1, metadata={"help": "Same-event rule: dates or specific figures two reports must share"}
    )
    story_min_entity_overlap: float = field(
        default=0.4, metadata={"help": "Same-event rule: least Jaccard overlap (0-1) of the two entity sets"}
    )

    def __post_init__(self) -> None:
        _validate(self)

    @property
    def resolved_db_url(self) -> str:
        if self.db_url:
            return self.db_url
        return f"sqlite:///{Path(self.data_dir) / 'suanli.db'}"

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def story_config(self) -> StoryConfig:
        """The story grouping thresholds these settings give (see :class:`StoryConfig`)."""
        return StoryConfig(
            duplicate_threshold=self.story_duplicate_threshold,
            duplicate_window_days=self.story_duplicate_window_days,
            event_window_days=self.story_event_window_days,
            min_shared_entities=self.story_min_shared_entities,
            min_shared_anchors=self.story_min_shared_anchors,
            min_entity_overlap=self.story_min_entity_overlap,
        )


SETTING_NAMES = tuple(f.name for f in fields(Settings))
SECRET_SETTINGS = frozenset({"llm_api_key"})


def setting_help() -> dict[str, str]:
    """Map of setting name to its help text."""
    return {f.name: str(f.metadata.get("help", "")) for f in fields(Settings)}


def _validate(s: Settings) -> None:
    if s.db_url and not s.db_url.startswith(("sqlite:///", "postgresql://", "postgres://")):
        raise ConfigError(
            f"Setting 'db_url' must start with 'sqlite:///' or 'postgresql://', got '{s.db_url}'"
        )
    if not 0 <= s.max_redirects <= 5:
        raise ConfigError(f"Setting 'max_redirects' must be between 0 and 5, got '{s.max_redirects}'")
    if s.max_bytes <= 0:
        raise ConfigError(f"Setting 'max_bytes' must be a positive number of bytes, got '{s.max_bytes}'")
    for name, allowed in (("summary_engine", ("extractive", "llm")), ("summary_policy", ("mark", "drop"))):
        if getattr(s, name) not in allowed:
            raise ConfigError(
                f"Setting '{name}' must be one of {', '.join(allowed)}, got '{getattr(s, name)}'"
            )
    if s.llm_max_concurrency < 1 or s.llm_max_retries < 0:
        raise ConfigError(
            "Settings 'llm_max_concurrency' must be at least 1 and 'llm_max_retries' at least 0"
        )
    for name in ("connect_timeout_s", "total_timeout_s", "llm_timeout_s"):
        if getattr(s, name) <= 0:
            raise ConfigError(f"Setting '{name}' must be a positive number of seconds")
    try:
        ZoneInfo(s.timezone)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ConfigError(
            f"Setting 'timezone' must be an IANA zone such as 'Asia/Shanghai' or 'UTC', got '{s.timezone}'"
        ) from exc
    try:
        s.story_config()
    except ConfigError as exc:
        raise ConfigError(str(exc).replace("Story setting '", "Setting 'story_")) from exc
    for host in s.allowed_hosts:
        if "/" in host:
            try:
                ipaddress.ip_network(host, strict=False)
            except ValueError as exc:
                raise ConfigError(f"Setting 'allowed_hosts' has a bad network '{host}'") from exc


def _coerce(name: str, raw: Any, origin: str) -> Any:
    default = getattr(Settings(), name)
    try:
        if isinstance(default, tuple):
            if isinstance(raw, str):
                return tuple(p.strip() for p in raw.split(",") if p.strip())
            return tuple(str(p) for p in raw)
        if isinstance(default, bool):
            if isinstance(raw, bool):
                return raw
            word = str(raw).strip().lower()
            if word not in {"1", "true", "yes", "on", "0", "false", "no", "off"}:
                raise ValueError(f"'{raw}' is not one of true, false, 1, 0, yes, no, on, off")
            return word in {"1", "true", "yes", "on"}
        if isinstance(default, int):
            return int(raw)
        if isinstance(default, float):
            return float(raw)
        return str(raw)
    except (TypeError, ValueError) as exc:
        raise ConfigError(f"Setting '{name}' from {origin} has a bad value '{raw}'") from exc


def config_path(environ: Mapping[str, str]) -> Path:
    if environ.get("SUANLI_CONFIG"):
        return Path(environ["SUANLI_CONFIG"])
    return Path(platformdirs.user_config_dir("suanli", appauthor=False)) / "config.toml"


def load_settings(
    overrides: Mapping[str, Any] | None = None,
    *,
    environ: Mapping[str, str] | None = None,
) -> Settings:
    """Build settings from defaults, the TOML file, ``SUANLI_*`` variables and ``overrides``.

    Example:
        >>> load_settings({"db_url": "sqlite:///tmp/x.db"}, environ={}).db_url
        'sqlite:///tmp/x.db'
    """
    env = os.environ if environ is None else environ
    values: dict[str, Any] = {}
    # 1. The TOML file, if there is one.
    path = config_path(env)
    if path.is_file():
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except (OSError, tomllib.TOMLDecodeError) as exc:
            raise ConfigError(f"Config file '{path}' cannot be read: {exc}") from exc
        for key, raw in data.items():
            if key not in SETTING_NAMES:
                raise ConfigError(
                    f"Config file '{path}' has unknown setting '{key}'; known: {', '.join(SETTING_NAMES)}"
                )
            values[key] = _coerce(key, raw, f"'{path}'")
    # 2. The environment.
    for key in SETTING_NAMES:
        var = f"SUANLI_{key.upper()}"
        if var in env:
            values[key] = _coerce(key, env[var], f"environment variable {var}")
    # 3. Explicit overrides (CLI flags).
    for key, raw in (overrides or {}).items():
        if raw is None:
            continue
        if key not in SETTING_NAMES:
            raise ConfigError(f"Unknown setting '{key}'; known: {', '.join(SETTING_NAMES)}")
        values[key] = _coerce(key, raw, "the command line")
    return replace(Settings(), **values) if values else Settings()
