from suanli.stages.segment import Segmenter


def test_query_tokens_keep_latin_model_names_and_numbers_whole(segmenter: Segmenter) -> None:
    tokens = segmenter.query_tokens("DeepSeek-V3.1 使用 UE8M0，FP8，H20停产，涨46.2%")
    for token in ("deepseek-v3.1", "ue8m0", "fp8", "h20", "停产", "46.2%"):
        assert token in tokens


def test_domain_dictionary_keeps_company_and_index_names_whole(segmenter: Segmenter) -> None:
    tokens = segmenter.query_tokens("英伟达与摩尔线程，万得GPU指数，昇腾910C")
    assert "英伟达" in tokens
    assert "摩尔线程" in tokens
    assert "万得gpu指数" in tokens
    assert "昇腾910c" in tokens


def test_terms_with_spaces_are_one_token(segmenter: Segmenter) -> None:
    assert segmenter.query_tokens("MTT  S4000 显卡")[0] == "mtt_s4000"
    index = segmenter.index_tokens("摩尔线程MTT S4000")
    assert {"mtt_s4000", "mtt", "s4000"} <= set(index)


def test_index_tokens_contain_every_query_token(segmenter: Segmenter) -> None:
    text = "8月22日国产算力板块大幅上涨，寒武纪市值超过5000亿元，DeepSeek-V3.1发布"
    index = set(segmenter.index_tokens(text))
    for query in ("国产算力", "寒武纪 市值", "DeepSeek-V3.1", "5000亿元", "算力"):
        assert set(segmenter.query_tokens(query)) <= index, query


def test_index_tokens_add_parts_of_compounds(segmenter: Segmenter) -> None:
    index = segmenter.index_tokens("DeepSeek-V3.1 涨46.2%")
    assert {"deepseek-v3.1", "deepseek", "v3.1", "46.2%", "46.2"} <= set(index)


def test_fullwidth_digits_and_letters_are_normalised(segmenter: Segmenter) -> None:
    assert segmenter.query_tokens("Ｈ２０ 涨９．８７％") == segmenter.query_tokens("H20 涨9.87%")


def test_query_of_punctuation_or_syntax_has_no_tokens(segmenter: Segmenter) -> None:
    for query in ("!!!", "，。、", 'AND OR "(*)" [:]~^', "+-&&||", "   "):
        tokens = segmenter.query_tokens(query)
        assert all(t.isalnum() or "_" in t for t in tokens), (query, tokens)
    assert segmenter.query_tokens("()[]{}:*?\\") == []


def test_stopwords_are_dropped_only_when_other_words_remain(segmenter: Segmenter) -> None:
    assert "的" not in segmenter.query_tokens("寒武纪的市值")
    assert segmenter.query_tokens("的") == ["的"]
