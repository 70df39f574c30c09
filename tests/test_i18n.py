"""The one translation table: every key in both languages, and every map word found."""

import re
import string

import pytest

from geodisparity import categories as cat
from geodisparity.i18n import MESSAGES, SAME_IN_BOTH, message, term, translate, words

HAN = re.compile("[\u4e00-\u9fff]")


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def problems(key, en, zh, same=SAME_IN_BOTH):
    """What is wrong with one entry of the table (empty when nothing)."""
    found = []
    if not (isinstance(en, str) and en.strip()):
        found.append("English missing")
    if not (isinstance(zh, str) and zh.strip()):
        found.append("Chinese missing")
    if found:
        return found
    if key not in same:
        if zh == en:
            found.append("the Chinese text is the English one")
        elif re.search("[A-Za-z]{2}", re.sub(r"\{[^}]*\}", "", en)) and not HAN.search(zh):
            found.append(f"no Chinese character in {zh!r}")
    if _fields(en) != _fields(zh):
        found.append("the two texts fill different fields")
    return found


@pytest.mark.parametrize("key", sorted(MESSAGES))
def test_every_key_has_both_languages(key):
    assert problems(key, *MESSAGES[key]) == []


@pytest.mark.parametrize(("entry", "problem"), [
    (("Not significant", ""), "Chinese missing"),
    (("", "不显著"), "English missing"),
    (("Not significant", "Not significant"), "the Chinese text is the English one"),
    (("Not significant", "Not signif."), "no Chinese character"),
    (("{n} regions", "{count} 个地区"), "different fields"),
])
def test_the_check_finds_each_problem(entry, problem):
    assert any(problem in text for text in problems("term.x", *entry))


def test_same_in_both_lists_only_real_keys():
    assert SAME_IN_BOTH <= set(MESSAGES)
    assert all(MESSAGES[k][0] == MESSAGES[k][1] for k in SAME_IN_BOTH)


@pytest.mark.parametrize("label", [*cat.LISA_LABELS, *cat.GEARY_LABELS, *cat.HOTSPOT_LABELS,
                                   *cat.EMERGING_LABELS, *cat.TARGET_LABELS])
def test_every_category_label_is_translated(label):
    assert HAN.search(translate(label, "zh")), label
    assert translate(label, "en") == label


def test_message_fills_fields_with_user_text_as_values():
    assert message("report.map_value", "zh", column="{0.__class__}", year=2023) == (
        "{0.__class__}（2023）")
    with pytest.raises(KeyError):
        message("no.such.key", "en")


def test_words_and_terms():
    assert words("report", "zh")["gaps"] == "三大差距"
    assert term("status", "zh") == "达标状态" and term("not a term", "zh") == "not a term"


def test_title_and_note_in_both_languages():
    from geodisparity.config import ConfigError, parse_config

    base = {"boundaries": {"source": "x", "key": "k"}, "table": {"path": "a.csv", "key": "k"},
            "analysis": {"income": "i"}}
    both = {"title": {"en": "Gaps", "zh": "差距"}, "note": {"en": "Synthetic", "zh": "模拟"}}
    zh = parse_config({**base, **both, "lang": "zh"})
    en = parse_config({**base, **both})
    assert (zh.title, zh.note, en.title, en.note) == ("差距", "模拟", "Gaps", "Synthetic")
    assert parse_config({**base, "lang": "zh"}).title == "地区差距"  # the default, translated
    with pytest.raises(ConfigError, match="title"):
        parse_config({**base, "title": {"fr": "Écarts"}})


def test_layer_label_and_unit_in_both_languages():
    from geodisparity.config import parse_config
    from geodisparity.pipeline_atlas import layer_name
    from geodisparity.pipeline_labels import Labels

    study = {"boundaries": {"source": "x", "key": "k"}, "table": {"path": "a.csv", "key": "k"},
             "analysis": {"income": "i"},
             "layers": [{"column": "i", "label": {"en": "Income", "zh": "收入"},
                         "unit": {"en": "yuan", "zh": "元"}}]}
    layer = parse_config({**study, "lang": "zh"}).layers[0]
    assert layer_name(layer, Labels("zh"), 2023) == "收入（2023 年）"
    assert layer_name(layer, Labels("en"), 2023) == "Income, 2023"
