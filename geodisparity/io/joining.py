"""Join a statistics table to region boundaries, and report every row that did not match.

(The module is called ``joining`` rather than ``join`` so that importing it can
never shadow the public function ``geodisparity.join``.)

The join repairs keys on both sides (numbers to text, whitespace, ``"1001.0"``,
lost leading zeros), or matches normalised names (县/市/区, "County", case,
accents, punctuation) while refusing to guess between two regions that
normalise to the same name. Nothing is dropped silently: with ``how="left"``
every region is kept, and the :class:`JoinReport` lists the regions without
data, the table rows without a region, close matches for them, and the repairs.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from geodisparity.errors import (
    DuplicateKeyError,
    EmptyDataError,
    InputError,
    JoinError,
    MissingColumnError,
    format_rows,
)
from geodisparity.io.join_report import JoinReport, nothing_matched_message
from geodisparity.io.keys import (
    clean_name,
    common_digit_width,
    normalize_name,
    pad_keys,
    parse_years,
    repair_keys,
    strip_leading_zeros,
)

if TYPE_CHECKING:  # pragma: no cover
    import geopandas as gpd
    import pandas as pd

__all__ = ["join", "JoinReport"]

logger = logging.getLogger(__name__)

_MATCH = "__geodisparity_match__"
_POSITION = "__geodisparity_position__"
_HOWS = ("left", "inner")
_SUGGESTION_CUTOFF = 50.0


@dataclass(frozen=True)
class _Plan:
    """The validated column choices of one join."""

    left_key: str | None
    right_key: str | None
    left_name: str | None
    right_name: str | None
    year: str | None
    year_value: Any
    table: str

    @property
    def by(self) -> str:
        return "key" if self.left_key is not None else "name"

    @property
    def long(self) -> bool:
        return self.year is not None and self.year_value is None


def join(
    regions: gpd.GeoDataFrame,
    table: pd.DataFrame,
    *,
    on: str | None = None,
    left_on: str | None = None,
    right_on: str | None = None,
    names: str | tuple[str, str] | None = None,
    year: str | tuple[str, Any] | None = None,
    how: str = "left",
    strict: bool = False,
) -> tuple[gpd.GeoDataFrame, JoinReport]:
    """Join a table to region boundaries and report what did not match.

    Parameters
    ----------
    regions : geopandas.GeoDataFrame
        One row per region (for instance from :func:`read_boundaries`).
    table : pandas.DataFrame
        Statistics, one row per region (or per region and year, see ``year``).
    on : str, optional
        Key column present on both sides.
    left_on, right_on : str, optional
        Key columns of ``regions`` and ``table`` when their names differ.
    names : str or (str, str), optional
        Name columns (one name for both sides, or ``(regions_column,
        table_column)``). Without key columns the join matches on names: an
        exact name first, then the normalised name
        (:func:`geodisparity.io.keys.normalize_name`), but only when a single
        region has it: names that fit several regions are reported in
        ``report.ambiguous`` and left unmatched. With key columns the names
        only label the report and feed the suggestions; then either member
        of the pair may be None (``names=("name_zh", None)`` labels the
        regions only).
    year : str or (str, value), optional
        ``"year"``: the table is long (one row per region and year in column
        ``"year"``) and so is the result: one row per matched region and year,
        plus, with ``how="left"``, one row with missing values for each region
        that has no row in any year; the result gets a fresh RangeIndex.
        ``("year", 2023)``: keep only the table rows of that year (compared as
        text, so ``2023`` matches ``"2023"``), then join one row per region.
    how : {"left", "inner"}, default "left"
        ``"left"`` keeps every region (missing values where no data);
        ``"inner"`` keeps only matched regions. Unmatched rows of either side
        are always listed in the report.
    strict : bool, default False
        Raise :class:`~geodisparity.errors.JoinError` (its message is the
        report's summary) when anything is unmatched or ambiguous.

    Returns
    -------
    joined : geopandas.GeoDataFrame
        The regions' columns, then the table's columns (a table column whose
        name the regions already use gets the suffix ``"_table"``; with ``on=``
        the key column appears once, as the regions hold it). Without a long
        ``year`` the regions' index is kept.
    report : JoinReport
        Counts, unmatched rows, suggestions and repairs; ``print(report)``
        gives a summary.

    Raises
    ------
    InputError
        If the column choices or ``how`` are invalid, or years are missing.
    MissingColumnError
        If a named column does not exist.
    DuplicateKeyError
        If a key repeats among the regions, or among the table rows (per year).
    EmptyDataError
        If either side has no rows, or the selected year has none.
    JoinError
        With ``strict=True``, if any row is unmatched or ambiguous.

    Examples
    --------
    >>> import geopandas as gpd, pandas as pd
    >>> from shapely.geometry import box
    >>> regions = gpd.GeoDataFrame({"fips": ["01001", "01003", "01005"]},
    ...     geometry=[box(i, 0, i + 1, 1) for i in range(3)], crs="EPSG:4326")
    >>> income = pd.DataFrame({"fips": [1001, 1003, 1050], "income": [51.2, 48.9, 1.0]})
    >>> joined, report = join(regions, income, on="fips")
    >>> joined["income"].tolist()
    [51.2, 48.9, nan]
    >>> print(report)
    2 of 3 regions matched the table (by key, how='left'; 2 of 3 table rows used)
    1 region has no row in the table: 01005
    1 row of the table matches no region: 01050
    key repairs: table: 3 converted to text, 3 zero-padded to 5 digits
    did you mean: '01050' -> '01005' (80)
    """
    plan = _plan(regions, table, on, left_on, right_on, names, year, how)
    if plan.year is not None:
        table = _checked_years(table, plan)
    if plan.year_value is not None:
        table = _select_year(table, plan)
    repairs: dict[str, dict[str, int]] = {"regions": {}, "table": {}}
    if plan.by == "key":
        left_match, right_match = _key_matches(regions, table, plan, repairs)
        ambiguous = _empty_frame(["table_value", "candidates", "reason"])
    else:
        left_match, right_match, ambiguous = _name_matches(
            regions[plan.left_name], table[plan.right_name]
        )
    _check_table_duplicates(table, right_match, plan)
    joined = _merge(regions, table, left_match, right_match, plan, how)
    report = _report(regions, table, left_match, right_match, ambiguous, repairs, plan, how)
    logger.info("join: %s", str(report).replace("\n", "; "))
    if report.matched == 0:
        raise JoinError(_nothing_matched(regions, table, left_match, right_match, plan, report))
    if strict and not report.complete:
        raise JoinError(str(report))
    return joined, report


# ------------------------------------------------------------------------ validation


def _plan(regions: Any, table: Any, on: Any, left_on: Any, right_on: Any, names: Any,
          year: Any, how: Any) -> _Plan:
    import geopandas as gpd
    import pandas as pd

    if not isinstance(regions, gpd.GeoDataFrame):
        raise InputError(f"regions must be a GeoDataFrame, got {type(regions).__name__}")
    if not isinstance(table, pd.DataFrame):
        raise InputError(f"table must be a pandas DataFrame, got {type(table).__name__}")
    if how not in _HOWS:
        raise InputError(f"how={how!r} is not supported; use one of {', '.join(map(repr, _HOWS))}")
    source = str(table.attrs.get("source") or "the table")
    for frame, what in ((regions, "regions"), (table, source)):
        if frame.empty:
            raise EmptyDataError(f"{what} has no rows to join")
    left_key, right_key = _key_columns(on, left_on, right_on)
    left_name, right_name = _name_columns(names)
    if left_key is None and (left_name is None or right_name is None):
        raise InputError("say how to match rows: pass on= (or left_on= and right_on=) "
                         "for key columns, or names= with a name column on each side")
    year_column, year_value = _year_columns(year)
    _require(regions, [left_key, left_name], "regions")
    _require(table, [right_key, right_name, year_column], source)
    return _Plan(left_key, right_key, left_name, right_name, year_column, year_value, source)


def _key_columns(on: Any, left_on: Any, right_on: Any) -> tuple[str | None, str | None]:
    if on is not None:
        if left_on is not None or right_on is not None:
            raise InputError("pass either on= or left_on=/right_on=, not both")
        return on, on
    if (left_on is None) != (right_on is None):
        raise InputError(f"left_on={left_on!r} and right_on={right_on!r}: pass both or neither")
    return left_on, right_on


def _name_columns(names: Any) -> tuple[str | None, str | None]:
    if names is None:
        return None, None
    if isinstance(names, str):
        return names, names
    if isinstance(names, tuple | list) and len(names) == 2 and all(
        n is None or isinstance(n, str) for n in names
    ):
        return names[0], names[1]
    raise InputError(
        f"names={names!r}: expected a column name or a pair (regions_column, table_column)"
        " (one of them may be None when joining by key)"
    )


def _year_columns(year: Any) -> tuple[str | None, Any]:
    if year is None or isinstance(year, str):
        return year, None
    if isinstance(year, tuple | list) and len(year) == 2 and isinstance(year[0], str):
        if year[1] is None:
            raise InputError(f"year={year!r}: the year value to select is None")
        return year[0], year[1]
    raise InputError(
        f"year={year!r}: expected a column name (long table) or (column, value) to select a year"
    )


def _require(frame: pd.DataFrame, columns: list[str | None], what: str) -> None:
    missing = [c for c in columns if c is not None and c not in frame.columns]
    if missing:
        raise MissingColumnError(
            f"{what} has no column {', '.join(map(repr, missing))}; its columns are: "
            f"{format_rows([str(c) for c in frame.columns], limit=50)}"
        )


def _checked_years(table: pd.DataFrame, plan: _Plan) -> pd.DataFrame:
    """Return ``table`` with its year column as whole numbers; raise on anything else."""
    years, bad = parse_years(table[plan.year])
    if bad:
        values = [repr(v) for v in dict.fromkeys(table.loc[bad, plan.year].tolist())]
        raise InputError(
            f"year column {plan.year!r} of {plan.table} holds values that are not years "
            f"({format_rows(values, limit=5)}) in {len(bad)} rows: {format_rows(bad)}; years "
            "must be whole numbers such as 2023 (text such as '2023' is accepted)"
        )
    if plan.long and years.isna().any():
        raise InputError(
            f"year column {plan.year!r} of {plan.table} is empty in rows "
            f"{format_rows(table.index[years.isna().to_numpy()])}"
        )
    table = table.copy()
    table[plan.year] = years.astype("int64") if years.notna().all() else years
    return table


def _select_year(table: pd.DataFrame, plan: _Plan) -> pd.DataFrame:
    import pandas as pd

    wanted, bad = parse_years(pd.Series([plan.year_value], dtype=object))
    if bad:
        raise InputError(f"year=({plan.year!r}, {plan.year_value!r}): the year to select is "
                         "not a whole number such as 2023")
    years = table[plan.year]
    chosen = table[(years == wanted.iloc[0]).fillna(False).to_numpy(dtype=bool)]
    if chosen.empty:
        raise EmptyDataError(
            f"{plan.table} has no rows with {plan.year} = {plan.year_value!r}; its years are: "
            f"{format_rows(sorted(years.dropna().unique()), limit=30)}"
        )
    chosen = chosen.copy()
    chosen[plan.year] = chosen[plan.year].astype("int64")
    return chosen


# -------------------------------------------------------------------------- matching


def _key_matches(regions: pd.DataFrame, table: pd.DataFrame, plan: _Plan,
                 repairs: dict[str, dict[str, int]]) -> tuple[pd.Series, pd.Series]:
    left, repairs["regions"] = repair_keys(regions[plan.left_key])
    right, repairs["table"] = repair_keys(table[plan.right_key])
    width = common_digit_width(left)
    if width is not None:
        right, padded = pad_keys(right, width)
        if padded:
            repairs["table"][f"zero-padded to {width} digits"] = padded
    elif repairs["regions"].get("converted to text", 0) == left.notna().sum():
        # the regions hold numbers, so their codes lost any leading zeros: drop the table's too
        right, stripped = strip_leading_zeros(right)
        if stripped:
            repairs["table"]["leading zeros removed (region keys are numbers)"] = stripped
    repeated = left[left.notna() & left.duplicated(keep=False)]
    if len(repeated):
        raise DuplicateKeyError(
            f"regions column {plan.left_key!r} repeats {repeated.nunique()} keys: "
            f"{format_rows(dict.fromkeys(repeated))}"
        )
    return left, right


def _name_matches(left_names: pd.Series, right_names: pd.Series
                  ) -> tuple[pd.Series, pd.Series, pd.DataFrame]:
    """Match table names to regions: exact name, else a unique normalised name.

    The returned match ids are region positions as text, so the merge is the
    same as for keys.
    """
    import pandas as pd

    left_clean = [clean_name(n) for n in left_names]
    left_norm = [normalize_name(n) for n in left_names]
    exact: dict[str, list[int]] = {}
    loose: dict[str, list[int]] = {}
    for position, (name, norm) in enumerate(zip(left_clean, left_norm, strict=True)):
        if name is not None:
            exact.setdefault(name, []).append(position)
            loose.setdefault(norm, []).append(position)
    choice: dict[str, str | None] = {}
    ambiguous = []
    for name in dict.fromkeys(clean_name(n) for n in right_names):
        if name is None:
            continue
        candidates = exact.get(name) or loose.get(normalize_name(name), [])
        if len(candidates) == 1:
            choice[name] = str(candidates[0])
            continue
        choice[name] = None
        if len(candidates) > 1:
            reason = "same name" if name in exact else "same normalised name"
            listed = ", ".join(str(left_names.iloc[p]) for p in candidates)
            ambiguous.append({"table_value": name, "candidates": listed, "reason": reason})
    left_match = pd.Series([str(p) for p in range(len(left_names))], index=left_names.index,
                           dtype="str")
    right_match = pd.Series([choice.get(clean_name(n)) for n in right_names],
                            index=right_names.index, dtype="str")
    frame = pd.DataFrame(ambiguous, columns=["table_value", "candidates", "reason"])
    return left_match, right_match, frame


def _check_table_duplicates(table: pd.DataFrame, right_match: pd.Series, plan: _Plan) -> None:
    import pandas as pd

    keys = pd.DataFrame({"match": right_match.to_numpy(), "position": range(len(table))})
    if plan.long:  # years are whole numbers, none missing (_checked_years)
        keys["year"] = table[plan.year].to_numpy()
    subset = ["match", "year"] if plan.long else ["match"]
    repeated = keys[keys["match"].notna() & keys.duplicated(subset, keep=False)]
    if repeated.empty:
        return
    labels = []
    for _, group in repeated.groupby(subset, sort=False):
        rows = table.iloc[group["position"].to_numpy()]
        if plan.by == "key":
            label = _label(rows.iloc[0], plan.right_key, plan.right_name,
                           right_match.iloc[group["position"].iloc[0]])
        else:
            label = ", ".join(repr(str(n)) for n in dict.fromkeys(rows[plan.right_name]))
        if plan.long:
            label += f" in {plan.year} {group['year'].iloc[0]}"
        labels.append(f"{label} (rows {format_rows(rows.index, limit=5)})")
    side = "key" if plan.by == "key" else "region name"
    raise DuplicateKeyError(
        f"{plan.table} has several rows for the same {side}"
        + (" and year" if plan.long else "")
        + f": {format_rows(labels)}"
    )


# ----------------------------------------------------------------------------- merge


def _merge(regions: gpd.GeoDataFrame, table: pd.DataFrame, left_match: pd.Series,
           right_match: pd.Series, plan: _Plan, how: str) -> gpd.GeoDataFrame:
    import numpy as np
    import pandas as pd

    left = regions.copy()
    sentinel = pd.Series([f"\0unmatched{i}" for i in range(len(left))], index=left.index)
    left[_MATCH] = left_match.where(left_match.notna(), sentinel).to_numpy()
    left[_POSITION] = np.arange(len(left))
    right = table[right_match.notna().to_numpy()].copy()
    right[_MATCH] = right_match[right_match.notna()].to_numpy()
    if plan.left_key is not None and plan.left_key == plan.right_key:
        right = right.drop(columns=plan.right_key)
    joined = left.merge(right, on=_MATCH, how=how, suffixes=("", "_table"), sort=False)
    if plan.long:
        joined = joined.reset_index(drop=True)
    else:
        joined.index = regions.index[joined[_POSITION].to_numpy()]
    return joined.drop(columns=[_MATCH, _POSITION])


# ---------------------------------------------------------------------------- report


def _report(regions: pd.DataFrame, table: pd.DataFrame, left_match: pd.Series,
            right_match: pd.Series, ambiguous: pd.DataFrame,
            repairs: dict[str, dict[str, int]], plan: _Plan, how: str) -> JoinReport:
    import pandas as pd

    left_hit = (left_match.notna() & left_match.isin(set(right_match.dropna()))).to_numpy()
    right_hit = (right_match.notna() & right_match.isin(set(left_match.dropna()))).to_numpy()
    left_columns = [c for c in dict.fromkeys([plan.left_key, plan.left_name]) if c]
    right_columns = [c for c in dict.fromkeys([plan.right_key, plan.right_name, plan.year]) if c]
    unmatched_left = pd.DataFrame(regions.loc[~left_hit, left_columns])
    unmatched_right = pd.DataFrame(table.loc[~right_hit, right_columns])
    by_key = plan.by == "key"
    left_shown = left_match[~left_hit].tolist() if by_key else [None] * len(unmatched_left)
    right_shown = right_match[~right_hit].tolist() if by_key else [None] * len(unmatched_right)
    by_name = plan.left_name is not None and plan.right_name is not None
    left_values = (regions[plan.left_name] if by_name else left_match)[~left_hit]
    right_values = (table[plan.right_name] if by_name else right_match)[~right_hit]
    right_labels = dict(zip(
        [_label(row, plan.right_key, plan.right_name, shown)
         for (_, row), shown in zip(unmatched_right.iterrows(), right_shown, strict=True)],
        [None if pd.isna(v) else str(v) for v in right_values], strict=True,
    ))  # label -> the value suggestions were looked up with (first row of each label)
    empty = _without_geometry(regions)
    empty_rows = pd.DataFrame(regions.loc[empty, left_columns])
    return JoinReport(
        matched=int(left_hit.sum()),
        n_left=len(regions),
        n_right=len(table),
        matched_rows=int(right_hit.sum()),
        unmatched_left=unmatched_left,
        unmatched_right=unmatched_right,
        suggestions=_suggest(left_values, right_values,
                             regions[plan.left_key][~left_hit] if by_key else None, by_name),
        ambiguous=ambiguous,
        repairs={side: dict(done) for side, done in repairs.items()},
        by=plan.by,
        how=how,
        table=plan.table,
        year=_year_note(plan),
        left_labels=_labels(unmatched_left, plan.left_key, plan.left_name, left_shown),
        right_labels=tuple(right_labels),
        right_values=tuple(right_labels.values()),
        empty_geometry=empty_rows,
        empty_labels=_labels(empty_rows, plan.left_key, plan.left_name,
                             left_match[empty].tolist() if by_key else [None] * len(empty_rows)),
    )


def _without_geometry(regions: gpd.GeoDataFrame) -> Any:
    """Boolean mask of the regions whose geometry is empty or missing."""
    import numpy as np
    import shapely

    try:
        geometries = regions.geometry.array
    except AttributeError:  # a GeoDataFrame without an active geometry column
        return np.zeros(len(regions), dtype=bool)
    return shapely.is_missing(geometries) | shapely.is_empty(geometries)


def _nothing_matched(regions: pd.DataFrame, table: pd.DataFrame, left_match: pd.Series,
                     right_match: pd.Series, plan: _Plan, report: JoinReport) -> str:
    if plan.by == "key":
        return nothing_matched_message(report, left_match.dropna(), right_match.dropna(),
                                       (plan.left_key, plan.right_key))
    return nothing_matched_message(report, regions[plan.left_name].dropna(),
                                   table[plan.right_name].dropna(),
                                   (plan.left_name, plan.right_name))


def _year_note(plan: _Plan) -> str | None:
    if plan.year is None:
        return None
    if plan.long:
        return f"long table by {plan.year!r}"
    return f"{plan.year} = {plan.year_value!r}"


def _labels(rows: pd.DataFrame, key: str | None, name: str | None,
            shown_keys: list[Any]) -> tuple[str, ...]:
    """Distinct row labels such as ``"330127 (淳安县)"``, in row order."""
    labels = (_label(row, key, name, shown)
              for (_, row), shown in zip(rows.iterrows(), shown_keys, strict=True))
    return tuple(dict.fromkeys(labels))


def _label(row: pd.Series, key: str | None, name: str | None, shown_key: Any = None) -> str:
    import pandas as pd

    key_text = None
    if key is not None:
        key_text = shown_key if isinstance(shown_key, str) else row[key]
        key_text = None if pd.isna(key_text) else str(key_text)
    name_text = None if name is None or pd.isna(row[name]) else str(row[name])
    if key_text and name_text:
        return f"{key_text} ({name_text})"
    return key_text or name_text or "(missing)"


def _suggest(choices: pd.Series, queries: pd.Series, region_keys: pd.Series | None,
             by_name: bool) -> pd.DataFrame:
    """Up to three close unmatched regions for each distinct unmatched table value.

    Names are compared normalised with ``rapidfuzz.fuzz.WRatio``; keys with
    ``rapidfuzz.fuzz.ratio`` (edit similarity).
    """
    import pandas as pd

    columns = ["table_value", "region_value", "region_key", "score"]
    options = {i: str(v) for i, v in enumerate(choices) if not pd.isna(v)}
    asked = list(dict.fromkeys(str(q) for q in queries if not pd.isna(q)))
    if not options or not asked:  # everything matched: no need to import rapidfuzz
        return pd.DataFrame(columns=columns)
    from rapidfuzz import fuzz, process

    scorer, processor = (fuzz.WRatio, _comparable_name) if by_name else (fuzz.ratio, None)
    rows = []
    for query in asked:
        found = process.extract(query, options, scorer=scorer, processor=processor,
                                limit=3, score_cutoff=_SUGGESTION_CUTOFF)
        for value, score, position in found:
            key = None if region_keys is None else region_keys.iloc[position]
            rows.append({"table_value": query, "region_value": value,
                         "region_key": None if key is None or pd.isna(key) else str(key),
                         "score": round(float(score), 1)})
    return pd.DataFrame(rows, columns=columns)


def _comparable_name(name: str) -> str:
    return normalize_name(name) or ""


def _empty_frame(columns: list[str]) -> pd.DataFrame:
    import pandas as pd

    return pd.DataFrame(columns=columns)
