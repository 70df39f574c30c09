"""The embedded CJK subset font: characters found, subset contents, pages, static maps, no font.

The browser half (glyphs drawn instead of boxes on a machine with no CJK font) is in
test_fonts_browser.py.
"""

import base64
import io
import re
import warnings

import geopandas as gpd
import matplotlib
import pytest
from shapely.geometry import box

from geodisparity import boundaries
from geodisparity.errors import FontWarning, GeodisparityWarning
from geodisparity.maps import atlas, plot, save_map
from geodisparity.maps import fonts as gf
from geodisparity.report import Section, Table, render_report

_FACE = re.compile(r"<style>@font-face\{(.*?)\}</style>")


def _require_font():
    font = gf.find_cjk_font()
    if font is None:
        pytest.skip("Noto Sans CJK SC is not installed (scripts/install_fonts)")
    return font


def _embedded(page):
    """Return (the @font-face rules, the decoded font of the first one) of a page."""
    from fontTools.ttLib import TTFont

    rules = _FACE.findall(page)
    if not rules:
        return rules, None
    data = re.search(r"base64,([A-Za-z0-9+/=]+)", rules[0]).group(1)
    return rules, TTFont(io.BytesIO(base64.b64decode(data)))


@pytest.fixture
def no_font(monkeypatch):
    """A machine without the font: no known file, nothing from fontconfig."""
    monkeypatch.setattr(gf, "_known_files", list)
    monkeypatch.setattr(gf, "_fontconfig_files", list)
    gf.find_cjk_font.cache_clear()
    yield
    gf.find_cjk_font.cache_clear()


@pytest.fixture
def squares():
    return gpd.GeoDataFrame({"v": [1.0, 2.0, None], "name_zh": ["杭州市", "宁波市", "温州市"]},
                            geometry=[box(120, 30, 121, 31), box(121, 30, 122, 31),
                                      box(122, 30, 123, 31)], crs=4326)


@pytest.mark.parametrize("text, expected", [
    ("Gini 0.31", ""),
    ("杭州（浙江）", "州杭江浙（）"),
    ('{"name":"\\u676d\\u5dde"}', "州杭"),  # JSON as folium writes it
    ("&#26477;&#x5dde;", "州杭"),  # numeric character references
    ("é ü — ½ ∑", ""),  # accents and symbols are left to the system's fonts
    ("한국 かな 𠀀", "かな국한𠀀"),
])
def test_cjk_characters(text, expected):
    assert gf.cjk_characters(text) == expected


def test_face_picked_by_name_and_weight():
    font = _require_font()
    from fontTools.ttLib import TTCollection, TTFont

    collection = font.path.suffix.lower() in (".ttc", ".otc")
    with (TTCollection if collection else TTFont)(str(font.path), lazy=True) as opened:
        face = opened.fonts[font.index] if collection else opened
        names = face["name"]
        assert str(names.getDebugName(16) or names.getDebugName(1)) == font.family
        assert face["OS/2"].usWeightClass == 400
    assert font.family in ("Noto Sans CJK SC", "Source Han Sans SC", "Source Han Sans CN",
                           "Noto Sans SC")


def test_subset_holds_exactly_the_characters():
    font = _require_font()
    page = "<html><head><title>x</title></head><body>浙江省 Gini，差距</body></html>"
    rules, subset = _embedded(gf.embed_cjk_font(page))
    assert len(rules) == 1
    assert f'font-family:"{gf.FONT_FAMILY}"' in rules[0]
    assert "unicode-range:U+5DEE,U+6C5F,U+6D59,U+7701,U+8DDD,U+FF0C" in rules[0]
    assert set(map(chr, subset.getBestCmap())) == set("浙江省差距，")
    assert subset.flavor == "woff2"
    # the same glyph outlines as the face's own
    from fontTools.pens.recordingPen import RecordingPen
    from fontTools.ttLib import TTFont

    with TTFont(str(font.path), fontNumber=font.index, lazy=True) as face:
        for char in "浙差":
            outlines = []
            for f in (face, subset):
                pen = RecordingPen()
                f.getGlyphSet()[f.getBestCmap()[ord(char)]].draw(pen)
                outlines.append(pen.value)
            assert outlines[0] == outlines[1] and len(outlines[0]) > 10


def test_page_without_cjk_is_unchanged():
    page = "<html><head></head><body>Gini 0.31 – Theil</body></html>"
    assert gf.embed_cjk_font(page) == page


def test_atlas_embeds_once_and_only_with_chinese(tmp_path, squares):
    _require_font()
    m = atlas(squares, [{"column": "v", "k": 2}], name="name_zh", lang="zh", title="浙江")
    zh = save_map(m, tmp_path / "zh.html").read_text(encoding="utf-8")
    rules, subset = _embedded(zh)
    assert len(rules) == 1 and zh.count("@font-face") == 1
    # the page's own words (legend, layer names) and the data (names, title) are covered
    assert set("杭州市宁波市温州浙江无数据") <= set(map(chr, subset.getBestCmap()))
    assert zh.index("@font-face") < zh.lower().index("</head>")
    en = save_map(atlas(squares.drop(columns="name_zh"), [{"column": "v", "k": 2}], lang="en"),
                  tmp_path / "en.html").read_text(encoding="utf-8")
    assert "@font-face" not in en
    assert gf.FONT_FAMILY in en  # the stack still names it (harmless when absent)


def test_report_embeds_for_its_text_and_tables():
    _require_font()
    import pandas as pd

    table = Table.from_frame(pd.DataFrame({"县": ["淳安县"], "gini": [0.2]}))
    page = render_report([Section("差距", ["泰尔指数"], [table])], title="报告", lang="zh")
    rules, subset = _embedded(page)
    assert len(rules) == 1
    assert set("差距泰尔指数县淳安报告生成于") <= set(map(chr, subset.getBestCmap()))
    assert "@font-face" not in render_report([Section("Gaps")], title="Report")


def test_user_text_cannot_break_out_of_the_style(tmp_path):
    _require_font()
    page = render_report([Section("</style><script>alert(1)</script>中")], title="报告")
    head = page[:page.lower().index("</head>")]
    assert "<script>" not in head
    assert head.count("</style>") == 2  # the template's and ours


def test_demo_size_tens_of_kilobytes(tmp_path):
    """A county map in Chinese (90 Zhejiang names and the page's words) adds tens of KB."""
    _require_font()
    counties = boundaries.load("zhejiang/counties")
    m = atlas(counties, [{"column": "area_km2", "label": "面积", "unit": "平方千米"}],
              name="name_zh", tooltip="prefecture_zh", lang="zh", title="浙江省县域面积",
              outline={"地市": "prefecture_code"})
    page = save_map(m, tmp_path / "atlas.html").read_text(encoding="utf-8")
    rules, subset = _embedded(page)
    size = len(rules[0])
    assert 150 <= len(subset.getBestCmap()) <= 400
    assert 10_000 < size < 80_000, size


def test_no_font_warns_once_and_pages_still_work(no_font, tmp_path, squares):
    with pytest.warns(FontWarning, match="fonts-noto-cjk") as caught:
        page = save_map(atlas(squares, [{"column": "v", "k": 2}], name="name_zh", lang="zh"),
                        tmp_path / "a.html").read_text(encoding="utf-8")
        report = render_report([Section("差距")], title="报告")
    assert len([w for w in caught if w.category is FontWarning]) == 1
    assert "@font-face" not in page and "@font-face" not in report
    assert "杭州市" in page or "\\u676d\\u5dde\\u5e02" in page
    for html in (page, report):  # the CSS falls back to the system's Chinese fonts
        assert '"Noto Sans CJK SC"' in html and "sans-serif" in html
    assert caught[0].filename == __file__  # points at the caller, not into geodisparity


def test_static_map_uses_the_regular_face_per_text(squares):
    font = _require_font()
    before = dict(matplotlib.rcParams)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # matplotlib warns "Glyph ... missing from font(s)"
        fig = plot(squares, "v", k=2, lang="zh", title="浙江")
        fig.canvas.draw()
    assert dict(matplotlib.rcParams) == before
    ax = fig.axes[0]
    texts = [ax.title, ax.get_legend().get_title(), *ax.get_legend().get_texts()]
    assert any(gf.cjk_characters(t.get_text()) for t in texts)
    from matplotlib.font_manager import get_font

    for text in texts:
        props = text.get_fontproperties()
        face = get_font(props.get_file())
        assert (face.family_name, face.style_name) == (font.family, "Regular")
        assert str(props.get_file()) == str(font.path)


def test_static_map_english_with_chinese_names_uses_the_face(squares):
    font = _require_font()
    fig = plot(squares, "v", k=2, lang="en", title="浙江 income")
    assert str(fig.axes[0].title.get_fontproperties().get_file()) == str(font.path)
    fig = plot(squares, "v", k=2, lang="en", title="Income")
    assert fig.axes[0].title.get_fontproperties().get_file() is None


def test_static_map_without_font_falls_back_to_english(no_font, monkeypatch, squares):
    from geodisparity.maps import static

    monkeypatch.setattr(static, "cjk_font", lambda: None)
    with pytest.warns(GeodisparityWarning) as caught:
        fig = plot(squares, "v", k=2, lang="zh")
    assert {w.category for w in caught} == {FontWarning}
    assert [t.get_text() for t in fig.axes[0].get_legend().get_texts()][-1] == "No data (1)"


# --- the subsetting's own readers and writer (issue 10, i10-fonts) --------------------------

# Characters of a Chinese page: common ideographs, fullwidth punctuation, one of extension B
# (U+2000B, in Noto Sans CJK SC), a kana, and a Latin letter and an emoji the face lacks.
_MIXED = "浙江省杭州市淳安县基尼系数差距（），：\U0002000bかAé😀"


def test_glyph_ids_match_the_fonts_own_cmap():
    font = _require_font()
    from fontTools.ttLib import TTFont

    from geodisparity.maps._font_tables import glyph_ids

    with TTFont(str(font.path), fontNumber=font.index, lazy=True) as face:
        codes = [ord(c) for c in _MIXED] + [0x10FFFF, 0]
        found = glyph_ids(face, codes)
        best = face.getBestCmap()
        expected = {code: face.getGlyphID(best[code]) for code in codes if code in best}
    assert found == expected
    assert 0x2000B in found and ord("😀") not in found


def test_glyph_ids_without_a_format_12_table():
    from geodisparity.maps._font_tables import _example_face, glyph_ids

    face = _example_face(supplementary=False)
    assert [t.format for t in face["cmap"].tables] == [4, 4]  # so the fallback is the one run
    assert glyph_ids(face, [0x6D59, 0x6C5F]) == {0x6D59: 1}


def test_horizontal_metrics_match_the_fonts_own_hmtx():
    font = _require_font()
    from fontTools.ttLib import TTFont

    from geodisparity.maps._font_tables import horizontal_metrics

    with TTFont(str(font.path), fontNumber=font.index, lazy=True) as face:
        n_glyphs, n_long = face["maxp"].numGlyphs, face["hhea"].numberOfHMetrics
        gids = [0, 1, n_long - 1, n_glyphs // 2, n_glyphs - 1]
        ours = horizontal_metrics(face, gids)
        order = face.getGlyphOrder()
        metrics = face["hmtx"].metrics
        assert ours == {gid: tuple(metrics[order[gid]]) for gid in gids}
    # the short records past numberOfHMetrics (the example's last glyph)
    from geodisparity.maps._font_tables import _example_face

    face = _example_face()
    assert face["hhea"].numberOfHMetrics < face["maxp"].numGlyphs
    assert horizontal_metrics(face, [2]) == {2: tuple(face["hmtx"].metrics["ext"])}


def _harfbuzz_subset(font, codes):
    pytest.importorskip("uharfbuzz", reason="the fast path needs uharfbuzz (extra 'fonts')")
    return gf._harfbuzz_subset(font, codes)


@pytest.mark.parametrize("engine", [gf._fonttools_subset, _harfbuzz_subset],
                         ids=["fonttools", "harfbuzz"])
def test_subset_keeps_every_requested_glyph_its_outline_and_width(engine):
    font = _require_font()
    from fontTools.pens.recordingPen import RecordingPen
    from fontTools.ttLib import TTFont

    data = engine(font, [ord(c) for c in _MIXED])
    subset = TTFont(io.BytesIO(data))
    with TTFont(str(font.path), fontNumber=font.index, lazy=True) as face:
        full = face.getBestCmap()
        wanted = {ord(c) for c in _MIXED if ord(c) in full}
        cut = subset.getBestCmap()
        assert set(cut) == wanted  # every character the face has, nothing else
        assert len(subset.getGlyphOrder()) == len(wanted) + 1  # and .notdef
        for code in wanted:
            outlines = []
            for f, cmap in ((face, full), (subset, cut)):
                pen = RecordingPen()
                f.getGlyphSet()[cmap[code]].draw(pen)
                outlines.append(pen.value)
            assert outlines[0] == outlines[1], chr(code)
            assert subset["hmtx"][cut[code]] == face["hmtx"][full[code]]
    # licence and names kept; hints and subroutines gone; same bytes for the same characters
    names = {record.nameID for record in subset["name"].names}
    assert {0, 1, 2, 13, 14} <= names
    cff = subset["CFF "].cff
    assert len(cff.GlobalSubrs) == 0
    charstring = cff.topDictIndex[0].CharStrings[cut[ord("浙")]]
    charstring.decompile()
    assert not {"hstem", "vstem", "hstemhm", "vstemhm", "hintmask"} & set(charstring.program)
    assert engine(font, [ord(c) for c in _MIXED]) == data
    assert sorted(subset.keys()) == ["CFF ", "GlyphOrder", "OS/2", "cmap", "head", "hhea", "hmtx",
                                     "maxp", "name", "post"]


def test_subset_font_packs_woff2():
    font = _require_font()
    from fontTools.ttLib import TTFont

    data, flavor = gf.subset_font(font, _MIXED)
    assert flavor == "woff2" and data[:4] == b"wOF2"
    packed = TTFont(io.BytesIO(data))
    assert packed.flavor == "woff2"
    assert set(packed.getBestCmap()) == {ord(c) for c in _MIXED} - {ord("😀")}


def test_woff2_holds_the_sfnt_tables_unchanged():
    font = _require_font()
    from fontTools.ttLib import TTFont

    from geodisparity.maps._woff2 import sfnt_to_woff2

    with TTFont(str(font.path), fontNumber=font.index, lazy=True) as face:
        from fontTools import subset

        subsetter = subset.Subsetter(subset.Options())
        subsetter.populate(text="浙江")
        subsetter.subset(face)
        sfnt = io.BytesIO()
        face.save(sfnt)
    sfnt = sfnt.getvalue()
    woff2 = sfnt_to_woff2(sfnt)
    plain, packed = TTFont(io.BytesIO(sfnt)), TTFont(io.BytesIO(woff2))
    assert packed.flavor == "woff2" and len(woff2) % 4 == 0
    assert sorted(plain.reader.keys()) == sorted(packed.reader.keys())
    for tag in plain.reader.keys():
        assert packed.reader[tag] == plain.reader[tag], tag
    length, n_tables = int.from_bytes(woff2[8:12], "big"), int.from_bytes(woff2[12:14], "big")
    assert (length, n_tables) == (len(woff2), len(plain.reader.keys()))
    with pytest.raises(ValueError, match="OTTO"):
        sfnt_to_woff2(b"\0\1\0\0" + sfnt[4:])


def test_pages_share_one_subset_of_their_union(tmp_path):
    _require_font()
    pages = ["<html><head></head><body>浙江</body></html>",
             "<html><head><title>r</title></head><body>江西 Gini</body></html>",
             "<html><head></head><body>Gini only</body></html>",
             "<body>没有头</body>"]
    out = gf.embed_cjk_font_pages(pages)
    assert out[2:] == pages[2:]  # no CJK text, no head: unchanged
    rules = [_embedded(page)[0] for page in out[:2]]
    assert rules[0] == rules[1] and len(rules[0]) == 1
    assert "unicode-range:U+6C5F,U+6D59,U+897F;" in rules[0][0]
    assert set(map(chr, _embedded(out[0])[1].getBestCmap())) == set("浙江西")
    files = []
    for i, page in enumerate(pages):
        files.append(tmp_path / f"{i}.html")
        files[-1].write_text(page, encoding="utf-8")
    assert gf.embed_cjk_font_files(files) == files
    assert [f.read_text(encoding="utf-8") for f in files] == out


def test_pages_without_font_are_returned_as_they_are(no_font):
    pages = ["<html><head></head><body>浙江</body></html>"]
    with pytest.warns(FontWarning):
        assert gf.embed_cjk_font_pages(pages) == pages
