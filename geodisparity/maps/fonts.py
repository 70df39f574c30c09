r"""Chinese text that shows on any machine: a subset of Noto Sans CJK SC embedded in the page.

A page with Chinese words shows boxes (the font's ``.notdef`` glyph) on a
machine without a font that covers Chinese. :func:`embed_cjk_font` puts the
glyphs a page uses into the page itself: it collects the CJK characters of
the finished HTML (written as text, as ``\uXXXX`` escapes in scripts or as
numeric character references), subsets the regular weight of Noto Sans CJK SC
(or Source Han Sans SC, the same design) to them (with hb-subset when uharfbuzz
is installed, the ``fonts`` extra, else with fontTools), and adds one
``@font-face`` rule with the subset as a ``data:`` URL (WOFF2) before
``</head>``. Our pages name :data:`FONT_FAMILY` first in their font stacks, so
every CJK character, in HTML and inline SVG, is drawn from the embedded subset
and Latin text from the system's fonts. A page without CJK text is returned
unchanged. Pages made together (a run's atlas and report) share one subset
of all their characters: :func:`embed_cjk_font_pages` cuts the font once.

The font file is looked up on this machine (:func:`find_cjk_font`): first in
the usual font folders of Linux, macOS and Windows, then through fontconfig.
Debian and Ubuntu ship it as ``fonts-noto-cjk`` (``scripts/install_fonts``
installs it). Without one, pages keep working with the system's fonts named
in the CSS fallback, and a :class:`~geodisparity.errors.FontWarning` says so
once per process. Only these fonts are looked for: their licence (SIL Open
Font License) allows embedding subsets in documents.

Examples
--------
>>> cjk_characters("Gini 基尼系数, \\u6d59 &#27743;")
'基尼数江浙系'
>>> embed_cjk_font("<html><head></head><body>GDP</body></html>")
'<html><head></head><body>GDP</body></html>'
"""

from __future__ import annotations

import base64
import functools
import inspect
import io
import os
import re
import shutil
import subprocess
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from geodisparity.errors import FontWarning
from geodisparity.maps._font_tables import reduce_to
from geodisparity.maps._woff2 import sfnt_to_woff2
from geodisparity.maps.classify import caller_stacklevel

__all__ = [
    "FONT_FAMILY",
    "FONT_STACK",
    "FontFile",
    "cjk_characters",
    "find_cjk_font",
    "font_face_css",
    "subset_font",
    "embed_cjk_font",
    "embed_cjk_font_pages",
    "embed_cjk_font_files",
]

#: CSS family name of the embedded subset (listed first in our pages' font stacks).
FONT_FAMILY = "geodisparity CJK"
#: Font stack of our pages: the embedded subset, then system fonts that cover Chinese.
FONT_STACK = (f'"{FONT_FAMILY}",system-ui,-apple-system,"Segoe UI","Noto Sans CJK SC",'
              '"Source Han Sans SC","PingFang SC","Microsoft YaHei",sans-serif')

#: Families we embed, all under the SIL Open Font License, and the regular weight class.
_FAMILIES = ("Noto Sans CJK SC", "Source Han Sans SC", "Source Han Sans CN", "Noto Sans SC")
_REGULAR = 400
_FILE_NAMES = ("NotoSansCJK-Regular.ttc", "NotoSansCJK-Regular.otc", "NotoSansCJKsc-Regular.otf",
               "NotoSansSC-Regular.otf", "SourceHanSans-Regular.ttc", "SourceHanSansSC-Regular.otf",
               "SourceHanSansCN-Regular.otf")
_SUFFIXES = (".ttc", ".otc", ".otf", ".ttf")
#: Tables a horizontal run of CJK glyphs in their default (Simplified) forms does not need:
#: glyph substitution and positioning (no features are kept) with their glyph classes, vertical
#: metrics and baselines.
_UNUSED_TABLES = ("GSUB", "GPOS", "GDEF", "BASE", "vhea", "vmtx", "VORG")
#: Brotli quality of the WOFF2 files: 9 is some 20 times faster than 11 for ~8 % more bytes.
_BROTLI_QUALITY = 9
#: Name records kept: family, style, version and the like, with the copyright (0) and licence.
_NAME_IDS = (0, 1, 2, 3, 4, 5, 6, 13, 14)

#: Code point blocks of Chinese, Japanese and Korean writing and their punctuation.
_CJK_RANGES = (
    (0x2E80, 0x2FDF),  # radicals
    (0x2FF0, 0x303F),  # ideographic description, CJK symbols and punctuation
    (0x3040, 0x31FF),  # kana, bopomofo, Hangul compatibility jamo, strokes
    (0x3200, 0x4DBF),  # enclosed CJK, compatibility, extension A
    (0x4E00, 0x9FFF),  # unified ideographs
    (0xAC00, 0xD7AF),  # Hangul syllables
    (0xF900, 0xFAFF),  # compatibility ideographs
    (0xFE30, 0xFE4F),  # compatibility forms
    (0xFF00, 0xFFEF),  # halfwidth and fullwidth forms (，：（）)
    (0x20000, 0x3134F),  # extensions B-G
)
_HEAD_END = re.compile("</head>", re.IGNORECASE)
_ESCAPE = re.compile(r"\\u([0-9a-fA-F]{4})|&#[xX]([0-9a-fA-F]{1,6});|&#([0-9]{1,7});")


def _is_cjk(code: int) -> bool:
    return any(low <= code <= high for low, high in _CJK_RANGES)


def cjk_characters(text: str) -> str:
    r"""Return the distinct CJK characters of ``text``, sorted by code point.

    Characters written as JavaScript escapes (``\u6d59``) or numeric character
    references (``&#27743;``, ``&#x6d59;``) count too, so the characters of a
    page's data are found as well as those of its markup.

    Parameters
    ----------
    text : str
        Any text, e.g. a whole HTML page.

    Returns
    -------
    str
        The characters, each once; empty if there are none.

    Examples
    --------
    >>> cjk_characters("杭州 Hangzhou（浙江）")
    '州杭江浙（）'
    >>> cjk_characters("")
    ''
    """
    # distinct characters first: a page of half a million has a few thousand
    found = {ord(c) for c in set(text) if ord(c) >= 0x2E80}
    for match in _ESCAPE.finditer(text):
        js, hexa, decimal = match.groups()
        found.add(int(js or hexa, 16) if (js or hexa) else int(decimal))
    return "".join(chr(c) for c in sorted(found) if _is_cjk(c))


@dataclass(frozen=True)
class FontFile:
    """A regular-weight Noto Sans CJK SC face: its file, index in a collection and family."""

    path: Path
    index: int
    family: str


def _face(path: Path) -> FontFile | None:
    """Return the regular Simplified Chinese face of a font file or collection, by name."""
    from fontTools.ttLib import TTCollection, TTFont, TTLibError

    collection = path.suffix.lower() in (".ttc", ".otc")
    try:
        with (TTCollection if collection else TTFont)(str(path), lazy=True) as opened:
            faces = opened.fonts if collection else [opened]
            for index, face in enumerate(faces):
                names = face["name"]
                family = str(names.getDebugName(16) or names.getDebugName(1) or "")
                if family in _FAMILIES and face["OS/2"].usWeightClass == _REGULAR:
                    return FontFile(path, index, family)
    except (OSError, TTLibError, KeyError, AssertionError):
        return None
    return None


def _font_folders() -> list[Path]:
    home = Path.home()
    folders = [Path("/usr/share/fonts"), Path("/usr/local/share/fonts"),
               home / ".local/share/fonts", home / ".fonts",
               Path("/Library/Fonts"), home / "Library/Fonts"]
    for variable, sub in (("WINDIR", "Fonts"), ("LOCALAPPDATA", "Microsoft/Windows/Fonts")):
        if os.environ.get(variable):
            folders.append(Path(os.environ[variable]) / sub)
    return [folder for folder in folders if folder.is_dir()]


def _known_files() -> list[Path]:
    """Files with a known name of our fonts in the usual font folders."""
    wanted = {name.lower() for name in _FILE_NAMES}
    found = []
    for folder in _font_folders():
        for root, _, files in os.walk(folder):
            found += [Path(root, f) for f in sorted(files) if f.lower() in wanted]
    return found


def _fontconfig_files() -> list[Path]:
    """Font files fontconfig lists for Simplified Chinese (none without fontconfig)."""
    fc_list = shutil.which("fc-list")
    if fc_list is None:
        return []
    try:
        out = subprocess.run([fc_list, "--format", "%{file}\n", ":lang=zh-cn"],
                             capture_output=True, text=True, timeout=20, check=False).stdout
    except (OSError, subprocess.SubprocessError):
        return []
    files = sorted({line.strip() for line in out.splitlines()})
    return [Path(f) for f in files if f.lower().endswith(_SUFFIXES)]


@functools.lru_cache(maxsize=1)
def find_cjk_font() -> FontFile | None:
    """Return the regular Noto Sans CJK SC (or Source Han Sans SC) face on this machine.

    Looks in the usual font folders (Linux, macOS, Windows) for the files
    Debian's ``fonts-noto-cjk`` and Adobe's Source Han Sans install, then asks
    fontconfig; the face is picked by its family name and weight class, not
    by its place in a collection. The answer is cached for the process.

    Returns
    -------
    FontFile or None
        The face, or None (with a :class:`~geodisparity.errors.FontWarning`,
        once) when there is none.

    Examples
    --------
    >>> font = find_cjk_font()
    >>> font is None or font.family in _FAMILIES
    True
    """
    seen: set[Path] = set()
    for path in [*_known_files(), *_fontconfig_files()]:
        if path in seen:
            continue
        seen.add(path)
        face = _face(path)
        if face is not None:
            return face
    warnings.warn(
        "no Noto Sans CJK SC font found (on Debian or Ubuntu: apt-get install fonts-noto-cjk, "
        "or run scripts/install_fonts); Chinese text in maps and reports is not embedded and "
        "shows only where the reader's machine has a Chinese font", FontWarning,
        stacklevel=caller_stacklevel())
    return None


def subset_font(font: FontFile, characters: str) -> tuple[bytes, str]:
    """Return ``font`` cut down to ``characters``, as WOFF2 (WOFF without brotli), and its format.

    With uharfbuzz installed (``pip install 'geodisparity[fonts]'``), HarfBuzz's
    subsetter (hb-subset, in C++) does the work in some 20 ms; otherwise
    fontTools' subsetter does, in some 0.3 s for the ~400 characters of a
    report (:func:`_fonttools_subset`). Either way hints are dropped,
    subroutines expanded (smaller once compressed), glyph substitution,
    positioning and vertical metrics left out, and the names kept with the
    copyright and licence. The WOFF2 file is packed at Brotli quality 9
    (:func:`~geodisparity.maps._woff2.sfnt_to_woff2`); the same characters
    give the same bytes.

    Parameters
    ----------
    font : FontFile
        The face, from :func:`find_cjk_font`.
    characters : str
        The characters to keep (those the font lacks are left out).

    Returns
    -------
    tuple of bytes and str
        The font data and its CSS format name (``"woff2"`` or ``"woff"``).

    Examples
    --------
    >>> font = find_cjk_font()
    >>> font is None or subset_font(font, "浙江")[1] in ("woff2", "woff")
    True
    >>> font is None or subset_font(font, "")[0][:4] in (b"wOF2", b"wOFF")  # .notdef alone
    True
    """
    codes = [ord(c) for c in characters]
    sfnt = _harfbuzz_subset(font, codes)
    if sfnt is None:
        sfnt = _fonttools_subset(font, codes)
    try:
        import brotli  # noqa: F401  (needed to write WOFF2)
    except ImportError:
        return _as_woff(sfnt), "woff"
    return sfnt_to_woff2(sfnt, quality=_BROTLI_QUALITY), "woff2"


def _harfbuzz_subset(font: FontFile, codes: list[int]) -> bytes | None:
    """Return the face cut to ``codes`` by hb-subset (OpenType), or None without uharfbuzz."""
    try:
        import uharfbuzz as hb
    except ImportError:
        return None
    request = hb.SubsetInput()
    request.unicode_set.update(codes)
    request.name_id_set.update(_NAME_IDS)
    request.drop_table_tag_set.update(int.from_bytes(tag.encode("ascii"), "big")
                                      for tag in _UNUSED_TABLES)
    request.flags = hb.SubsetFlags.NO_HINTING | hb.SubsetFlags.DESUBROUTINIZE
    face = hb.Face(hb.Blob.from_file_path(str(font.path)), font.index)
    return bytes(hb.subset(face, request).blob.data)


def _fonttools_subset(font: FontFile, codes: list[int]) -> bytes:
    """Return the face cut to ``codes`` by fontTools' subsetter (OpenType).

    The font's large tables are first cut to the rows of these characters
    (:func:`~geodisparity.maps._font_tables.reduce_to`) or dropped when a page
    does not need them; hints are dropped after the subsetter, sparing its
    pass over the subroutines that expansion leaves unused. Bounding boxes
    are the full font's, not recomputed, and the timestamp is the font's.
    """
    from fontTools import subset
    from fontTools.ttLib import TTFont

    drop_hints = _hint_remover()
    options = subset.Options()
    options.hinting = drop_hints is not None  # if so, dropped below, after the subsetter
    options.desubroutinize = True  # smaller once compressed, and no slower
    options.name_IDs = list(_NAME_IDS)
    out = io.BytesIO()
    with TTFont(str(font.path), fontNumber=font.index, lazy=True, recalcBBoxes=False,
                recalcTimestamp=False) as face:
        for tag in _UNUSED_TABLES:  # removed before subsetting: reading them is slow
            if tag in face:
                del face[tag]
        found = reduce_to(face, codes)
        subsetter = subset.Subsetter(options)
        subsetter.populate(unicodes=found)
        subsetter.subset(face)
        if drop_hints is not None:
            drop_hints(face["CFF "].cff)
        face.save(out)
    return out.getvalue()


def _as_woff(sfnt: bytes) -> bytes:
    """Return an OpenType font as WOFF (zlib), for a Python without brotli."""
    from fontTools.ttLib import TTFont

    out = io.BytesIO()
    with TTFont(io.BytesIO(sfnt)) as face:
        face.flavor = "woff"
        face.save(out)
    return out.getvalue()


def _hint_remover() -> Callable[[Any], None] | None:
    """Return fontTools' CFF hint removal that skips pruning subroutines, if this fontTools has it.

    Our subsets have no subroutines left (they are expanded), yet the
    subsetter's own hint removal runs every glyph once more to find the unused
    ones. fontTools 4.52 and later can be told not to; with an older one the
    subsetter drops the hints (None).
    """
    try:
        from fontTools.cffLib.transforms import remove_hints
    except ImportError:
        return None
    if "removeUnusedSubrs" not in inspect.signature(remove_hints).parameters:
        return None
    return functools.partial(remove_hints, removeUnusedSubrs=False)


def _unicode_range(characters: str) -> str:
    """Return a CSS ``unicode-range`` value covering exactly ``characters``."""
    codes = sorted({ord(c) for c in characters})
    spans: list[list[int]] = []
    for code in codes:
        if spans and code == spans[-1][1] + 1:
            spans[-1][1] = code
        else:
            spans.append([code, code])
    return ",".join(f"U+{a:X}" if a == b else f"U+{a:X}-{b:X}" for a, b in spans)


def font_face_css(characters: str, font: FontFile) -> str:
    """Return an ``@font-face`` rule embedding ``font``'s glyphs for ``characters``.

    Parameters
    ----------
    characters : str
        The characters the page uses (e.g. from :func:`cjk_characters`).
    font : FontFile
        The face to subset.

    Returns
    -------
    str
        CSS defining :data:`FONT_FAMILY`, limited to ``characters`` by
        ``unicode-range``.

    Examples
    --------
    >>> font = find_cjk_font()
    >>> font is None or font_face_css("浙江", font).startswith("@font-face{")
    True
    """
    data, flavor = subset_font(font, characters)
    encoded = base64.b64encode(data).decode("ascii")
    return (f'@font-face{{font-family:"{FONT_FAMILY}";font-style:normal;font-weight:400;'
            f"font-display:block;unicode-range:{_unicode_range(characters)};"
            f'src:url(data:font/{flavor};base64,{encoded}) format("{flavor}")}}')


def embed_cjk_font(page: str) -> str:
    """Return ``page`` with the CJK glyphs it uses embedded as a subset font.

    Parameters
    ----------
    page : str
        A finished HTML page with a ``</head>``, whose styles list
        :data:`FONT_FAMILY` first (as :data:`FONT_STACK` does).

    Returns
    -------
    str
        The page with one ``<style>`` holding an ``@font-face`` rule before
        ``</head>``; unchanged when the page has no CJK text, no head, or no
        font is found (then with a :class:`~geodisparity.errors.FontWarning`).

    Examples
    --------
    >>> page = embed_cjk_font("<html><head></head><body>浙江</body></html>")
    >>> find_cjk_font() is None or "@font-face" in page
    True
    """
    return embed_cjk_font_pages([page])[0]


def embed_cjk_font_pages(pages: Sequence[str]) -> list[str]:
    """Return ``pages`` with one subset font, of the CJK characters of them all, embedded in each.

    The font is cut once for the union of the pages' characters (the atlas
    and the report of a run share most of theirs), so several pages cost one
    subsetting; each page then carries the glyphs of all of them.

    Parameters
    ----------
    pages : sequence of str
        Finished HTML pages, as :func:`embed_cjk_font` takes them.

    Returns
    -------
    list of str
        The pages in order, each as :func:`embed_cjk_font` would return it
        but with the shared rule; a page without CJK text or head is unchanged.

    Examples
    --------
    >>> zh, en = embed_cjk_font_pages(["<head></head>浙江", "<head></head>Gini"])
    >>> en
    '<head></head>Gini'
    >>> find_cjk_font() is None or "unicode-range:U+6C5F,U+6D59;" in zh
    True
    >>> embed_cjk_font_pages([])
    []
    """
    heads = [_HEAD_END.search(page) for page in pages]
    found = [cjk_characters(page) if head else "" for page, head in zip(pages, heads, strict=True)]
    characters = "".join(sorted(set().union(*found)))
    if not characters:
        return list(pages)
    font = find_cjk_font()
    if font is None:
        return list(pages)
    style = f"<style>{font_face_css(characters, font)}</style>\n"
    return [page[:head.start()] + style + page[head.start():] if chars else page
            for page, head, chars in zip(pages, heads, found, strict=True)]


def embed_cjk_font_files(paths: Sequence[str | os.PathLike[str]]) -> list[Path]:
    """Embed one subset font in HTML files written without it (:func:`embed_cjk_font_pages`).

    ``geodisparity run`` writes the atlas and the report without their fonts,
    then embeds one subset in both with this function.

    Parameters
    ----------
    paths : sequence of path-like
        UTF-8 HTML files, rewritten in place (atomically) when they gain a font.

    Returns
    -------
    list of Path
        The files.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> page = pathlib.Path(tempfile.mkdtemp()) / "page.html"
    >>> _ = page.write_text("<html><head></head><body>浙江</body></html>", encoding="utf-8")
    >>> _ = embed_cjk_font_files([page])
    >>> find_cjk_font() is None or "@font-face" in page.read_text(encoding="utf-8")
    True
    """
    from geodisparity._output import write_text

    files = [Path(path) for path in paths]
    pages = [file.read_text(encoding="utf-8") for file in files]
    for file, page, embedded in zip(files, pages, embed_cjk_font_pages(pages), strict=True):
        if embedded is not page:
            write_text(file, embedded, overwrite=True)
    return files
