"""Jinja2 rendering: one autoescaping environment, the helpers templates use, and the page context."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime
from importlib import resources
from typing import Any
from urllib.parse import quote, urlencode

from jinja2 import Environment, PackageLoader, StrictUndefined

from suanli import __version__
from suanli.config import Settings

from .i18n import UiLang, entity_type_label, event_type_label, metric_label, translator


@dataclass(frozen=True, slots=True)
class PageContext:
    """What a page needs to know about its request (built on the event loop, rendered on a worker)."""

    hl: UiLang
    path: str
    query: tuple[tuple[str, str], ...]
    is_team_mode: bool = False
    is_logged_in: bool = False

    def lang_url(self, hl: str) -> str:
        """This page in another UI language."""
        params = [(k, v) for k, v in self.query if k != "hl"] + [("hl", hl)]
        return f"{self.path}?{urlencode(params)}"

    @property
    def current_url(self) -> str:
        return f"{self.path}?{urlencode(self.query)}" if self.query else self.path


def article_url(article_id: str, paragraph: int | None = None) -> str:
    url = f"/articles/{quote(article_id, safe='')}"
    return f"{url}#p{paragraph}" if paragraph is not None else url


def entity_url(entity_id: str) -> str:
    return f"/entities/{quote(entity_id, safe='')}"


def search_url(q: str, **params: str) -> str:
    return "/?" + urlencode({"q": q, **params})


def safe_url(url: str | None) -> str | None:
    """``url`` when it is http(s), else None: escaping does not stop a ``javascript:`` link."""
    if url and url.strip().lower().startswith(("http://", "https://")):
        return url.strip()
    return None


def _static_version() -> str:
    """A digest of the shipped assets, so browsers fetch them again after an upgrade."""
    digest = hashlib.sha256(__version__.encode())
    folder = resources.files("suanli.web") / "static"
    for item in sorted(folder.iterdir(), key=lambda p: p.name):
        if item.is_file():
            digest.update(item.name.encode())
            digest.update(item.read_bytes())
    return digest.hexdigest()[:10]


class Renderer:
    """Renders templates; safe to use from several threads at once (Jinja environments are)."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.env = Environment(
            loader=PackageLoader("suanli.web", "templates"),
            autoescape=True,  # every template, whatever its name: article text is never markup
            undefined=StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
        )
        version = _static_version()
        self.env.globals.update(
            article_url=article_url,
            entity_url=entity_url,
            search_url=search_url,
            static=lambda name: f"/static/{name}?v={version}",
            safe_url=safe_url,
        )

    def fmt_dt(self, value: datetime | None, undated: str = "") -> str:
        if value is None:
            return undated
        return value.astimezone(self.settings.tz).strftime("%Y-%m-%d %H:%M")

    def render(self, template: str, ctx: PageContext, **values: Any) -> str:
        t = translator(ctx.hl)
        return self.env.get_template(template).render(
            ctx=ctx,
            t=t,
            fmt_dt=lambda v: self.fmt_dt(v, t("undated")),
            metric_label=lambda m: metric_label(m, ctx.hl),
            event_type_label=lambda e: event_type_label(e, ctx.hl),
            entity_type_label=lambda e: entity_type_label(e, ctx.hl),
            **values,
        )
