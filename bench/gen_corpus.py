"""Synthetic zh/en AI-compute news articles and queries, deterministic by seed.

Each document is built from its own ``random.Random`` seeded by ``(seed, index)``, so any
slice ``[start, start + n)`` can be generated independently (by parallel workers) and is
identical to the same slice of a longer run. Documents pick a topic; terms are drawn from the
topic's vocabulary and a shared one with Zipf-like weights, so some query terms are very
common and others rare, as in real news.

Usage:
    python bench/gen_corpus.py --n 1000 --seed 7 --out /tmp/corpus.jsonl
    python bench/gen_corpus.py --n 1000 --queries 50     # print 50 queries instead
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import sys
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

CORPUS_START = datetime(2023, 1, 1, tzinfo=UTC)
CORPUS_DAYS = 3 * 365

COMPANIES_ZH = (
    "英伟达 华为 寒武纪 海光信息 摩尔线程 壁仞科技 沐曦 燧原科技 天数智芯 昆仑芯 中科曙光 浪潮信息 "
    "工业富联 中际旭创 新易盛 阿里云 腾讯云 百度智能云 字节跳动 火山引擎 中国移动 中国电信 中国联通 "
    "润泽科技 光环新网 万国数据 世纪互联 台积电 三星 海力士 美光 微软 谷歌 亚马逊 甲骨文 超微电脑"
).split()
PRODUCTS = (
    *"H100 H200 H20 A100 A800 H800 B200 GB200 GB300 昇腾910B 昇腾910C MI300X MI325X".split(),
    "MTT S4000",
    *"思元590 深算二号 HBM3E CoWoS 800G光模块 1.6T光模块 NVLink InfiniBand".split(),
)
REGIONS_ZH = "北京 上海 深圳 杭州 贵州 内蒙古 宁夏 甘肃 乌兰察布 成都 美国 中东 东南亚 日本 韩国".split()
TOPICS_ZH: dict[str, tuple[str, ...]] = {
    "rental": tuple("算力租赁 租金 每卡时 价格 涨价 降价 算力 服务器 合同 订单 利用率 闲置".split()),
    "chips": tuple("国产芯片 国产替代 芯片 产能 流片 良率 制程 生态 软件栈 训练 推理 性能".split()),
    "datacenter": tuple(
        "智算中心 数据中心 液冷 机柜 电力 能耗 东数西算 万卡集群 交换机 建设 投运 招标".split()
    ),
    "export": tuple("出口管制 禁令 许可证 供应链 库存 走私 合规 关税 制裁 采购 替代方案 审查".split()),
    "finance": tuple("营收 净利润 毛利率 资本开支 融资 估值 市值 股价 财报 上市 订单 指引".split()),
    "models": tuple("大模型 训练 推理 开源 参数 token 调用量 降本 模型 智能体 多模态 部署".split()),
}
FILLER_ZH = (
    "业内普遍认为",
    "值得注意的是",
    "与此同时",
    "从长期来看",
    "有分析人士指出",
    "据了解",
    "记者注意到",
    "市场人士表示",
)
TEMPLATES_ZH = (
    "{c}表示，{t}需求持续增长，{p}的{t2}较上月{d}{pct}。",
    "据业内人士透露，{r}多个{t}项目已进入{stage}阶段，涉及{p}约{k}台。",
    "{date}，{c}发布公告称，拟投资{amount}亿元建设{t}项目。",
    "分析师认为，{t}与{t2}将成为{year}年的重要看点，{c}有望受益。",
    "市场数据显示，{p}每卡时租金约为{price}元，{t}{d}。",
    "{f}，{c}与{c2}在{t}领域展开合作，重点围绕{p}和{t2}。",
    "{f}，{r}的{t}规模已超过{k}PFlops，{t2}仍是主要瓶颈。",
    "{c}相关负责人称，公司{t}业务{d}{pct}，{t2}保持稳定。",
)
STAGES_ZH = "规划 招标 建设 调试 投运 扩容".split()
UP_DOWN_ZH = "上涨 下降 增长 回落 持平".split()

COMPANIES_EN = "Nvidia AMD Intel Huawei Microsoft Google Amazon Oracle Meta CoreWeave TSMC Micron".split()
TOPICS_EN = (
    "GPU rental prices",
    "AI data centers",
    "export controls",
    "HBM supply",
    "liquid cooling",
    "inference demand",
    "capital expenditure",
    "power capacity",
)
TEMPLATES_EN = (
    "{c} said demand for {t} keeps growing, and {p} prices {d} {pct} from last month.",
    "Analysts expect {t} to remain a key theme in {year}, with {c} seen as a beneficiary.",
    "{c} plans to spend ${amount} billion on {t} as orders for {p} pile up.",
    "People familiar with the matter said {c} and {c2} are discussing {t} deals in {r}.",
    "Spot rates for {p} were about ${price} per GPU-hour, as {t} {d}.",
)
REGIONS_EN = "Texas Virginia Oregon Japan Singapore Malaysia Saudi Arabia Europe".split()
UP_DOWN_EN = "rose fell climbed slipped held".split()
SOURCES_ZH = "财联社 第一财经 36氪 华尔街见闻 证券时报 钛媒体 界面新闻 中新网".split()
SOURCES_EN = "Reuters CNBC Bloomberg FT TheInformation DataCenterDynamics".split()


@dataclass(frozen=True, slots=True)
class GenDoc:
    """One generated article."""

    doc_id: str
    title: str
    paragraphs: tuple[str, ...]
    source: str
    lang: str
    published_at: datetime
    url: str

    @property
    def text(self) -> str:
        return "\n".join(self.paragraphs)


def _zipf(rng: random.Random, items: Sequence[str]) -> str:
    """Pick with weight 1/rank: the first items are common, the last ones rare."""
    n = len(items)
    # Inverse of the harmonic CDF, approximated: rank ~ n ** u gives a 1/rank shape cheaply.
    rank = int(n ** rng.random()) - 1
    return items[min(max(rank, 0), n - 1)]


def _fill_zh(rng: random.Random, topic: str) -> dict[str, str]:
    terms = TOPICS_ZH[topic]
    return {
        "c": _zipf(rng, COMPANIES_ZH),
        "c2": _zipf(rng, COMPANIES_ZH),
        "p": _zipf(rng, PRODUCTS),
        "t": _zipf(rng, terms),
        "t2": _zipf(rng, terms),
        "r": _zipf(rng, REGIONS_ZH),
        "d": rng.choice(UP_DOWN_ZH),
        "pct": f"{rng.uniform(0.5, 40):.1f}%",
        "k": str(rng.randrange(100, 20000)),
        "amount": str(rng.randrange(1, 300)),
        "price": f"{rng.uniform(2, 20):.1f}",
        "year": str(rng.choice((2024, 2025, 2026))),
        "date": f"{rng.randrange(1, 13)}月{rng.randrange(1, 29)}日",
        "stage": rng.choice(STAGES_ZH),
        "f": rng.choice(FILLER_ZH),
    }


def _fill_en(rng: random.Random) -> dict[str, str]:
    return {
        "c": _zipf(rng, COMPANIES_EN),
        "c2": _zipf(rng, COMPANIES_EN),
        "p": _zipf(rng, [p for p in PRODUCTS if p.isascii()]),
        "t": _zipf(rng, TOPICS_EN),
        "r": rng.choice(REGIONS_EN),
        "d": rng.choice(UP_DOWN_EN),
        "pct": f"{rng.uniform(0.5, 40):.1f}%",
        "amount": str(rng.randrange(1, 80)),
        "price": f"{rng.uniform(1, 6):.2f}",
        "year": str(rng.choice((2024, 2025, 2026))),
    }


def make_doc(
    index: int,
    *,
    seed: int = 0,
    zh_share: float = 0.85,
    min_chars: int = 200,
    max_chars: int = 400,
    paragraph_chars: int = 160,
) -> GenDoc:
    """Document number ``index`` of the corpus ``seed``; the same arguments give the same document."""
    rng = random.Random(seed * 1_000_003 + index)
    is_zh = rng.random() < zh_share
    target = rng.randrange(min_chars, max_chars + 1)
    paragraphs: list[str] = []
    current = ""
    total = 0
    if is_zh:
        topic = rng.choice(tuple(TOPICS_ZH))
        fill = _fill_zh(rng, topic)
        title = f"{fill['c']}{fill['t']}{fill['d']}，{fill['p']}{fill['t2']}受关注"
        while total < target:
            sentence = rng.choice(TEMPLATES_ZH).format(**_fill_zh(rng, topic))
            current += sentence
            total += len(sentence)
            if len(current) >= paragraph_chars:
                paragraphs.append(current)
                current = ""
        source = _zipf(rng, SOURCES_ZH)
    else:
        fill = _fill_en(rng)
        title = f"{fill['c']} bets on {fill['t']} as {fill['p']} demand {fill['d']}"
        while total < target:
            sentence = rng.choice(TEMPLATES_EN).format(**_fill_en(rng))
            current += (" " if current else "") + sentence
            total += len(sentence) + 1
            if len(current) >= paragraph_chars * 2:
                paragraphs.append(current)
                current = ""
        source = _zipf(rng, SOURCES_EN)
    if current:
        paragraphs.append(current)
    published_at = CORPUS_START + timedelta(seconds=rng.randrange(CORPUS_DAYS * 86400))
    doc_id = hashlib.sha1(f"{seed}:{index}".encode()).hexdigest()[:16]
    return GenDoc(
        doc_id=doc_id,
        title=title,
        paragraphs=tuple(paragraphs),
        source=source,
        lang="zh" if is_zh else "en",
        published_at=published_at,
        url=f"https://news.example.com/{source.lower()}/{doc_id}.html",
    )


def generate_docs(n: int, *, seed: int = 0, start: int = 0, **options: float) -> Iterator[GenDoc]:
    """Documents ``start .. start + n - 1`` of the corpus ``seed`` (options as in :func:`make_doc`)."""
    for i in range(start, start + n):
        yield make_doc(i, seed=seed, **options)  # type: ignore[arg-type]


def generate_queries(n: int, *, seed: int = 0, with_spaces_share: float = 0.7) -> list[str]:
    """``n`` Chinese queries of 2-3 words drawn like document terms (so most have hits).

    Most are written with spaces between the words (``英伟达 算力租赁``), the rest run
    together (``海光信息智算中心``), which the segmenter must split.
    """
    rng = random.Random(seed * 7919 + 13)
    queries: list[str] = []
    for _ in range(n):
        topic = rng.choice(tuple(TOPICS_ZH))
        pools = [COMPANIES_ZH, TOPICS_ZH[topic], [*TOPICS_ZH[topic], *PRODUCTS]]
        words = [_zipf(rng, pools[k]) for k in range(rng.choice((2, 3)))]
        words = list(dict.fromkeys(words))
        if len(words) < 2:
            words.append(_zipf(rng, TOPICS_ZH[topic]))
        sep = " " if rng.random() < with_spaces_share else ""
        queries.append(sep.join(words))
    return queries


def to_record(doc: GenDoc) -> dict[str, str]:
    """A JSONL record in the shape ``suanli add`` reads (``html`` body)."""
    body = "".join(f"<p>{p}</p>" for p in doc.paragraphs)
    return {
        "title": doc.title,
        "url": doc.url,
        "source": doc.source,
        "published_at": doc.published_at.isoformat(),
        "html": f"<html><body><article><h1>{doc.title}</h1>{body}</article></body></html>",
    }


def write_jsonl(path: Path, docs: Iterator[GenDoc] | Sequence[GenDoc]) -> int:
    """Write ``docs`` as records to ``path``; return how many."""
    count = 0
    with path.open("w", encoding="utf-8") as fh:
        for doc in docs:
            fh.write(json.dumps(to_record(doc), ensure_ascii=False) + "\n")
            count += 1
    return count


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1000, help="number of documents")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--min-chars", type=int, default=600)
    parser.add_argument("--max-chars", type=int, default=2000)
    parser.add_argument("--out", type=Path, help="JSONL file to write (default: stdout)")
    parser.add_argument("--queries", type=int, default=0, help="print this many queries instead")
    args = parser.parse_args(argv)
    if args.queries:
        for q in generate_queries(args.queries, seed=args.seed):
            print(q)
        return 0
    docs = generate_docs(args.n, seed=args.seed, min_chars=args.min_chars, max_chars=args.max_chars)
    if args.out is None:
        for doc in docs:
            sys.stdout.write(json.dumps(to_record(doc), ensure_ascii=False) + "\n")
        return 0
    count = write_jsonl(args.out, docs)
    print(f"wrote {count} records to {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
