"""A self-contained HTML report: tables, figures and notes in one file.

The report carries its figures inline (PNG as data URIs, or SVG maps drawn by
:mod:`geodisparity.maps.svg` and checked by its ``check_svg``) and has no external
assets, so it opens offline. The page is rendered from the template packaged
with geodisparity; titles, notes, paragraphs, captions and table cells enter it
only as autoescaped variables, never as template source, so ``{{ 7*7 }}`` in a
region name or a study file's title is shown as typed. The CJK glyphs the page
uses are embedded in it as a subset font (:mod:`geodisparity.maps.fonts`).

Examples
--------
>>> import pandas as pd
>>> section = Section("Gaps", tables=[Table.from_frame(pd.DataFrame({"gini": [0.21]}))])
>>> html = render_report([section], title="<Demo>")
>>> "&lt;Demo&gt;" in html and "<table" in html
True
"""

from __future__ import annotations

import base64
import datetime as dt
import os
import re
from dataclasses import dataclass, field, replace
from importlib import resources
from pathlib import Path

import pandas as pd

from geodisparity import __version__
from geodisparity._output import write_text
from geodisparity.errors import InputError
from geodisparity.i18n import LANGUAGES, words
from geodisparity.maps.fonts import embed_cjk_font
from geodisparity.report_lists import RegionList

__all__ = ["Figure", "Section", "Table", "format_value", "render_report", "write_report", "TEXT"]

#: The page's own words by language (from :mod:`geodisparity.i18n`).
TEXT = {lang: words("page", lang) for lang in LANGUAGES}
#: Tables with more rows than this are shown folded (a ``<details>`` block).
LONG_TABLE = 30


@dataclass(frozen=True)
class Table:
    """A table already rendered to escaped HTML; ``rows`` (when known) folds long ones."""

    html: str
    caption: str | None = None
    rows: int = 0

    @classmethod
    def from_frame(
        cls, frame: pd.DataFrame, *, caption: str | None = None, digits: int = 4,
        index: bool = False,
    ) -> Table:
        """Render a DataFrame (values escaped, floats to ``digits`` significant digits)."""
        from geodisparity.report_table_html import html_table

        def number(value: float) -> str:
            return format_value(value, digits)

        html = None if index else html_table(frame, number, "–")  # pandas' markup, faster
        if html is None:
            html = frame.to_html(index=index, escape=True, border=0, na_rep="–",
                                 float_format=number)
        return cls(html, caption, rows=len(frame))


def format_value(value: float, digits: int = 4) -> str:
    """Format a number for a table: thousands separators, no exponent for everyday sizes.

    Examples
    --------
    >>> format_value(73180.4), format_value(0.012345), format_value(2.5e-9)
    ('73,180', '0.01235', '2.5e-09')
    """
    if abs(value) >= 10 ** (digits - 1):
        return f"{value:,.0f}"
    return f"{value:.{digits}g}"


@dataclass(frozen=True)
class Figure:
    """An image embedded as a data URI, or an SVG map embedded as checked markup."""

    src: str
    caption: str
    svg: str | None = None

    @classmethod
    def from_png(cls, path: str | os.PathLike[str], caption: str) -> Figure:
        """Embed a PNG file."""
        data = base64.b64encode(Path(path).read_bytes()).decode("ascii")
        return cls(f"data:image/png;base64,{data}", caption)

    @classmethod
    def from_svg(cls, markup: str, caption: str) -> Figure:
        """Embed an SVG map made by :func:`geodisparity.maps.svg.svg_map` (checked on render)."""
        return cls("", caption, markup)


@dataclass(frozen=True)
class Section:
    """One titled block of the report.

    A paragraph is text, or a :class:`~geodisparity.report_lists.RegionList`
    (shown on one line when short, folded by parent when long).
    """

    title: str
    paragraphs: list[str | RegionList] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    figures: list[Figure] = field(default_factory=list)

    @property
    def anchor(self) -> str:
        """An id for links within the page."""
        return "".join(c if c.isalnum() else "-" for c in self.title.lower()).strip("-")


def _check_link(atlas: str | None) -> None:
    """Refuse an atlas link that is not a plain relative path (``javascript:``, ``//host``)."""
    if atlas is None:
        return
    text = str(atlas)
    if (not text or ":" in text or text.startswith(("/", "\\"))
            or any(ord(c) < 0x21 or c == "\\" for c in text)):
        raise InputError(
            f"atlas={text!r} must be a relative link to the atlas file, such as 'atlas.html' "
            "(no scheme, host, absolute path, spaces or backslashes)"
        )


def render_report(
    sections: list[Section], *, title: str, note: str | None = None, lang: str = "en",
    atlas: str | None = None, attribution: str | None = None, embed_font: bool = True,
) -> str:
    """Render the report to an HTML string.

    Parameters
    ----------
    sections : list of Section
        The content, in order.
    title : str
        Page title.
    note : str, optional
        A banner under the title (e.g. "Illustrative synthetic data").
    lang : {"en", "zh"}
        Language of the page's own words.
    atlas : str, optional
        Relative link to the interactive atlas (e.g. ``"atlas.html"``).
    attribution : str, optional
        A credit line for the data and boundaries, shown under the title as
        text (escaped, never markup).
    embed_font : bool, default True
        Embed the Chinese glyphs the page uses (:mod:`geodisparity.maps.fonts`);
        False leaves that to a later :func:`~geodisparity.maps.fonts.embed_cjk_font_files`.

    Returns
    -------
    str
        The page.

    Raises
    ------
    InputError
        If ``atlas`` is not a relative link.

    Examples
    --------
    >>> page = render_report([Section("{{ 7*7 }}", ["{% if %}"])], title="<b>x</b>")
    >>> "{{ 7*7 }}" in page and "{% if %}" in page and "&lt;b&gt;x&lt;/b&gt;" in page
    True
    >>> render_report([], title="x", atlas="javascript:alert(1)")
    Traceback (most recent call last):
    ...
    geodisparity.errors.InputError: atlas='javascript:alert(1)' must be a relative link ...
    """
    import jinja2
    from markupsafe import Markup

    _check_link(atlas)
    template_text = resources.files("geodisparity").joinpath("templates/report.html").read_text(
        encoding="utf-8"
    )
    env = jinja2.Environment(autoescape=True, undefined=jinja2.StrictUndefined)
    template = env.from_string(template_text)
    safe_sections = [
        Section(s.title, s.paragraphs, [replace(t, html=Markup(t.html)) for t in s.tables],
                [_safe_figure(f) for f in s.figures])
        for s in sections
    ]
    page = template.render(
        title=title, note=note, lang=lang, atlas=atlas, sections=safe_sections,
        attribution=attribution,
        long_table=LONG_TABLE,
        t=TEXT.get(lang, TEXT["en"]), version=__version__,
        generated=dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
    )
    page = re.sub("[\ud800-\udfff]", "\ufffd", page)  # lone surrogates cannot be UTF-8
    return embed_cjk_font(page) if embed_font else page  # Chinese without a system CJK font


def _safe_figure(figure: Figure) -> Figure:
    """Mark a figure's SVG as markup once it passed the map checks (else InputError)."""
    from markupsafe import Markup

    from geodisparity.maps.svg import check_svg

    if figure.svg is None:
        return figure
    return Figure("", figure.caption, Markup(check_svg(figure.svg)))


def write_report(
    path: str | os.PathLike[str], sections: list[Section], *, title: str,
    note: str | None = None, lang: str = "en", atlas: str | None = None, overwrite: bool = False,
    attribution: str | None = None, embed_font: bool = True,
) -> Path:
    """Render the report and write it atomically to ``path``."""
    html = render_report(sections, title=title, note=note, lang=lang, atlas=atlas,
                         attribution=attribution, embed_font=embed_font)
    return write_text(path, html, overwrite=overwrite)
