"""Facts and events to and from plain dicts (JSON), for storage."""

from __future__ import annotations

from dataclasses import asdict
from datetime import date, datetime
from typing import Any

from suanli.knowledge.models import Event, Evidence, Fact, Period


def _period_to_dict(period: Period | None) -> dict[str, Any] | None:
    if period is None:
        return None
    return {
        "start": period.start.isoformat(),
        "end": period.end.isoformat(),
        "granularity": period.granularity,
        "is_open": period.is_open,
        "label": period.label,
    }


def _period_from_dict(data: dict[str, Any] | None) -> Period | None:
    if data is None:
        return None
    return Period(
        start=date.fromisoformat(data["start"]),
        end=date.fromisoformat(data["end"]),
        granularity=data["granularity"],
        is_open=bool(data.get("is_open", False)),
    )


def fact_to_dict(fact: Fact) -> dict[str, Any]:
    data = asdict(fact)
    data["qualifiers"] = list(fact.qualifiers)
    data["period"] = _period_to_dict(fact.period)
    return data


def fact_from_dict(data: dict[str, Any]) -> Fact:
    fields = dict(data)
    fields["qualifiers"] = tuple(fields.get("qualifiers", ()))
    fields["period"] = _period_from_dict(fields.get("period"))
    return Fact(**fields)


def event_to_dict(event: Event) -> dict[str, Any]:
    return {
        "event_id": event.event_id,
        "event_type": event.event_type,
        "period": _period_to_dict(event.period),
        "subject_ids": list(event.subject_ids),
        "entity_ids": list(event.entity_ids),
        "summary": event.summary,
        "is_local_time": event.is_local_time,
        "evidence": [
            {
                "article_id": e.article_id,
                "paragraph_number": e.paragraph_number,
                "quote": e.quote,
                "published_at": e.published_at.isoformat() if e.published_at else None,
            }
            for e in event.evidence
        ],
    }


def event_from_dict(data: dict[str, Any]) -> Event:
    return Event(
        event_id=data["event_id"],
        event_type=data["event_type"],
        period=_period_from_dict(data.get("period")),
        subject_ids=tuple(data.get("subject_ids", ())),
        entity_ids=tuple(data.get("entity_ids", ())),
        summary=data.get("summary", ""),
        is_local_time=bool(data.get("is_local_time", False)),
        evidence=tuple(
            Evidence(
                article_id=e["article_id"],
                paragraph_number=e["paragraph_number"],
                quote=e["quote"],
                published_at=datetime.fromisoformat(e["published_at"]) if e.get("published_at") else None,
            )
            for e in data.get("evidence", ())
        ),
    )
