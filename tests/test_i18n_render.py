"""The demo study rendered in Chinese shows no English UI text; in both languages, labels,
units, years, p and q instead of column names.

The demo runs once per language (with fewer permutations and draws, for speed). The
report's visible text is read with an HTML parser (scripts and styles skipped, SVG text
kept); the atlas's text (layer names, legends and every tooltip of every layer) is read
in headless Chromium, as a planner would see it.
"""

from __future__ import annotations

import json
import re
import string
from html.parser import HTMLParser
from pathlib import Path

import pytest
from browser_helpers import Page, chromium_browser  # noqa: F401  (the browser fixture)
from click.testing import CliRunner

from geodisparity import boundaries
from geodisparity.cli import main
from geodisparity.i18n import MESSAGES, SAME_IN_BOTH

ROOT = Path(__file__).resolve().parents[1]
DEMO = ROOT / "examples" / "zhejiang_demo.toml"

#: English words that may appear in Chinese pages: names of methods and people, symbols.
PROPER = {
    "LISA", "Gi*", "Getis-Ord", "Moran", "Williamson", "Theil", "Dagum", "Gini", "Rey",
    "Mann-Kendall", "ArcGIS", "Benjamini-Hochberg", "Benjamini-Yekutieli", "Bonferroni",
    "FDR", "BY", "CRITIC", "TOPSIS", "Queen", "Rook", "Markov", "IIIA", "IIIB", "tau",
    "km", "Leaflet", "UTC", "geodisparity", "taskbook.csv", "taskbook.xlsx",
}


class _Visible(HTMLParser):
    """Collect text a reader sees: everything outside <script>, <style> and <title>."""

    def __init__(self) -> None:
        super().__init__()
        self.hidden = 0
        self.parts: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.hidden += tag in ("script", "style", "title")

    def handle_endtag(self, tag):
        self.hidden -= tag in ("script", "style", "title")

    def handle_data(self, data):
        if not self.hidden and data.strip():
            self.parts.append(data.strip())


def visible_text(html: str) -> str:
    parser = _Visible()
    parser.feed(html)
    return "\n".join(parser.parts)


def english_fragments() -> dict[str, str]:
    """The literal English pieces of every message (fields cut out), by piece -> key.

    A piece counts when it has a word of 3+ letters that is not a proper name and does
    not also appear in the message's Chinese text.
    """
    pieces: dict[str, str] = {}
    for key, (en, zh) in MESSAGES.items():
        if key in SAME_IN_BOTH:
            continue
        for literal, *_ in string.Formatter().parse(en):
            for piece in re.split(r"[:;,.()\[\]=≤/\"']+", literal):
                piece = piece.strip(" -±%*")
                words = [w for w in re.findall(r"[A-Za-z][A-Za-z*-]{2,}", piece)
                         if w not in PROPER and w not in zh]
                if words:
                    pieces.setdefault(piece, key)
    return pieces


def leaks(text: str) -> dict[str, str]:
    """English UI pieces found in ``text`` (whole words), with their message keys."""
    found = {}
    for piece, key in english_fragments().items():
        if re.search(rf"(?<![A-Za-z]){re.escape(piece)}(?![A-Za-z])", text):
            found[piece] = key
    return found


def _study(tmp: Path, lang: str) -> Path:
    text = DEMO.read_text(encoding="utf-8")
    table = (DEMO.parent / "data" / "zhejiang_demo.csv").as_posix()
    text = re.sub(r'(?m)^lang = "en"', f'lang = "{lang}"', text)
    text = re.sub(r'(?m)^output = .*$', f'output = "{(tmp / "out").as_posix()}"', text)
    text = text.replace('path = "data/zhejiang_demo.csv"', f'path = "{table}"')
    text = re.sub(r"(?m)^(permutations|bootstrap) = \d+", r"\1 = 99", text)
    text = re.sub(r"(?m)^draws = \d+", "draws = 50", text)
    study = tmp / f"demo_{lang}.toml"
    study.write_text(text, encoding="utf-8")
    return study


def _run(tmp: Path, lang: str) -> Path:
    result = CliRunner().invoke(main, ["-q", "run", str(_study(tmp, lang)), "--overwrite"])
    assert result.exit_code == 0, result.output
    return tmp / "out"


@pytest.fixture(scope="module")
def zh(tmp_path_factory):
    return _run(tmp_path_factory.mktemp("zh"), "zh")


@pytest.fixture(scope="module")
def en(tmp_path_factory):
    return _run(tmp_path_factory.mktemp("en"), "en")


def _atlas_text(browser, path: Path) -> str:
    """Text of the atlas: layer control, each layer's legend and all its tooltips."""
    page = Page(browser, path)
    try:
        texts = [page.page.evaluate("() => document.body.innerText")]
        radios = page.page.locator(".leaflet-control-layers-base input")
        for i in range(radios.count()):
            radios.nth(i).check(force=True)
            texts.append(page.page.evaluate("() => document.body.innerText"))
            texts += page.page.evaluate(
                """() => { var out = [], div = document.createElement('div');
                   var name = Object.keys(window).find(k => k.startsWith('map_'));
                   window[name].eachLayer(function (l) {
                     var t = l.getTooltip && l.getTooltip();
                     if (t) { div.innerHTML = t.getContent(); out.push(div.innerText); } });
                   return out; }""")
        assert not page.errors, page.errors
        return "\n".join(texts)
    finally:
        page.close()


def test_the_check_finds_english():
    assert "Not significant" in leaks("高-高 Not significant")
    assert "Data and join" in leaks("<h2>Data and join</h2>")
    assert not leaks("不显著 LISA Moran Gini 2023")


def test_chinese_report_has_no_english_ui_text(zh):
    text = visible_text((zh / "report.html").read_text(encoding="utf-8"))
    assert "数据与匹配" in text and "县" in text and "浙江县域差距" in text
    assert leaks(text) == {}


def test_chinese_report_values_are_words(zh):
    text = visible_text((zh / "report.html").read_text(encoding="utf-8"))
    for english in ("True", "False", "High-High", "Hangzhou", "name_en", "prefecture_zh",
                    "mountain26", "ci_low", "doctors_per_1000", "yuan"):
        assert not re.search(rf"(?<![A-Za-z_]){english}(?![A-Za-z_])", text), english
    assert "高-高" in text and "是" in text and "杭州" in text  # clusters, booleans, groups
    assert "个地区中有" in text  # the join summary


def test_chinese_atlas_has_no_english_ui_text(zh, browser):
    text = _atlas_text(browser, zh / "atlas.html")
    assert "不显著" in text and "名称" in text
    assert leaks(text) == {}
    assert not re.search(r"\d mi\b", text)  # a metric scale


def test_layers_and_legends_state_labels_units_and_years(en):
    atlas = (en / "atlas.html").read_text(encoding="utf-8")
    for name in ("Per-capita disposable income, 2023",
                 "Per-capita disposable income: LISA clusters, 2023",
                 "Per-capita disposable income: emerging hot spots, 2019-2023",
                 "Targets off track, 2023"):
        assert name in atlas, name
    report = visible_text((en / "report.html").read_text(encoding="utf-8"))
    assert "Per-capita disposable income: LISA clusters, 2023" in report  # SVG map legend
    for column in ("doctors_per_1000", "mountain26", "prefecture_en", "ci_low", "True",
                   "False", "name_en"):
        assert not re.search(rf"(?<![A-Za-z_]){column}(?![A-Za-z_])", report), column
    assert "26 mountain counties" in report and "yuan" in report


def test_legends_say_which_p_values_the_classes_test(en, zh):
    report = visible_text((en / "report.html").read_text(encoding="utf-8"))
    assert "FDR-adjusted, q ≤ 0.05" in report
    atlas = (zh / "atlas.html").read_text(encoding="utf-8")
    assert json.dumps("FDR校正，q ≤ 0.05", ensure_ascii=False)[1:-1] in atlas


def test_tooltip_shows_p_and_q_consistent_with_the_class(en, browser):
    """Hover the regions of the LISA layer: a significant class has q ≤ 0.05."""
    page = Page(browser, en / "atlas.html")
    try:
        page.page.locator(".leaflet-control-layers-base input").nth(1).check(force=True)
        rows = page.page.evaluate(
            """() => { var out = [], div = document.createElement('div');
               var name = Object.keys(window).find(k => k.startsWith('map_'));
               window[name].eachLayer(function (l) {
                 var t = l.getTooltip && l.getTooltip();
                 if (t) { div.innerHTML = t.getContent();
                   out.push(Array.from(div.querySelectorAll('tr')).map(
                     r => [r.cells[0].innerText, r.cells[1].innerText])); } });
               return out; }""")
        assert len(rows) == 90
        for row in rows:
            cells = dict(row)
            assert {"Cluster", "p (permutations)", "q (FDR-adjusted p)"} <= set(cells)
            significant = cells["Cluster"] not in ("Not significant", "Isolated")
            assert significant == (float(cells["q (FDR-adjusted p)"]) <= 0.05), cells
        page.map_name = page.page.evaluate(
            "() => Object.keys(window).find(k => k.startsWith('map_'))")
        counties = boundaries.load("zhejiang/counties").set_index("adcode")
        tooltip = page.hover_region(counties.geometry.loc["330127"]).inner_text()  # Chun'an
        assert "Chun'an County" in tooltip and "q (FDR-adjusted p)" in tooltip
    finally:
        page.close()
