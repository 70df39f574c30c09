"""The rows of a large font's ``cmap`` and ``hmtx`` tables for a few characters, read in place.

A CJK font maps some 45,000 characters to 65,000 glyphs. fontTools decodes
its character map (format 4, 12 and 14 subtables) and its horizontal metrics
whole before subsetting, which costs more than cutting the few hundred glyphs
a page uses. :func:`reduce_to` reads only the rows those glyphs need, straight
from the table data (a binary search in the format 12 subtable; one record
per glyph in ``hmtx``), and puts small ``cmap`` and ``hmtx`` tables in their
place, so the subsetter sees a font that maps just these characters.

Examples
--------
>>> face = _example_face()
>>> glyph_ids(face, [0x6D59, 0x41, 0x20000])
{27993: 1, 131072: 2}
>>> horizontal_metrics(face, [0, 2])
{0: (500, 0), 2: (1000, 0)}
"""

from __future__ import annotations

import bisect
import struct
import sys
from array import array
from collections.abc import Iterable
from typing import Any

__all__ = ["glyph_ids", "horizontal_metrics", "reduce_to"]

#: (platform, encoding) of the full-repertoire Unicode subtables, in order of preference.
_FULL_UNICODE = ((3, 10), (0, 4), (0, 6))


def _format12_groups(cmap: bytes) -> tuple[array, array, array] | None:
    """Return the start codes, end codes and first glyph ids of a format 12 subtable, if any."""
    (count,) = struct.unpack_from(">H", cmap, 2)
    records = {}
    for i in range(count):
        platform, encoding, offset = struct.unpack_from(">HHI", cmap, 4 + 8 * i)
        records.setdefault((platform, encoding), offset)
    for key in _FULL_UNICODE:
        offset = records.get(key)
        if offset is None or struct.unpack_from(">H", cmap, offset)[0] != 12:
            continue
        (n_groups,) = struct.unpack_from(">I", cmap, offset + 12)
        groups = array("I", cmap[offset + 16:offset + 16 + 12 * n_groups])
        if sys.byteorder == "little":  # the table is big-endian
            groups.byteswap()
        return groups[0::3], groups[1::3], groups[2::3]
    return None


def glyph_ids(face: Any, codes: Iterable[int]) -> dict[int, int]:
    """Return the glyph id of each code point ``face`` maps.

    Read by binary search in the font's format 12 (full Unicode) subtable
    without decoding it; a font without one is decoded by fontTools.

    Parameters
    ----------
    face : fontTools.ttLib.TTFont
        The font (opened ``lazy=True`` to save the decoding).
    codes : iterable of int
        Unicode code points.

    Returns
    -------
    dict
        ``{code: glyph id}``, in the order of ``codes``, without the codes the
        font lacks.

    Examples
    --------
    >>> face = _example_face(supplementary=False)  # format 4 only: decoded by fontTools
    >>> glyph_ids(face, [0x6D59, 0x41])
    {27993: 1}
    """
    groups = _format12_groups(face.getTableData("cmap"))
    if groups is None:
        best = face["cmap"].getBestCmap()
        return {code: face.getGlyphID(best[code]) for code in codes if code in best}
    starts, ends, firsts = groups
    found = {}
    for code in codes:
        at = bisect.bisect_right(starts, code) - 1
        if at >= 0 and code <= ends[at]:
            found[code] = firsts[at] + code - starts[at]
    return found


def horizontal_metrics(face: Any, gids: Iterable[int]) -> dict[int, tuple[int, int]]:
    """Return (advance width, left side bearing) of each glyph id, read from ``hmtx`` in place.

    Parameters
    ----------
    face : fontTools.ttLib.TTFont
        The font.
    gids : iterable of int
        Glyph ids of the font.

    Returns
    -------
    dict
        ``{glyph id: (advance, lsb)}``.

    Examples
    --------
    >>> horizontal_metrics(_example_face(), [1])
    {1: (1000, 0)}
    """
    data = face.getTableData("hmtx")
    n_long = face["hhea"].numberOfHMetrics
    metrics = {}
    for gid in gids:
        if gid < n_long:
            metrics[gid] = struct.unpack_from(">Hh", data, 4 * gid)
        else:  # the advance of the last long record, a bearing of its own
            (advance,) = struct.unpack_from(">H", data, 4 * (n_long - 1))
            (bearing,) = struct.unpack_from(">h", data, 4 * n_long + 2 * (gid - n_long))
            metrics[gid] = (advance, bearing)
    return metrics


def reduce_to(face: Any, codes: Iterable[int]) -> dict[int, int]:
    """Replace ``face``'s ``cmap`` and ``hmtx`` by their rows for ``codes`` (and ``.notdef``).

    Parameters
    ----------
    face : fontTools.ttLib.TTFont
        The font, changed in place; subset it to ``codes`` afterwards.
    codes : iterable of int
        Unicode code points.

    Returns
    -------
    dict
        ``{code: glyph id}`` of the codes the font maps.

    Examples
    --------
    >>> face = _example_face()
    >>> reduce_to(face, [0x20000])
    {131072: 2}
    >>> face["cmap"].getBestCmap(), sorted(face["hmtx"].metrics)
    ({131072: 'ext'}, ['.notdef', 'ext'])
    """
    from fontTools.ttLib import newTable
    from fontTools.ttLib.tables._c_m_a_p import CmapSubtable

    ids = glyph_ids(face, codes)
    order = face.getGlyphOrder()
    cmap = newTable("cmap")
    cmap.tableVersion = 0
    cmap.tables = []
    bmp = {code: order[gid] for code, gid in ids.items() if code < 0x10000}
    for platform, encoding, fmt, mapping in (
            (3, 1, 4, bmp), (3, 10, 12, {code: order[gid] for code, gid in ids.items()})):
        if fmt == 12 and len(mapping) == len(bmp):
            continue  # no character outside the BMP: format 4 alone
        table = CmapSubtable.newSubtable(fmt)
        table.platformID, table.platEncID, table.language = platform, encoding, 0
        table.cmap = mapping
        cmap.tables.append(table)
    hmtx = newTable("hmtx")
    hmtx.metrics = {order[gid]: tuple(m)
                    for gid, m in horizontal_metrics(face, {0, *ids.values()}).items()}
    face["cmap"] = cmap
    face["hmtx"] = hmtx
    return ids


def _example_face(*, supplementary: bool = True) -> Any:
    """Return a three-glyph CFF font mapping 浙 (and U+20000 if ``supplementary``), for examples."""
    import io

    from fontTools.fontBuilder import FontBuilder
    from fontTools.pens.t2CharStringPen import T2CharStringPen
    from fontTools.ttLib import TTFont

    names = [".notdef", "zhe", "ext"]
    builder = FontBuilder(1000, isTTF=False)
    builder.setupGlyphOrder(names)
    builder.setupCharacterMap({0x6D59: "zhe", **({0x20000: "ext"} if supplementary else {})})
    charstrings = {}
    for name in names:
        pen = T2CharStringPen(500 if name == ".notdef" else 1000, None)
        pen.moveTo((0, 0))
        pen.lineTo((0, 100))
        pen.lineTo((100, 0))
        pen.closePath()
        charstrings[name] = pen.getCharString()
    builder.setupCFF("Example", {}, charstrings, {})
    builder.setupHorizontalMetrics({name: (500 if name == ".notdef" else 1000, 0)
                                    for name in names})
    builder.setupHorizontalHeader(ascent=800, descent=-200)
    builder.setupNameTable({"familyName": "Example", "styleName": "Regular"})
    builder.setupOS2()
    builder.setupPost()
    data = io.BytesIO()
    builder.save(data)
    data.seek(0)
    return TTFont(data, lazy=True)
