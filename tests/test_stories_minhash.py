"""MinHash signatures of character shingles and the LSH near-duplicate index."""

from __future__ import annotations

import random
import re
import sys
import unicodedata

import numpy as np
import pytest
from datasketch import MinHash

from suanli.errors import ConfigError
from suanli.stories import (
    NearDuplicateIndex,
    StoryConfig,
    estimate_containment,
    estimate_jaccard,
    make_minhash,
    make_signature,
    minhash,
    normalize_for_shingles,
    signature_from_bytes,
    signature_to_bytes,
)
from suanli.stories.minhash import (
    BandIndex,
    normalized_points,
    shingle_hashes,
    signature_of_normalized,
    signature_with_numpy,
)

TEXT = (
    "8月22日，英伟达通知部分供应商暂停H20芯片相关生产工作。知情人士称，此举与近期有关部门就H20芯片"
    "安全风险约谈英伟达有关。英伟达此前曾计提约45亿美元的H20库存及采购承诺费用。"
)
REPOST = "【财经早报】" + TEXT.replace("知情人士称", "有消息人士称") + "（来源：财联社）"
OTHER = (
    "寒武纪8月26日晚间披露半年报，上半年实现营业收入28.81亿元，同比增长4347.82%；归母净利润10.38亿元，"
    "同比扭亏为盈。公司表示，营收增长主要得益于云端智能芯片及加速卡的规模化落地。"
)


def test_normalize_for_shingles_drops_spacing_and_punctuation_and_folds_width() -> None:
    assert normalize_for_shingles("英伟达 H20， 停产！") == "英伟达h20停产"
    assert normalize_for_shingles("ＮＶＩＤＩＡ\n  Ｈ２０") == "nvidiah20"


_KEPT = re.compile(r"[^0-9a-z\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uac00-\ud7af]+")


def _reference_normal(text: str) -> str:
    """The definition: NFKC, lower case, then only ASCII digits and letters, kana, CJK and Hangul."""
    return _KEPT.sub("", unicodedata.normalize("NFKC", text).lower())


def test_normalisation_equals_nfkc_lower_and_filter_on_mixed_and_random_text() -> None:
    samples = [
        "英伟达（NVDA）：Ｈ２０停产，营收　增长４５％",  # full-width signs, ideographic space
        "①季度营收②增长…ﬁnance ㍻ Ａｌｐｈａ　ＢＥＴＡ",  # circled digits, ligature, squared era name
        "가나다 カタカナ ﾊﾝｶｸ 豈更 e\u0301 A\u030a 𠀀 🙂",  # Hangul, kana, compatibility forms
        "",
    ]
    rng = random.Random(3)
    alphabet = [
        chr(c) for c in [*range(0xFF00, 0xFF70), 0x3000, 0x301, 0x3099, 0x2460, 0xF900, 0xAC00, 0x1100]
    ]
    for _ in range(2000):
        samples.append(
            "".join(
                rng.choice(alphabet)
                if rng.random() < 0.6
                else chr(rng.choice([rng.randrange(0x20, 0xD800), rng.randrange(0xE000, 0x30000)]))
                for _ in range(24)
            )
        )
    for text in samples:
        expected = _reference_normal(text)
        assert normalize_for_shingles(text) == expected, text
        points = normalized_points(text)
        assert points.dtype == np.uint32 and points.tobytes().decode("utf-32-le") == expected


def test_band_keys_are_the_salted_polynomial_hash_of_each_band() -> None:
    rng = np.random.default_rng(4)
    for bands, rows in ((24, 4), (16, 3), (8, 1)):
        index = BandIndex(bands, rows)
        values = rng.integers(0, 2**32, bands * rows + 5, dtype=np.uint64).astype(np.uint32)
        mask, prime = 2**64 - 1, 0x100000001B3
        expected = []
        for band in range(bands):
            key = ((band + 1) * 0x9E3779B97F4A7C15) & mask
            for value in values[band * rows : (band + 1) * rows].tolist():
                key = (key * prime + value) & mask
            expected.append(key ^ (key >> 29))
        assert index.keys(values).tolist() == expected


def test_make_signature_is_the_same_in_every_run_and_for_reformatted_text() -> None:
    config = StoryConfig()
    first = make_signature(TEXT, config)
    assert first is not None and first.shape == (128,) and str(first.dtype) == "uint32"
    again = make_signature(TEXT.replace("，", ", ").replace("。", ".\n"), config)
    assert again is not None and (first == again).all()


def test_make_signature_matches_datasketch_fed_one_shingle_at_a_time() -> None:
    config = StoryConfig()
    normal = normalize_for_shingles(TEXT)
    reference = MinHash(num_perm=128, seed=1, hashfunc=lambda v: v, scheme="affine32")
    reference.update_batch(shingle_hashes(normal, config.shingle_size).tolist())
    signature = make_signature(TEXT, config)
    assert signature is not None and (signature == reference.hashvalues).all()


def test_signatures_equal_datasketch_minhash_for_short_and_long_bodies() -> None:
    # A body of 10,000+ shingles is worked out in several blocks; each block must agree too.
    config = StoryConfig()
    long_body = "".join(f"{TEXT}{i}号{OTHER}" for i in range(120))
    assert len(normalize_for_shingles(long_body)) > 10_000
    for body in (TEXT, REPOST, OTHER, long_body, "算力" * 100):
        reference = make_minhash(body, config)
        signature = make_signature(body, config)
        assert reference is not None and signature is not None
        assert (signature == reference.hashvalues).all()
    other_seed = StoryConfig(seed=7, num_perm=64, lsh_bands=16)
    reference = make_minhash(TEXT, other_seed)
    signature = make_signature(TEXT, other_seed)
    assert reference is not None and signature is not None and signature.shape == (64,)
    assert (signature == reference.hashvalues).all()


def test_make_signature_gives_none_for_a_body_shorter_than_min_chars() -> None:
    assert make_signature("英伟达H20停产。", StoryConfig()) is None
    assert make_signature("英伟达H20停产。", StoryConfig(min_chars=5)) is not None


def test_signature_round_trips_through_bytes_and_rejects_another_length() -> None:
    config = StoryConfig()
    signature = make_signature(TEXT, config)
    data = signature_to_bytes(signature)
    assert len(data) == 4 * config.num_perm
    back = signature_from_bytes(data, config)
    assert back is not None and (back == signature).all()
    assert signature_from_bytes(b"", config) is None and signature_to_bytes(None) == b""
    with pytest.raises(ConfigError, match="does not fit 'num_perm' 64"):
        signature_from_bytes(data, StoryConfig(num_perm=64, lsh_bands=16))


def test_repost_scores_high_and_unrelated_text_low() -> None:
    config = StoryConfig()
    a, b, c = (make_signature(t, config) for t in (TEXT, REPOST, OTHER))
    assert a is not None and b is not None and c is not None
    assert estimate_jaccard(a, b) > 0.6
    assert estimate_jaccard(a, c) < 0.1


def test_near_duplicate_index_finds_the_repost_and_not_the_other_article() -> None:
    config = StoryConfig()
    index = NearDuplicateIndex(config)
    index.add("a1", make_signature(TEXT, config))
    index.add("a2", make_signature(OTHER, config))
    found = index.matches(make_signature(REPOST, config))
    assert [article_id for article_id, _ in found] == ["a1"]
    index.remove("a1")
    assert index.matches(make_signature(REPOST, config)) == []
    assert len(index) == 1 and "a2" in index


def test_estimate_containment_sees_a_short_text_inside_a_longer_one() -> None:
    assert estimate_containment(0.5, 100, 50) == pytest.approx(1.0)
    assert estimate_containment(0.6, 80, 80) == pytest.approx(0.75)
    assert estimate_containment(0.5, 0, 10) == 0.0


def test_compiled_and_numpy_signatures_agree_with_datasketch() -> None:
    assert minhash._kernel() is not None  # numba is a dependency; the compiled loop is in use
    config = StoryConfig(min_chars=1)
    rng = random.Random(9)
    bodies = ["算", "算力", "英伟达H20", TEXT, REPOST, "".join(f"{TEXT}{i}" for i in range(40))]
    bodies += [
        "".join(chr(rng.randrange(0x4E00, 0x4E40)) for _ in range(rng.randint(1, 300))) for _ in range(30)
    ]
    for body in bodies:
        points = normalized_points(body)
        compiled = signature_of_normalized(points, config)
        with_numpy = signature_with_numpy(points, config)
        reference = make_minhash(body, config)
        assert compiled is not None and with_numpy is not None and reference is not None
        assert compiled.dtype == np.uint32 and compiled.shape == (128,)
        assert (compiled == with_numpy).all() and (compiled == reference.hashvalues).all(), body


def test_signatures_fall_back_to_numpy_when_numba_cannot_be_imported(monkeypatch: pytest.MonkeyPatch) -> None:
    expected = make_signature(TEXT, StoryConfig())
    monkeypatch.setitem(sys.modules, "numba", None)  # makes "import numba" raise ImportError
    monkeypatch.delitem(sys.modules, "suanli.stories._jit", raising=False)
    minhash._kernel.cache_clear()
    try:
        assert minhash._kernel() is None
        fallback = make_signature(TEXT, StoryConfig())
        assert fallback is not None and expected is not None and (fallback == expected).all()
    finally:
        minhash._kernel.cache_clear()
