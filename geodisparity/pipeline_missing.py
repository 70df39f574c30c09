"""Missing values in a run: ``missing = "drop" | "error"``, and what the report says about them.

``[analysis] missing`` decides what happens to rows with no income (or
population, or group) for the gap statistics; ``[clusters] missing`` to
regions with no value in a clustered column. ``"error"`` stops the run and
names the regions; ``"drop"`` leaves them out of that analysis only, and the
report lists them in a "Regions left out" section, which also says when no
permutation test ran (``clusters.permutations = 0``).

Examples
--------
>>> import pandas as pd
>>> rows = pd.DataFrame({"code": ["01", "02"], "name": ["A", "B"], "v": [1.0, None]})
>>> kept, left_out = complete_rows(rows, ["v"], key="code", name="name", year=None,
...                                missing="drop", what="analysis")
>>> len(kept), left_out
(1, [LeftOut(analysis='analysis', region='B (02)', year=None, columns='v')])
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import pandas as pd

from geodisparity.errors import InputError, format_rows
from geodisparity.i18n import LANGUAGES, words

if TYPE_CHECKING:  # pragma: no cover
    from geodisparity.config import RunConfig
    from geodisparity.report import Section

__all__ = ["LeftOut", "complete_rows", "notes_section", "left_out_records"]


@dataclass(frozen=True)
class LeftOut:
    """A region (in a year) that one analysis left out for a missing value."""

    analysis: str
    region: str
    year: Any
    columns: str


def complete_rows(frame: pd.DataFrame, columns: Sequence[str], *, key: str, name: str | None,
                  year: str | None, missing: str, what: str) -> tuple[pd.DataFrame, list[LeftOut]]:
    """Return the rows of ``frame`` with every one of ``columns``, and the rows left out.

    Raises
    ------
    InputError
        With ``missing="error"`` when a row lacks a value: names the setting,
        the columns and the regions.
    """
    absent = frame[list(columns)].isna()
    gaps = absent.any(axis=1).to_numpy()
    if not gaps.any():
        return frame, []
    rows = frame[gaps]
    left_out = [
        LeftOut(what, _label(row, key, name), None if year is None else _year(row[year]),
                ", ".join(c for c in columns if absent.at[index, c]))
        for index, row in rows.iterrows()
    ]
    if missing == "error":
        shown = format_rows(f"{item.region}{'' if item.year is None else f' in {item.year}'}"
                            for item in left_out)
        section = what.split(":")[0]
        raise InputError(
            f"{what}: {_rows(len(left_out))} no value in {', '.join(map(repr, columns))}: "
            f"{shown}; set {section}.missing = \"drop\" to leave them out of this analysis "
            f"(the report lists them)"
        )
    return frame[~gaps], left_out


def _rows(n: int) -> str:
    return "1 row has" if n == 1 else f"{n} rows have"


def _label(row: pd.Series, key: str, name: str | None) -> str:
    if name and name in row.index and pd.notna(row[name]):
        return f"{row[name]} ({row[key]})"
    return str(row[key])


def _year(value: Any) -> Any:
    return int(value) if isinstance(value, float) and value.is_integer() else value


#: The section's words by language (from :mod:`geodisparity.i18n`).
WORDS = {lang: words("missing", lang) for lang in LANGUAGES}


def notes_section(config: RunConfig, left_out: Sequence[LeftOut]) -> Section | None:
    """Return the report section on regions left out and untested clusters, or None."""
    from geodisparity.report import Section, Table

    words = WORDS.get(config.lang, WORDS["en"])
    paragraphs, tables = [], []
    if config.clusters.permutations == 0 and config.clusters.columns:
        paragraphs.append(words["no_test"])
    if left_out:
        paragraphs.append(words["intro"])
        frame = pd.DataFrame(left_out_records(left_out, config.lang))
        if frame[words["year"]].isna().all():
            frame = frame.drop(columns=[words["year"]])
        tables.append(Table.from_frame(frame))
    return Section(words["title"], paragraphs, tables) if paragraphs else None


def left_out_records(left_out: Sequence[LeftOut], lang: str = "en") -> list[dict[str, Any]]:
    """One record per region left out, with headers in ``lang``."""
    words = WORDS.get(lang, WORDS["en"])

    def analysis(item: LeftOut) -> str:
        if item.analysis.startswith("clusters:"):
            return words["clusters"].format(column=item.analysis.split(":", 1)[1].strip())
        return words["gaps"]

    return [{words["analysis"]: analysis(item), words["region"]: item.region,
             words["year"]: item.year, words["columns"]: item.columns} for item in left_out]
