"""The shipped entity base and user entity files."""

from __future__ import annotations

import re
from collections import Counter
from importlib import resources
from pathlib import Path

import pytest

from suanli.errors import ConfigError
from suanli.knowledge import KnowledgeBase, load_kb
from suanli.knowledge.kb import SPEC_NAMES


@pytest.fixture(scope="module")
def kb() -> KnowledgeBase:
    return load_kb()


def test_shipped_kb_has_150_entities_of_every_kind_the_market_needs(kb: KnowledgeBase) -> None:
    kinds = Counter(e.type for e in kb)
    assert len(kb) >= 150
    for kind in ("company", "chip", "architecture", "model", "number_format", "index", "exchange", "board"):
        assert kinds[kind] >= 3, kind
    assert kinds["regulator"] + kinds["law"] >= 10


@pytest.mark.parametrize(
    ("entity_id", "name"),
    [
        ("cambricon", "寒武纪"),
        ("hygon", "海光信息"),
        ("moore-threads", "摩尔线程"),
        ("biren", "壁仞科技"),
        ("kunlunxin", "昆仑芯"),
        ("t-head", "平头哥"),
        ("nvidia", "英伟达"),
        ("sk-hynix", "SK海力士"),
        ("innolight", "中际旭创"),
        ("deepseek", "深度求索"),
        ("nvidia-h20", "H20"),
        ("ascend-910c", "昇腾910C"),
        ("deepseek-v3-1", "DeepSeek-V3.1"),
        ("ue8m0", "UE8M0"),
        ("wind-gpu-index", "万得GPU指数"),
        ("star-market", "科创板"),
        ("bis", "BIS"),
        ("data-security-law", "数据安全法"),
    ],
)
def test_issue_examples_are_known_by_name(kb: KnowledgeBase, entity_id: str, name: str) -> None:
    assert entity_id in [e.entity_id for e in kb.lookup(name)]


def test_every_spec_has_a_known_name_a_unit_and_a_public_source(kb: KnowledgeBase) -> None:
    specs = [(e.entity_id, s) for e in kb for s in e.specs]
    assert len(specs) >= 40
    for entity_id, spec in specs:
        assert spec.name in SPEC_NAMES, entity_id
        assert spec.value > 0 and spec.unit and len(spec.source) >= 10, entity_id


def test_h20_specs_match_the_public_figures(kb: KnowledgeBase) -> None:
    h20 = kb["nvidia-h20"]
    assert (h20.vendor, h20.parent) == ("nvidia", "nvidia-hopper")
    assert h20.spec("memory_gb") is not None and h20.spec("memory_gb").value == 96  # type: ignore[union-attr]
    assert h20.spec("bandwidth_tbps").value == 4.0  # type: ignore[union-attr]


def test_listing_codes_are_well_formed(kb: KnowledgeBase) -> None:
    code = re.compile(r"^(?:\d{6}\.(?:SH|SZ|BJ)|\d{4}\.HK|\d{4}\.TW|\d{6}\.KS|\d{4}\.T|[A-Z]{2,5}(?:\.AS)?)$")
    listings = [(e.entity_id, x) for e in kb for x in e.listings]
    assert len(listings) >= 90
    for entity_id, listing in listings:
        assert code.match(listing.code), (entity_id, listing.code)
    assert kb["cambricon"].listings[0].code == "688256.SH"
    assert kb["nvidia"].listings[0].code == "NVDA"


def test_shared_aliases_are_the_deliberate_ones(kb: KnowledgeBase) -> None:
    shared = {spelling for spelling in ("商务部", "浪潮", "紫光") if len(kb.target(spelling).entity_ids) > 1}  # type: ignore[union-attr]
    assert shared == {"商务部", "浪潮", "紫光"}


def test_lookup_accepts_ids_codes_and_any_case(kb: KnowledgeBase) -> None:
    assert [e.entity_id for e in kb.lookup("nvidia")] == ["nvidia"]
    assert [e.entity_id for e in kb.lookup("688256")] == ["cambricon"]
    assert [e.entity_id for e in kb.lookup("deepseek-v3.1")] == ["deepseek-v3-1"]
    assert kb.lookup("no such thing") == ()


def test_user_file_adds_entities_and_aliases(tmp_path: Path) -> None:
    path = tmp_path / "mine.toml"
    path.write_text(
        """
[[entity]]
id = "acme-ai"
type = "company"
name_zh = "阿克米智算"
aliases = ["阿克米"]
listings = [{ code = "688999.SH", exchange = "SSE" }]

[[alias]]
entity = "nvidia"
aliases = ["老黄家"]
""",
        encoding="utf-8",
    )
    kb = load_kb([path])
    assert kb["acme-ai"].origin == str(path)
    assert [e.entity_id for e in kb.lookup("阿克米")] == ["acme-ai"]
    assert [e.entity_id for e in kb.lookup("老黄家")] == ["nvidia"]


def test_user_file_replaces_a_shipped_entity_with_the_same_id(tmp_path: Path) -> None:
    path = tmp_path / "mine.toml"
    path.write_text(
        '[[entity]]\nid = "cambricon"\ntype = "company"\nname_zh = "寒武纪科技"\n', encoding="utf-8"
    )
    assert load_kb([path])["cambricon"].name_zh == "寒武纪科技"


@pytest.mark.parametrize(
    ("content", "words"),
    [
        ('[[entity]]\nid = "x"\ntype = "planet"\nname_en = "X"\n', ["planet", "accepted types"]),
        ('[[entity]]\nid = "x"\ntype = "company"\nname_en = "X"\ncolour = "red"\n', ["colour", "known keys"]),
        ('[[entity]]\nid = "x"\ntype = "company"\n', ["'x'", "name_zh"]),
        ('[[entity]]\nid = "x"\ntype = "chip"\nname_en = "X"\nvendor = "nobody"\n', ["nobody", "vendor"]),
        ('[[entity]]\nid = "Bad Id"\ntype = "chip"\nname_en = "X"\n', ["Bad Id", "lowercase"]),
        ("[[entity]\n", ["not valid TOML"]),
        ('[[alias]]\nentity = "nobody"\naliases = ["x"]\n', ["nobody"]),
        (
            '[[entity]]\nid = "x"\ntype = "chip"\nname_en = "X"\n'
            'specs = [{ name = "memory_gb", value = 1, unit = "GB" }]\n',
            ["source"],
        ),
    ],
)
def test_bad_user_file_raises_config_error_naming_the_problem(
    tmp_path: Path, content: str, words: list[str]
) -> None:
    path = tmp_path / "bad.toml"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        load_kb([path])
    message = str(info.value)
    assert all(w in message for w in words), message
    assert message[0].isupper() and not message.endswith(".")


def test_missing_user_file_raises_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="cannot be read"):
        load_kb([tmp_path / "missing.toml"])


def test_kb_readme_documents_every_entity_key_and_type() -> None:
    from suanli.knowledge.kb import _ENTITY_KEYS
    from suanli.knowledge.models import ENTITY_TYPES

    readme = (resources.files("suanli") / "data" / "kb" / "README.md").read_text(encoding="utf-8")
    for word in [*_ENTITY_KEYS, *ENTITY_TYPES, *SPEC_NAMES, "[[alias]]"]:
        assert f"`{word}`" in readme, word
