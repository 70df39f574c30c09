"""Map legends as small, escaped HTML blocks.

A :class:`Legend` lists each class with its colour, label and number of
regions, plus a "No data" row when values are missing and an optional note
(e.g. "classes reduced to 3"). :func:`legend_html` escapes every piece of
text, since labels can come from data.

Examples
--------
>>> leg = Legend(title="GDP <per head>", entries=(LegendEntry("1 – 2", "#ff0000", 3),))
>>> "&lt;per head&gt;" in legend_html(leg)
True
"""

from __future__ import annotations

from dataclasses import dataclass

from geodisparity.i18n import translate
from geodisparity.maps.style import NO_DATA_COLOR
from geodisparity.maps.tooltip import escape_text

__all__ = ["LegendEntry", "Legend", "legend_html"]


@dataclass(frozen=True)
class LegendEntry:
    """One legend row: label (display text), fill colour and number of regions."""

    label: str
    color: str
    count: int


@dataclass(frozen=True)
class Legend:
    """A legend: title, rows, regions without data, and an optional note."""

    title: str
    entries: tuple[LegendEntry, ...]
    n_missing: int = 0
    note: str | None = None
    subtitle: str | None = None

    def to_dict(self) -> dict[str, object]:
        """Return the legend as plain values."""
        return {
            "title": self.title,
            "entries": [(e.label, e.color, e.count) for e in self.entries],
            "n_missing": self.n_missing,
            "note": self.note,
            "subtitle": self.subtitle,
        }


def _row(label: str, color: str, count: int, *, css: str = "") -> str:
    swatch = f'<i class="{css}" style="background-color:{escape_text(color)}"></i>'
    return (
        f'<div class="gd-row">{swatch}<span class="gd-label">{escape_text(label)}</span>'
        f' <span class="gd-n">({count:,})</span></div>'
    )


def legend_html(legend: Legend, *, lang: str = "en") -> str:
    """Return the legend's HTML, with every text escaped.

    Parameters
    ----------
    legend : Legend
        What to show.
    lang : str
        Language of "No data".

    Returns
    -------
    str
        A ``<div>`` fragment for a Leaflet control.

    Examples
    --------
    >>> html = legend_html(Legend(title="x", entries=(), n_missing=2), lang="zh")
    >>> "无数据" in html and "(2)" in html
    True
    """
    parts = [f"<h4>{escape_text(legend.title)}</h4>"]
    if legend.subtitle:
        parts.append(f'<div class="gd-sub">{escape_text(legend.subtitle)}</div>')
    parts += [_row(e.label, e.color, e.count) for e in legend.entries]
    if legend.n_missing:
        parts.append(
            _row(translate("No data", lang), NO_DATA_COLOR, legend.n_missing, css="gd-nodata")
        )
    if legend.note:
        parts.append(f'<div class="gd-note">{escape_text(legend.note)}</div>')
    return "".join(parts)
