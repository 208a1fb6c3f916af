"""UI strings of the web pages in Chinese (the default) and English, chosen by ``?hl=`` or a cookie."""

from __future__ import annotations

from collections.abc import Callable
from typing import Literal

UiLang = Literal["zh", "en"]
UI_LANGS: tuple[UiLang, ...] = ("zh", "en")

# key: (zh, en)
_STRINGS: dict[str, tuple[str, str]] = {
    "brand": ("AI算力市场", "AI Compute Market"),
    "nav_search": ("搜索文档", "Search"),
    "nav_entities": ("实体", "Entities"),
    "nav_add": ("添加文章", "Add articles"),
    "nav_api": ("API", "API"),
    "switch_lang": ("English", "中文"),
    "logout": ("退出", "Log out"),
    "query_placeholder": ("输入关键词，如 寒武纪 市值", "Keywords, e.g. 寒武纪 市值 or HBM"),
    "search_button": ("搜索", "Search"),
    "filters": ("筛选", "Filters"),
    "since": ("起始日期", "From"),
    "until": ("截止日期", "To"),
    "source": ("来源", "Source"),
    "any_source": ("全部来源", "All sources"),
    "lang": ("语言", "Language"),
    "any_lang": ("全部语言", "All languages"),
    "lang_zh": ("中文", "Chinese"),
    "lang_en": ("英文", "English"),
    "entity": ("实体", "Entity"),
    "any_entity": ("全部实体", "All entities"),
    "event_type": ("事件类型", "Event type"),
    "any_event_type": ("全部事件", "All events"),
    "sort": ("排序", "Sort"),
    "sort_relevance": ("相关度", "Relevance"),
    "sort_date": ("时间", "Date"),
    "results": ("条结果", "results"),
    "words": ("检索词", "Words"),
    "no_query_title": ("搜索AI算力新闻", "Search AI-compute news"),
    "no_query_help": (
        "输入一个或多个关键词；每个词都必须出现在标题或正文中。也可以试试：",
        "Type one or more words; every word must occur in the title or body. Try:",
    ),
    "corpus_size": ("篇文章已收录", "articles stored"),
    "empty_corpus": (
        "还没有文章。请先在“添加文章”页面粘贴网址或RSS地址，或在终端运行 suanli add。",
        "No articles yet. Paste URLs or a feed on the “Add articles” page, or run suanli add in a terminal.",
    ),
    "no_results_title": ("没有找到匹配的文章", "No articles match"),
    "no_results_help": (
        "试试减少关键词、换一个说法，或去掉日期、来源等筛选条件。",
        "Try fewer words, another wording, or remove the date, source and other filters.",
    ),
    "clear_filters": ("清除筛选", "Clear filters"),
    "core_points": ("文章核心观点", "Core points"),
    "quick_read": ("快速阅读", "Quick read"),
    "prev": ("上一页", "Previous"),
    "next": ("下一页", "Next"),
    "page": ("第{n}页", "Page {n}"),
    "published": ("发布时间", "Published"),
    "undated": ("日期不详", "undated"),
    "authors": ("作者", "Authors"),
    "original": ("查看原文", "Original article"),
    "keywords": ("关键词", "Keywords"),
    "related": ("你可能还想读", "You may also like"),
    "no_related": ("暂无相关文章", "No related articles yet"),
    "caption": ("图注", "Caption"),
    "disclaimer": ("声明", "Disclaimer"),
    "sample_label": (
        "suanli 示例文本（项目撰写，非新闻报道）",
        "suanli sample text (project-written, not news reporting)",
    ),
    "no_summary": ("本文暂无摘要", "No summary for this article yet"),
    "unsupported": ("未通过引文核对", "not supported by the cited paragraphs"),
    "paragraph": ("第{n}段", "Paragraph {n}"),
    "no_kb_title": ("还没有知识库", "No knowledge base yet"),
    "no_kb_help": (
        "实体、事实和事件将在知识库建立后显示在这里；在此之前请使用搜索。",
        "Entities, facts and events appear here once the knowledge base is built; until then, use search.",
    ),
    "entities_title": ("实体", "Entities"),
    "entity_type": ("类型", "Type"),
    "names": ("名称", "Names"),
    "aliases": ("别名", "Aliases"),
    "codes": ("代码", "Codes"),
    "vendor": ("厂商", "Vendor"),
    "parent": ("母公司", "Parent"),
    "country": ("国家/地区", "Country"),
    "specs": ("规格", "Specifications"),
    "spec_source": ("出处", "Source"),
    "facts": ("事实", "Facts"),
    "no_facts": ("暂无事实数据", "No facts yet"),
    "metric": ("指标", "Metric"),
    "value": ("数值", "Value"),
    "period": ("时间", "Period"),
    "evidence": ("出处", "Evidence"),
    "events": ("事件时间线", "Event timeline"),
    "no_events": ("暂无事件", "No events yet"),
    "chart": ("走势", "Over time"),
    "search_mentions": ("搜索提及该实体的文章", "Search articles that mention it"),
    "add_title": ("添加文章", "Add articles"),
    "add_help": (
        "每行粘贴一个文章网址或RSS/Atom地址（只接受 http:// 与 https://）。",
        "Paste one article URL or RSS/Atom feed URL per line (http:// and https:// only).",
    ),
    "add_feed": (
        "登记为订阅源，之后可用 suanli update 更新",
        "Register as feeds, to be polled by suanli update",
    ),
    "add_source": ("来源名称（可选）", "Source name (optional)"),
    "add_button": ("开始添加", "Add"),
    "job_state_queued": ("排队中", "Queued"),
    "job_state_running": ("进行中", "Running"),
    "job_state_done": ("已完成", "Done"),
    "job_state_failed": ("失败", "Failed"),
    "job_progress": ("进度", "Progress"),
    "result_added": ("已添加", "added"),
    "result_already": ("已存在", "already stored"),
    "result_failed": ("失败", "failed"),
    "error_title": ("出错了", "Something went wrong"),
    "error_back": ("返回搜索", "Back to search"),
    "login_title": ("登录", "Log in"),
    "login_help": (
        "此服务器开启了团队模式。请输入管理员发给你的API令牌。",
        "This server runs in team mode. Enter the API token your administrator gave you.",
    ),
    "token": ("API令牌", "API token"),
    "login_button": ("登录", "Log in"),
    "api_docs": ("API 文档", "API documentation"),
    # stories: one card per story on the search page, and the story page (/stories/{id})
    "all_reports": ("显示全部报道", "Show every report"),
    "one_card_per_story": ("每个事件只显示一条", "One card per story"),
    "in_stories": ("{n}个事件", "{n} stories"),
    "more_reports": ("另有{n}篇报道", "{n} more reports"),
    "story_page": ("查看该事件的全部报道", "All reports of this story"),
    "story_reports": ("{n}篇报道", "{n} reports"),
    "story_first": ("首发", "First reported"),
    "story_report_title": ("标题", "Title"),
    "story_rule": ("归入方式", "Joined as"),
    "story_rule_new": ("首发报道", "first report"),
    "story_rule_near_duplicate": ("转载/近似重复", "repost (near-duplicate)"),
    "story_rule_same_event": ("同一事件", "same event"),
    # briefing page (/brief)
    "nav_brief": ("简报", "Briefing"),
    "brief_title": ("主题简报", "Briefing"),
    "brief_help": (
        "输入关键词，生成跨文章简报：按时间排列的事件卡片、标注引文的主要进展、时间线和关键数字。",
        "Type keywords for a cross-article briefing: story cards newest first, cited main developments, "
        "a timeline and key numbers.",
    ),
    "brief_button": ("生成简报", "Brief"),
    "brief_on_query": ("就此生成简报", "Brief on this query"),
    "brief_as_of": ("截至日期", "As of"),
    "brief_as_of_note": (
        "截至 {day}：只使用当日及之前发布的报道，之后的新闻不会被读取。",
        "As of {day}: only articles published up to that day are used; later news is never read.",
    ),
    "brief_period": ("时间范围", "Period"),
    "brief_counts": ("{articles} 篇报道 · {stories} 个事件", "{articles} articles · {stories} stories"),
    "brief_download": ("下载", "Download"),
    "brief_label": (
        "机器生成简报，每条陈述均标注来源段落 [文章§段落]",
        "Machine-written briefing; every statement cites its paragraphs as [article§paragraph]",
    ),
    "brief_developments": ("主要进展", "Main developments"),
    "brief_no_developments": ("没有通过引文核对的要点", "No statement passed the citation check"),
    "brief_stories": ("事件", "Stories"),
    "brief_more": ("另有 {n} 篇报道", "{n} more reports"),
    "brief_timeline": ("时间线", "Timeline"),
    "brief_numbers": ("关键数字", "Key numbers"),
    "brief_subject": ("对象", "Subject"),
    "brief_conflict": ("各方数字不一致", "reports disagree"),
    "brief_sources": ("来源", "Sources"),
    "brief_none_title": ("没有符合条件的报道", "No matching articles"),
    "brief_none_help": (
        "试试减少关键词、换一个说法，或放宽日期范围。",
        "Try fewer words, another wording, or a wider date range.",
    ),
    # watchlists (/watches)
    "nav_watches": ("关注", "Watchlists"),
    "watches_title": ("关注列表", "Watchlists"),
    "watches_help": (
        "关注一个关键词或实体：这里列出上次标记已读之后新收录的相关报道，按事件归并。查看本页不会标记已读。",
        "Watch a query or an entity: listed here are the stories with reports stored since you last "
        "marked it as seen, one line per story. Viewing this page marks nothing.",
    ),
    "watch_kind": ("类型", "Kind"),
    "watch_kind_query": ("关键词", "Query"),
    "watch_kind_entity": ("实体", "Entity"),
    "watch_text": ("关注内容", "What to watch"),
    "watch_placeholder": (
        "关键词（如 H20 停产）或实体名（如 寒武纪）",
        "Words (e.g. H20 停产) or an entity name (e.g. 寒武纪)",
    ),
    "watch_add_button": ("添加关注", "Watch"),
    "watch_created": ("创建于", "Created"),
    "watch_last_run": ("上次标记已读", "Last marked seen"),
    "watch_never": ("从未", "never"),
    "watch_new_count": ("{n} 个新事件", "new stories: {n}"),
    "watch_updated_count": ("{n} 个旧事件有新报道", "older stories with news: {n}"),
    "watch_nothing_new": ("没有新报道", "Nothing new"),
    "watch_remove": ("取消关注", "Remove"),
    "watch_mark_seen": ("全部标记为已读", "Mark all as seen"),
    "watch_new_story": ("新事件", "New story"),
    "watch_update": ("旧事件有新报道", "News on an older story"),
    "watch_more_new": ("另有{n}篇新报道", "+{n} new reports"),
    "watch_none_title": ("还没有关注", "No watches yet"),
    "watch_none_help": (
        "在上面添加一个关键词或实体；之后收录的相关报道会列在这里。",
        "Add a query or an entity above; stories stored from then on are listed here.",
    ),
    "watch_notice_added": ("已关注 {label}", "Now watching {label}"),
    "watch_notice_existing": ("已经在关注 {label}", "Already watching {label}"),
    "watch_notice_removed": ("已取消关注 #{n}", "Removed watch #{n}"),
    "watch_notice_marked": ("已将 {n} 个关注标记为已读", "Marked {n} watches as seen"),
}

_METRICS: dict[str, tuple[str, str]] = {
    "price_change": ("涨跌幅", "price change"),
    "price": ("价格", "price"),
    "index_level": ("指数点位", "index level"),
    "market_cap": ("市值", "market cap"),
    "turnover": ("成交额", "turnover"),
    "revenue": ("营收", "revenue"),
    "profit": ("利润", "profit"),
    "loss": ("亏损", "loss"),
    "growth_rate": ("增速", "growth rate"),
    "market_share": ("市场份额", "market share"),
    "market_size": ("市场规模", "market size"),
    "shipments": ("出货量", "shipments"),
    "spec": ("规格", "spec"),
    "fee_rate": ("费率", "fee rate"),
    "fine": ("罚款", "fine"),
    "valuation": ("估值", "valuation"),
    "funding": ("融资", "funding"),
    "investment": ("投资", "investment"),
    "deal_value": ("交易金额", "deal value"),
    "compute_capacity": ("算力规模", "compute capacity"),
}

_EVENT_TYPES: dict[str, tuple[str, str]] = {
    "export_control": ("出口管制", "export control"),
    "product_launch": ("产品发布", "product launch"),
    "production_halt": ("停产", "production halt"),
    "listing": ("上市", "listing"),
    "earnings": ("财报", "earnings"),
    "price_move": ("股价异动", "price move"),
    "regulatory_probe": ("监管调查", "regulatory probe"),
    "deal": ("交易", "deal"),
    "financing": ("融资", "financing"),
}


_ENTITY_TYPES: dict[str, tuple[str, str]] = {
    "company": ("公司", "company"),
    "chip": ("芯片", "chip"),
    "architecture": ("架构", "architecture"),
    "system": ("系统", "system"),
    "software": ("软件", "software"),
    "model": ("模型", "model"),
    "number_format": ("数值格式", "number format"),
    "index": ("指数", "index"),
    "exchange": ("交易所", "exchange"),
    "board": ("板块", "board"),
    "regulator": ("监管机构", "regulator"),
    "law": ("法规", "law"),
    "category": ("类别", "category"),
}


def pick_lang(query_value: str | None, cookie_value: str | None) -> UiLang:
    """The UI language: ``?hl=`` first, then the ``hl`` cookie, else Chinese."""
    for value in (query_value, cookie_value):
        if value == "en":
            return "en"
        if value == "zh":
            return "zh"
    return "zh"


def translator(hl: UiLang) -> Callable[..., str]:
    """``t(key, **fields)`` for templates; an unknown key shows itself, so a gap is visible, not fatal."""
    column = 0 if hl == "zh" else 1

    def t(key: str, **fields: object) -> str:
        pair = _STRINGS.get(key)
        text = pair[column] if pair is not None else key
        return text.format(**fields) if fields else text

    return t


def metric_label(metric: str, hl: UiLang) -> str:
    pair = _METRICS.get(metric)
    return pair[0 if hl == "zh" else 1] if pair else metric


def event_type_label(event_type: str, hl: UiLang) -> str:
    pair = _EVENT_TYPES.get(event_type)
    return pair[0 if hl == "zh" else 1] if pair else event_type


def entity_type_label(entity_type: str, hl: UiLang) -> str:
    pair = _ENTITY_TYPES.get(entity_type)
    return pair[0 if hl == "zh" else 1] if pair else entity_type
