"""Company names the knowledge base does not know, found by how texts mark companies.

Financial texts mark a company by what surrounds its name: a stock code in brackets
(``龙佰集团（002601.SZ）``), a defined short name (``以下简称“卓翼科技”``), a legal form
(``中信证券股份有限公司``, reported as ``中信证券``), a filing verb at the start of a clause
(``雪峰科技公告``, ``亚太股份在互动平台表示``), a flash headline (``【粤桂股份：…】``) or an
industry suffix at the start of a clause (``重庆钢铁聚焦…``). Every name found this way is an
unresolved company mention: the span is the short name inside the text, never a guess of
which listed company it is.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from .models import Mention

_HAN = r"\u4e00-\u9fff"
_NAME = rf"[{_HAN}A-Za-z0-9]"
# Where a company name can start: the start of the text or a clause, after a flash dateline
# ("1月5日讯，"), or after a word that introduces a party.
_LEFT = (
    r"(?:(?<=^)|(?<=[\s，,。；;：:、“”\"‘’【】《》（）()—·！？!?])"
    r"|(?<=讯)|(?<=获)|(?<=与)|(?<=和)|(?<=及)|(?<=将))"
)

_CODE = re.compile(
    rf"(?P<name>{_NAME}{{2,12}}?)\s*[（(]\s*(?:(?:股票代码|证券代码|代码)[：:]?\s*)?"
    r"(?:\d{6}(?:\s*\.\s*(?:SH|SZ|BJ|sh|sz|bj))?|\d{4,5}\s*\.\s*HK|(?:NASDAQ|NYSE|纳斯达克|纽交所)\s*[：:]\s*[A-Z]{1,5})"
    r"\s*[)）]"
)
_DEFINED = re.compile(
    r"(?:公司|集团|银行|企业|中心)\s*[（(]\s*(?:以下)?简称[:：]?\s*[“\"「‘]?(?P<name>[^”\"」’，,。；;：:（）()\s]{2,10})[”\"」’)）]"
)
_QUOTED_AFTER_LEGAL = re.compile(r"(?:公司|集团)\s*[（(][“\"](?P<name>[^”\"]{2,10})[”\"][)）]")
_LEGAL = re.compile(
    rf"(?P<name>[{_HAN}]{{2,16}}?)(?:（[{_HAN}]{{2,4}}）)?(?:集团)?(?:股份)?有限(?:责任)?公司"
)
_FILING = re.compile(
    rf"{_LEFT}(?P<name>{_NAME}{{2,8}}?)(?:\(\d{{6}}\))?"
    r"(?:在(?:投资者)?互动平台(?:上)?(?:表示|回复|称)|(?:晚间|早间|盘后|日前|近日|今日|今晚)?(?:发布|披露)?公告"
    r"|发布(?:了)?(?:\d{4}年?)?(?:年度|半年度|第?[一二三四]季度|前三季度)?(?:业绩)?(?:预告|预增公告|预减公告|预降公告|快报|报告)"
    r"|公布的最新两融数据|股价今日报收|出现\d+笔大宗交易|接受(?:机构)?调研|董事会(?:审议|决议)"
    r"|(?:\d+月\d+日)?将.{2,8}?评级(?:由|调整|上调|下调|维持))"
)
_HEADLINE = re.compile(
    rf"【(?P<name>{_NAME}{{2,8}}?)(?:(?:业绩|年度|半年度|季度|一季度|三季度)(?:预告|报告|快报))?[：:]"
)
_RATED = re.compile(
    rf"将(?P<name>{_NAME}{{2,8}}?)评级(?:由|调整|上调|下调|维持)|{_LEFT}(?P<rated>{_NAME}{{2,8}}?)获.{{2,8}}?(?:维持|首次覆盖|给予|上调|下调)"
)
_MOVED = re.compile(
    rf"{_LEFT}(?:今日|今天|盘中)?(?P<name>{_NAME}{{2,6}}?)(?:开盘|收盘|盘中|股价|尾盘|早盘|午后)?(?:\d{{1,2}}月)?(?:\d{{1,2}}日)?"
    r"(?:报收|开盘报|大涨|大跌|涨停|跌停|(?:涨|跌)(?:超|逾|近)?\d)"
)
_SUFFIX_WORDS = (
    "股份|科技|集团|证券|银行|控股|药业|电子|实业|地产|重工|电气|光电|传媒|钢铁|矿业|资本|置业|电器|新材"
)
_SUFFIXED = re.compile(
    rf"{_LEFT}(?P<name>[{_HAN}]{{2,4}}(?:{_SUFFIX_WORDS}))(?=[{_HAN}（(，,、。])(?!开支|支出|市场)"
)
_GENERIC_HEAD = re.compile(
    r"^(?:国内|国外|全球|我国|海外|相关|其他|多家|各家|部分|上述|龙头|头部|大型|中小|主要|知名|传统|新兴|上市"
    r"|券商|行业|产业|概念|板块|整个|全部|外资|内资|民营|国有|地方|旗下|下属|控股|参股|全资|该|本|这|那|各|多|每)"
)
_PATTERNS = (_CODE, _DEFINED, _QUOTED_AFTER_LEGAL, _HEADLINE, _FILING, _RATED, _LEGAL, _MOVED, _SUFFIXED)
# A pattern runs only when its trigger finds something in the text: most texts have no filing
# verbs or legal names, and the patterns' look-behinds are slow to try at every position.
_TRIGGERS = {
    _CODE: re.compile(r"[（(]\s*(?:股票代码|证券代码|代码|NASDAQ|NYSE|纳斯达克|纽交所|\d{4})"),
    _DEFINED: re.compile(r"简称"),
    _QUOTED_AFTER_LEGAL: re.compile(r"[（(][“\"]"),
    _HEADLINE: re.compile(r"【"),
    _FILING: re.compile(r"互动平台|公告|发布|两融|报收|大宗交易|调研|董事会|评级"),
    _RATED: re.compile(r"评级|获"),
    _LEGAL: re.compile(r"有限(?:责任)?公司"),
    _MOVED: re.compile(r"报收|开盘报|涨|跌"),
    _SUFFIXED: re.compile(_SUFFIX_WORDS),
}
_LIST_ITEM = re.compile(rf"[{_HAN}A-Za-z]{{2,6}}")
_NOT_NAME = re.compile(
    r"股价|价格|指数|板块|市场|行业|概念|收盘|开盘|盘中|资金|前一|同比|环比|季度|半年|年度|^较"
    r"|^(?:当日|今日|昨日|首日|早盘|午后|尾盘|全天|当天|同日|日内|年内|随后|此后|之后|其后)|(?:公司|收|盘|涨|跌|上|下)$"
    r"|^(?:披露|发布|公布|宣布|表示|拟|已|正在|调价|调整)"
)
_ITEM_CHAR = re.compile(rf"[{_HAN}A-Za-z]")
_DATE_LIKE = re.compile(r"\d+[月日年]")
_REGION = re.compile(
    r"^(?:北京|上海|天津|重庆|深圳|广州|杭州|南京|苏州|武汉|成都|西安|长沙|合肥|济南|青岛|厦门|福州|宁波"
    r"|无锡|大连|沈阳|郑州|珠海|东莞|佛山|广东|江苏|浙江|山东|河南|河北|湖南|湖北|四川|福建|安徽|江西"
    r"|辽宁|吉林|黑龙江|山西|陕西|云南|贵州|广西|海南|甘肃|新疆|内蒙古)(?:省|市|自治区)?"
)
_GENERIC_TAIL = re.compile(r"(?:信息技术|投资管理|科技集团|技术|科技|集团|控股|管理)$")
_LEADING_WORDS = re.compile(
    r"^(?:据悉|其中|同时|此外|另外|以及|随后|目前|今年|去年|日前|近日|公告显示|数据显示|有投资者问|投资者问|包括|比如|例如"
    r"|随着|反映出|说明|未来|出任|现任|原任|持有|所持|竞品|上市公司|公司控股|控股子公司|全资子公司|控股孙公司|子公司"
    r"|孙公司|参股公司|母公司|公司|股东|旗下|下属|以|经|赴|就|原|占|据|其|而|但|并|对|向|由|为|在|是|被|称|从|让|使|如)+"
)
# A sentence particle inside a candidate means the name starts after it (…双增的中来股份).
_PARTICLES = (
    "的",
    "为",
    "了",
    "是",
    "在",
    "与",
    "及",
    "对",
    "向",
    "由",
    "将",
    "被",
    "称",
    "据",
    "于",
    "从",
    "关于",
    "收到",
)
_STOP = frozenset(
    "公司 本公司 该公司 贵公司 我公司 子公司 孙公司 母公司 上市公司 控股子公司 全资子公司 参股公司 "
    "投资者 有投资者 "
    "记者 市场 机构 分析师 业内人士 我们 管理层 董事会 监事会 股东 报告期内 报告期 公司董事会 本次 此次 "
    "中国证券 国有资本 证券 银行 集团 科技 控股 股份 基金 保险 资本 投资 技术 信息 电子 半导体 产业资本 特此 "
    "一级资本 核心一级资本 金融控股 房地产 电子电气 发布 之前 当下 目前 此前 随后 同时 个股 指数 板块 大盘 "
    "沪指 深成指 两市 创业板 科创板 北向资金 南向资金 主力 散户 该股 港股 美股 A股".split()
)


def discover_companies(text: str, taken: Iterable[tuple[int, int]] = ()) -> list[Mention]:
    """Unresolved company mentions in ``text`` that overlap none of the ``taken`` spans.

    Example:
        >>> [m.text for m in discover_companies("【粤桂股份：高管辞职】1月19日讯，粤桂股份公告，")]
        ['粤桂股份', '粤桂股份']
    """
    spans = sorted(taken)
    found: dict[tuple[int, int], Mention] = {}
    for pattern in _PATTERNS:
        if _TRIGGERS[pattern].search(text) is None:
            continue
        if pattern is _LEGAL:
            for match in _LEGAL.finditer(text):
                start, end = _short_name(text, match.start("name"), match.end("name"), legal=True)
                name = text[start:end]
                if end - start >= 2 and name not in _STOP and not _overlaps(spans + list(found), start, end):
                    found[(start, end)] = Mention(name, start, end, None, "company", (), "pattern")
            continue
        for match in pattern.finditer(text):
            group = "name" if match.group("name") is not None else "rated"
            start, end = _short_name(text, match.start(group), match.end(group))
            if end - start < 2 or _overlaps(spans + list(found), start, end):
                continue
            name = text[start:end]
            if name in _STOP or _DATE_LIKE.search(name) or _NOT_NAME.search(name):
                continue
            if pattern is _SUFFIXED and _GENERIC_HEAD.match(name):
                continue
            found[(start, end)] = Mention(name, start, end, None, "company", (), "pattern")
    # Neighbours in an enumeration with a found company are companies too (哔哩哔哩、携程跌近3%).
    for mention in list(found.values()):
        for start, end in _list_neighbours(text, mention.start, mention.end):
            name = text[start:end]
            if name not in _STOP and not _overlaps(spans + list(found), start, end):
                found[(start, end)] = Mention(name, start, end, None, "company", (), "pattern")
    # Names repeated elsewhere in the text without a marker are the same companies.
    names = {m.text for m in found.values() if len(m.text) >= 3}
    if names:
        occupied = spans + sorted(found)
        repeat = re.compile("|".join(re.escape(n) for n in sorted(names, key=len, reverse=True)))
        for match in repeat.finditer(text):
            start, end = match.span()
            if (start, end) not in found and not _overlaps(occupied, start, end):
                found[(start, end)] = Mention(match.group(), start, end, None, "company", (), "pattern")
    return sorted(found.values(), key=lambda m: m.start)


def _list_neighbours(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Spans of the items enumerated with ``text[start:end]`` by 、 in the same clause."""
    out = []
    pos = start
    while pos > 0 and text[pos - 1] == "、":
        item = _last_item(text, pos - 1)
        if item is None:
            break
        out.append(item)
        pos = item[0]
    pos = end
    while pos < len(text) and text[pos] == "、":
        match = _LIST_ITEM.match(text, pos + 1)
        if match is None:
            break
        out.append(match.span())
        pos = match.end()
    return out


def _last_item(text: str, end: int) -> tuple[int, int] | None:
    start = end
    while start > 0 and end - start < 6 and _ITEM_CHAR.match(text[start - 1]):
        start -= 1
    return (start, end) if end - start >= 2 else None


def short_company_name(name: str) -> str:
    """The name a text would use for a legal company name: no region, legal form or generic tail.

    Example:
        >>> short_company_name("福建华龙生物科技集团有限公司")
        '华龙生物'
    """
    start, end = _short_name(name, 0, len(name), legal=True)
    return name[start:end]


def _short_name(text: str, start: int, end: int, *, legal: bool = False) -> tuple[int, int]:
    name = text[start:end]
    # 1. Words that introduce a clause are not part of the name.
    lead = _LEADING_WORDS.match(name)
    if lead and len(name) - lead.end() >= 2:
        start += lead.end()
        name = name[lead.end() :]
    # 2. A name may start after a verb or particle of the sentence (买方为中信证券股份有限公司).
    cut = max(name.rfind(w) + len(w) if w in name else 0 for w in _PARTICLES)
    if 0 < cut <= len(name) - 2:
        start += cut
        name = name[cut:]
    if not legal:
        return start, end
    # 3. Legal suffix, then the region prefix and a generic tail, keeping at least two characters.
    for word in ("股份有限公司", "有限责任公司", "有限公司", "股份公司", "股份", "集团"):
        if name.endswith(word) and len(name) - len(word) >= 2:
            end -= len(word)
            name = name[: -len(word)]
    region = _REGION.match(name)
    if region and len(name) - region.end() >= 4:
        start += region.end()
        name = name[region.end() :]
    while len(name) > 4:
        tail = _GENERIC_TAIL.search(name)
        if tail is None or len(name) - len(tail.group()) < 2:
            break
        end -= len(tail.group())
        name = name[: -len(tail.group())]
    return start, end


def _overlaps(spans: list[tuple[int, int]], start: int, end: int) -> bool:
    return any(s < end and start < e for s, e in spans)
