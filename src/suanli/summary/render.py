"""Plain-text rendering of a summary, in the layout of the project's reference summaries."""

from __future__ import annotations

from suanli.summary.models import Bullet, Summary

_HEADINGS = {
    "zh": ("快速阅读", "文章核心观点", "关键词：", "、", "（未通过核查）"),
    "en": ("Quick read", "Core points", "Keywords: ", ", ", " (not supported by the cited paragraphs)"),
}


def render_summary(summary: Summary, *, show_unsupported: bool = True) -> str:
    """The summary as text: label, quick read, core points, sections (``- text[3][7]``), keywords.

    Bullets whose verdict says they are unsupported are flagged, or left out when
    ``show_unsupported`` is False.
    """
    quick_title, core_title, keywords_title, separator, flag = _HEADINGS[
        "zh" if summary.lang == "zh" else "en"
    ]

    def line(bullet: Bullet) -> str | None:
        unsupported = bullet.verdict is not None and not bullet.verdict.is_supported
        if unsupported and not show_unsupported:
            return None
        return f"- {bullet.rendered}{flag if unsupported else ''}"

    out = [summary.label]
    if summary.fallback_reason:
        out.append(f"({summary.fallback_reason})")
    if summary.quick_read is not None and (text := line(summary.quick_read)) is not None:
        out += ["", quick_title, text[2:]]
    if summary.core_points:
        out += ["", core_title]
        out += [text for b in summary.core_points if (text := line(b)) is not None]
    for section in summary.sections:
        lines = [text for b in section.bullets if (text := line(b)) is not None]
        if lines:
            out += ["", section.heading, *lines]
    if summary.keywords:
        out += ["", keywords_title + separator.join(summary.keywords)]
    return "\n".join(out)
