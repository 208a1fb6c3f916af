"""The shipped data files: the sample corpus and the domain dictionary."""

from __future__ import annotations

import json
import re
from collections import Counter
from datetime import datetime
from importlib import resources
from typing import Any

import pytest

SAMPLE_FIELDS = ("title", "url", "source", "published_at", "authors", "text", "sample")
CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]")
LATIN = re.compile(r"[A-Za-z]")

KEY_TERMS = (
    # companies
    "英伟达", "寒武纪", "海光信息", "摩尔线程", "沐曦", "壁仞科技", "燧原科技", "昆仑芯", "平头哥", "昇腾",
    "景嘉微", "芯原股份", "中科曙光", "中际旭创", "新易盛", "浪潮信息", "深度求索", "台积电", "三星电子",
    "安靠", "SK海力士", "美光",
    # chips and products
    "昇腾910B", "昇腾910C", "思元590", "昆仑芯P800", "MTT S4000", "MTT S80", "H20", "H100", "H200", "H800",
    "A800", "B200", "B30", "GB200", "Blackwell", "Hopper", "Rubin", "CloudMatrix 384",
    # formats and technology
    "FP8", "UE8M0", "BF16", "HBM", "HBM3e", "CoWoS", "CUDA", "光模块", "液冷", "算力", "智算中心", "大模型",
    "推理芯片", "训练芯片", "先进封装", "国产替代", "出口管制", "实体清单",
    # indices and boards
    "沪指", "深成指", "创业板指", "科创50", "北证50", "万得GPU指数", "科创板", "港股", "纳斯达克",
    "费城半导体指数",
    # regulators
    "美国商务部", "工业和安全局", "BIS", "国家网信办", "证监会",
    # models
    "DeepSeek-V3", "DeepSeek-V3.1", "DeepSeek-R1", "通义千问", "Qwen", "文心一言",
)  # fmt: skip


def _data_text(name: str) -> str:
    return (resources.files("suanli") / "data" / name).read_text(encoding="utf-8")


def _samples() -> list[dict[str, Any]]:
    lines = _data_text("samples.jsonl").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


def _lang(text: str) -> str:
    cjk = len(CJK.findall(text))
    latin = len(LATIN.findall(text))
    return "zh" if cjk > latin else "en"


def _paragraphs(text: str) -> list[str]:
    return text.split("\n\n")


def _term_lines() -> list[str]:
    return [
        line for line in _data_text("terms.txt").splitlines() if line.strip() and not line.startswith("#")
    ]


def _terms() -> list[str]:
    return [line.split("\t", 1)[0] for line in _term_lines()]


SAMPLES = _samples()


def test_samples_every_line_is_a_json_object() -> None:
    for number, line in enumerate(_data_text("samples.jsonl").splitlines(), start=1):
        assert line.strip(), f"samples.jsonl line {number} is blank"
        assert isinstance(json.loads(line), dict), f"samples.jsonl line {number} is not an object"


def test_samples_corpus_has_thirty_articles() -> None:
    assert len(SAMPLES) == 30


@pytest.mark.parametrize("record", SAMPLES, ids=[r["url"].rsplit("/", 1)[-1] for r in SAMPLES])
def test_sample_record_has_every_field_with_the_right_type(record: dict[str, Any]) -> None:
    assert set(record) == set(SAMPLE_FIELDS)
    for name in ("title", "url", "source", "published_at", "text"):
        assert isinstance(record[name], str) and record[name].strip(), name
    assert isinstance(record["authors"], list)
    assert all(isinstance(a, str) and a.strip() for a in record["authors"])
    assert record["sample"] is True
    assert record["source"] == "suanli-sample"
    assert re.fullmatch(r"https://samples\.suanli\.invalid/[a-z0-9]+(-[a-z0-9]+)*", record["url"])


@pytest.mark.parametrize("record", SAMPLES, ids=[r["url"].rsplit("/", 1)[-1] for r in SAMPLES])
def test_sample_published_at_is_timezone_aware_iso_8601(record: dict[str, Any]) -> None:
    published_at = datetime.fromisoformat(record["published_at"])
    assert published_at.tzinfo is not None
    assert published_at.utcoffset() is not None
    assert 2023 <= published_at.year <= 2025
    expected_suffix = "+08:00" if _lang(record["text"]) == "zh" else "Z"
    assert record["published_at"].endswith(expected_suffix)


@pytest.mark.parametrize("record", SAMPLES, ids=[r["url"].rsplit("/", 1)[-1] for r in SAMPLES])
def test_sample_text_is_four_to_eight_clean_paragraphs(record: dict[str, Any]) -> None:
    paragraphs = _paragraphs(record["text"])
    assert 4 <= len(paragraphs) <= 8
    for paragraph in paragraphs:
        assert paragraph.strip() == paragraph and paragraph, repr(paragraph[:40])
        assert "\n" not in paragraph


@pytest.mark.parametrize("record", SAMPLES, ids=[r["url"].rsplit("/", 1)[-1] for r in SAMPLES])
def test_sample_text_length_fits_its_language(record: dict[str, Any]) -> None:
    text = record["text"]
    if _lang(text) == "zh":
        assert 300 <= len(text) <= 900
    else:
        assert not CJK.search(text)
        assert 150 <= len(text.split()) <= 400


def test_samples_are_twenty_chinese_and_ten_english() -> None:
    assert Counter(_lang(r["text"]) for r in SAMPLES) == {"zh": 20, "en": 10}


def test_samples_titles_urls_and_texts_are_unique() -> None:
    for name in ("title", "url", "text"):
        values = [r[name] for r in SAMPLES]
        assert len(set(values)) == len(values), name


def test_samples_include_bylines_captions_and_disclaimers() -> None:
    def has_block(record: dict[str, Any], pattern: str) -> bool:
        return any(re.fullmatch(pattern, p) for p in _paragraphs(record["text"]))

    bylines = [r for r in SAMPLES if has_block(r, r"作者 \| \S+( 编辑 \| \S+)?|By [A-Z][a-z]+ [A-Z][a-z]+")]
    captions = [r for r in SAMPLES if has_block(r, r"(图：|Figure: ).+")]
    disclaimers = [r for r in SAMPLES if has_block(r, r"风险提示：.+")]
    assert len({r["url"] for r in bylines + captions + disclaimers}) >= 6
    assert bylines and captions and disclaimers
    for record in bylines:
        assert record["authors"], record["title"]


def test_samples_spread_over_three_years() -> None:
    years = {datetime.fromisoformat(r["published_at"]).year for r in SAMPLES}
    assert years == {2023, 2024, 2025}


@pytest.mark.parametrize(
    "token", ["H20", "B30", "HBM3e", "FP8", "UE8M0", "DeepSeek-V3.1", "MTT S4000", "9.87%"]
)
def test_samples_mention_search_demo_tokens(token: str) -> None:
    assert any(token in r["text"] for r in SAMPLES)


def test_terms_lines_are_a_term_and_an_optional_tab_frequency() -> None:
    for line in _term_lines():
        term, _, frequency = line.partition("\t")
        assert term == term.strip() and term, repr(line)
        assert "\t" not in frequency, repr(line)
        if frequency:
            assert frequency.isdigit() and int(frequency) > 0, repr(line)


def test_terms_are_unique_ignoring_case() -> None:
    counts = Counter(term.casefold() for term in _terms())
    assert [term for term, n in counts.items() if n > 1] == []


def test_terms_list_has_at_least_three_hundred_entries() -> None:
    assert len(_terms()) >= 300


def test_terms_contain_the_key_domain_terms() -> None:
    terms = set(_terms())
    assert [term for term in KEY_TERMS if term not in terms] == []


def test_terms_file_starts_with_a_format_comment() -> None:
    assert _data_text("terms.txt").startswith("#")
