"""A Brief as Markdown, as one standalone HTML page (no external assets) and as JSON-ready data."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import jinja2

from .models import Brief, BriefBullet, Citation, KeyNumber, NumberValue, Report, StoryCard, TimelineEntry

WORDS: dict[str, dict[str, str]] = {
    "zh": {
        "title": "简报",
        "as_of": "截至",
        "period": "时间范围",
        "articles": "篇报道",
        "stories": "个事件",
        "excluded": "篇因时间范围未纳入",
        "developments": "主要进展",
        "cards": "事件",
        "more": "另有 {n} 篇报道",
        "timeline": "时间线",
        "numbers": "关键数字",
        "subject": "对象",
        "metric": "指标",
        "value": "数值",
        "conflict": "各方数字不一致",
        "sources": "来源",
        "none": "没有符合条件的报道。",
        "unsupported": "未通过引用核对",
        "label": "机器生成简报，每条陈述均标注来源段落 [文章§段落]",
    },
    "en": {
        "title": "Briefing",
        "as_of": "As of",
        "period": "Period",
        "articles": "articles",
        "stories": "stories",
        "excluded": "left out by the date range",
        "developments": "Main developments",
        "cards": "Stories",
        "more": "{n} more reports",
        "timeline": "Timeline",
        "numbers": "Key numbers",
        "subject": "Subject",
        "metric": "Metric",
        "value": "Value",
        "conflict": "reports disagree",
        "sources": "Sources",
        "none": "No matching articles.",
        "unsupported": "failed the citation check",
        "label": "Machine-written briefing; every statement cites its paragraphs as [article§paragraph]",
    },
}


def _day(value: datetime | date | None) -> str:
    if value is None:
        return "-"
    return value.date().isoformat() if isinstance(value, datetime) else value.isoformat()


def _period(brief: Brief) -> str:
    if brief.since is None and brief.until is None:
        return ""
    return f"{_day(brief.since) if brief.since else '…'} – {_day(brief.until) if brief.until else '…'}"


# -- Markdown --------------------------------------------------------------------------------------


def render_brief_markdown(brief: Brief) -> str:
    """The briefing as Markdown that reads well on its own.

    Example:
        >>> print(render_brief_markdown(brief))  # doctest: +SKIP
        # 简报：H20
    """
    w = WORDS[brief.lang]
    sep = "：" if brief.lang == "zh" else ": "
    lines = [f"# {w['title']}{sep}{_md(brief.query)}", ""]
    facts = _facts(brief, w)
    lines += [" · ".join(facts), "", f"*{w['label']}*", ""]
    if not brief.stories:
        return "\n".join([*lines, w["none"], ""])
    lines += [f"## {w['developments']}", ""]
    lines += [f"- {_md_bullet(b, w)}" for b in brief.developments]
    lines += ["", f"## {w['cards']}", ""]
    for card in brief.stories:
        lines += _md_card(card, w)
    if brief.timeline:
        lines += [f"## {w['timeline']}", ""]
        lines += [f"- **{_day(e.on)}** {_md_bullet(e.bullet, w)}" for e in brief.timeline]
        lines.append("")
    if brief.numbers:
        lines += [
            f"## {w['numbers']}",
            "",
            f"| {w['subject']} | {w['metric']} | {w['value']} |",
            "|---|---|---|",
        ]
        for row in brief.numbers:
            values = (
                " ≠ ".join(_md_value(v) for v in row.values) if row.is_conflict else _md_value(row.values[0])
            )
            flag = f" ⚠ {w['conflict']}" if row.is_conflict else ""
            lines.append(f"| {_md(row.subject)} | {_md(_metric(row))} | {values}{flag} |")
        lines.append("")
    lines += [f"## {w['sources']}", ""]
    lines += [f"- `{r.label}` {_md_report(r)}" for r in brief.sources]
    return "\n".join(lines).rstrip() + "\n"


def _md(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _md_bullet(bullet: BriefBullet, w: dict[str, str]) -> str:
    mark = "" if bullet.is_supported else f" _({w['unsupported']}: {'; '.join(bullet.verdict.problems)})_"
    return _md(bullet.text) + "".join(c.rendered for c in bullet.citations) + mark


def _md_report(report: Report) -> str:
    title = f"[{_md(report.title)}]({report.url})" if report.url else _md(report.title)
    return f"{title} · {_md(report.source)} · {_day(report.published_at)}"


def _md_card(card: StoryCard, w: dict[str, str]) -> list[str]:
    lead = card.lead
    lines = [
        f"### {_md(lead.title)}",
        "",
        f"{_md(lead.source)} · {_day(lead.published_at)} · `{lead.label}`",
        "",
    ]
    lines += [f"- {_md_bullet(b, w)}" for b in card.core_points]
    if card.more_reports:
        lines += ["", w["more"].format(n=card.more_reports) + ("：" if w is WORDS["zh"] else ":"), ""]
        lines += [f"- {_md_report(r)} `{r.label}`" for r in card.reports[1:]]
    return [*lines, ""]


def _metric(row: KeyNumber) -> str:
    parts = [row.metric, row.aspect or "", row.period or ""]
    return " · ".join(p for p in parts if p)


def _md_value(value: NumberValue) -> str:
    return (
        f"{_md(value.value_text)} ({', '.join(value.sources)}){''.join(c.rendered for c in value.citations)}"
    )


# -- HTML ------------------------------------------------------------------------------------------

_TEMPLATE = """<!doctype html>
<html lang="{{ lang }}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ w.title }} · {{ brief.query }}</title>
<style>
body{font:16px/1.6 -apple-system,"PingFang SC","Noto Sans CJK SC","Microsoft YaHei",sans-serif;
  max-width:52rem;margin:2rem auto;padding:0 1rem;color:#1d1d1f;background:#fff}
h1{font-size:1.6rem;margin-bottom:.2rem} h2{margin-top:2rem;border-bottom:1px solid #ddd}
.meta,.label{color:#666;font-size:.9rem}
.card{border:1px solid #ddd;border-radius:6px;padding:.6rem 1rem;margin:1rem 0}
.card h3{margin:.2rem 0;font-size:1.1rem}
.cite{font-size:.8rem;color:#0a58ca;text-decoration:none;white-space:nowrap}
.bad{color:#b00020;font-size:.85rem} table{border-collapse:collapse;width:100%}
td,th{border:1px solid #ddd;padding:.3rem .5rem;text-align:left;vertical-align:top}
.conflict{background:#fff4e5} details{margin-top:.4rem} code{font-size:.85rem;color:#555}
</style>
</head>
<body>
<h1>{{ w.title }}{{ sep }}{{ brief.query }}</h1>
<p class="meta">{{ facts | join(" · ") }}</p>
<p class="label">{{ w.label }}</p>
{%- macro cites(citations) -%}
  {%- for c in citations -%}
    <a class="cite" href="#src-{{ c.label }}">{{ c.rendered }}</a>
  {%- endfor -%}
{%- endmacro -%}
{%- macro bullet(b) -%}
  {{ b.text }}{{ cites(b.citations) }}
  {%- if not b.is_supported %}
    <span class="bad">({{ w.unsupported }}: {{ b.verdict.problems | join("; ") }})</span>
  {%- endif -%}
{%- endmacro -%}
{%- macro report(r) -%}
  {%- if r.url %}<a href="{{ r.url }}">{{ r.title }}</a>{% else %}{{ r.title }}{% endif -%}
  {{ " · " }}{{ r.source }} · {{ day(r.published_at) }}
{%- endmacro %}
{% if not brief.stories %}
<p>{{ w.none }}</p>
{% else %}
<h2>{{ w.developments }}</h2>
<ul>
{% for b in brief.developments %}<li>{{ bullet(b) }}</li>
{% endfor %}</ul>
<h2>{{ w.cards }}</h2>
{% for card in brief.stories %}
<section class="card" id="story-{{ card.story_id }}">
<h3>{{ card.lead.title }}</h3>
<div class="meta">
  {{ card.lead.source }} · {{ day(card.lead.published_at) }} · <code>{{ card.lead.label }}</code>
</div>
<ul>
{% for b in card.core_points %}<li>{{ bullet(b) }}</li>
{% endfor %}</ul>
{% if card.more_reports %}
<details><summary>{{ w.more.format(n=card.more_reports) }}</summary>
<ul>
{% for r in card.reports[1:] %}<li>{{ report(r) }} <code>{{ r.label }}</code></li>
{% endfor %}</ul>
</details>
{% endif %}
</section>
{% endfor %}
{% if brief.timeline %}
<h2>{{ w.timeline }}</h2>
<ul>
{% for e in brief.timeline %}<li><strong>{{ day(e.on) }}</strong> {{ bullet(e.bullet) }}</li>
{% endfor %}</ul>
{% endif %}
{% if brief.numbers %}
<h2>{{ w.numbers }}</h2>
<table>
<tr><th>{{ w.subject }}</th><th>{{ w.metric }}</th><th>{{ w.value }}</th></tr>
{% for row in brief.numbers %}
<tr{% if row.is_conflict %} class="conflict"{% endif %}>
<td>{{ row.subject }}</td><td>{{ metric(row) }}</td>
<td>
{%- for v in row.values -%}
  {%- if not loop.first %} ≠ {% endif -%}
  {{ v.value_text }} ({{ v.sources | join(", ") }}){{ cites(v.citations) }}
{%- endfor -%}
{%- if row.is_conflict %} <span class="bad">⚠ {{ w.conflict }}</span>{% endif -%}
</td>
</tr>
{% endfor %}</table>
{% endif %}
<h2>{{ w.sources }}</h2>
<ul>
{% for r in brief.sources %}<li id="src-{{ r.label }}"><code>{{ r.label }}</code> {{ report(r) }}</li>
{% endfor %}</ul>
{% endif %}
</body>
</html>
"""

_ENV = jinja2.Environment(autoescape=True, undefined=jinja2.StrictUndefined, keep_trailing_newline=True)
_PAGE = _ENV.from_string(_TEMPLATE)


def _facts(brief: Brief, w: dict[str, str]) -> list[str]:
    """The header line's parts: period, as-of day, counts of articles and stories, left-out articles."""
    facts = [f"{brief.article_count} {w['articles']}", f"{len(brief.stories)} {w['stories']}"]
    if brief.as_of is not None:
        facts.insert(0, f"{w['as_of']} {_day(brief.as_of)}")
    if _period(brief):
        facts.insert(0, f"{w['period']} {_period(brief)}")
    if brief.excluded:
        facts.append(f"{brief.excluded} {w['excluded']}")
    return facts


def render_brief_html(brief: Brief) -> str:
    """The briefing as one standalone HTML page: inline CSS, no scripts, fonts or images to fetch.

    Example:
        >>> Path("brief.html").write_text(render_brief_html(brief), encoding="utf-8")  # doctest: +SKIP
    """
    w = WORDS[brief.lang]
    facts = _facts(brief, w)
    return _PAGE.render(
        brief=brief,
        w=w,
        lang="zh-CN" if brief.lang == "zh" else "en",
        sep="：" if brief.lang == "zh" else ": ",
        facts=facts,
        day=_day,
        metric=_metric,
    )


# -- JSON ------------------------------------------------------------------------------------------


def brief_to_dict(brief: Brief) -> dict[str, Any]:
    """JSON-ready form of a briefing (dates as ISO-8601 strings)."""
    return {
        "query": brief.query,
        "lang": brief.lang,
        "as_of": _iso(brief.as_of),
        "since": _iso(brief.since),
        "until": _iso(brief.until),
        "generated_at": _iso(brief.generated_at),
        "article_count": brief.article_count,
        "excluded": brief.excluded,
        "stories": [_card_dict(c) for c in brief.stories],
        "developments": [_bullet_dict(b) for b in brief.developments],
        "timeline": [_entry_dict(e) for e in brief.timeline],
        "numbers": [_number_dict(n) for n in brief.numbers],
        "sources": [_report_dict(r) for r in brief.sources],
    }


def _iso(value: datetime | date | None) -> str | None:
    return value.isoformat() if value is not None else None


def _citation_dict(c: Citation) -> dict[str, Any]:
    return {"article_id": c.article_id, "paragraph": c.paragraph, "label": c.label, "rendered": c.rendered}


def _bullet_dict(b: BriefBullet) -> dict[str, Any]:
    return {
        "text": b.text,
        "citations": [_citation_dict(c) for c in b.citations],
        "verdict": {"is_supported": b.verdict.is_supported, "problems": list(b.verdict.problems)},
        "rendered": b.rendered,
    }


def _report_dict(r: Report) -> dict[str, Any]:
    return {
        "article_id": r.article_id,
        "label": r.label,
        "title": r.title,
        "source": r.source,
        "published_at": _iso(r.published_at),
        "url": r.url,
    }


def _card_dict(c: StoryCard) -> dict[str, Any]:
    return {
        "story_id": c.story_id,
        "lead": _report_dict(c.lead),
        "core_points": [_bullet_dict(b) for b in c.core_points],
        "reports": [_report_dict(r) for r in c.reports],
        "more_reports": c.more_reports,
    }


def _entry_dict(e: TimelineEntry) -> dict[str, Any]:
    return {"on": e.on.isoformat(), "event_type": e.event_type, **_bullet_dict(e.bullet)}


def _number_dict(n: KeyNumber) -> dict[str, Any]:
    return {
        "subject": n.subject,
        "metric": n.metric,
        "period": n.period,
        "aspect": n.aspect,
        "is_conflict": n.is_conflict,
        "values": [
            {
                "value_text": v.value_text,
                "value": v.value,
                "unit": v.unit,
                "sources": list(v.sources),
                "citations": [_citation_dict(c) for c in v.citations],
            }
            for v in n.values
        ],
    }
