"""View models of the pages and the API, built in one place from the store, the index and the hooks.

Templates and JSON serializers only read these records. To show a new kind of data, extend a record
here and fill it from a hook (:mod:`suanli.web.hooks`); the pages need no other change.
"""

from __future__ import annotations

from .article import (
    ArticleView,
    BlockView,
    RelatedView,
    SharedEntityView,
    build_article,
    dictionary_keywords,
    related_views,
)
from .entity import (
    ChartSeries,
    EntityListView,
    EntityView,
    EventView,
    EvidenceView,
    FactView,
    build_entity,
    build_entity_list,
    chart_series,
    event_view,
    fact_view,
    timeline,
)
from .search import (
    MAX_RESULTS,
    HitView,
    Pagination,
    SearchForm,
    SearchView,
    TextSpan,
    paginate,
    parse_search_form,
    run_search,
    search_query,
    split_highlights,
)
from .summary import CitedText, SectionView, SummaryView, summaries_for, summary_view

__all__ = [
    "MAX_RESULTS",
    "ArticleView",
    "BlockView",
    "ChartSeries",
    "CitedText",
    "EntityListView",
    "EntityView",
    "EventView",
    "EvidenceView",
    "FactView",
    "HitView",
    "Pagination",
    "RelatedView",
    "SearchForm",
    "SearchView",
    "SectionView",
    "SharedEntityView",
    "SummaryView",
    "TextSpan",
    "build_article",
    "build_entity",
    "build_entity_list",
    "chart_series",
    "dictionary_keywords",
    "event_view",
    "fact_view",
    "paginate",
    "parse_search_form",
    "related_views",
    "run_search",
    "search_query",
    "split_highlights",
    "summaries_for",
    "summary_view",
    "timeline",
]
