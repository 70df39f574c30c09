"""Map layers: what to show (:class:`Layer`) and how it is drawn (:class:`StyledLayer`).

A :class:`Layer` names a column and a kind of map: ``"choropleth"`` (classes
of a value), ``"lisa"`` (LISA or local Geary clusters), ``"hotspot"`` (Getis-Ord
Gi* or Gi hot and cold spots), ``"emerging"`` (the 17 patterns of an emerging hot spot
analysis) or ``"target"`` (met / within 10% / not met). :func:`style_layer`
turns it into a :class:`StyledLayer`: one class per region (-1 = no data),
the class colours, the legend and the tooltip rows, all text still unescaped
(the legend and tooltip modules escape it).

Examples
--------
>>> import geopandas as gpd
>>> from shapely.geometry import box
>>> regions = gpd.GeoDataFrame({"name": ["a", "b"], "gdp": [1.0, 2.0]},
...                            geometry=[box(0, 0, 1, 1), box(1, 0, 2, 1)], crs=4326)
>>> styled = style_layer(regions, Layer("gdp", k=2), lang="en")
>>> styled.classes.tolist(), styled.fields
([0, 1], ('Name', 'gdp', 'Rank', 'Class'))
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any, Literal

import numpy as np
import pandas as pd

from geodisparity import categories as cat
from geodisparity.errors import (
    DuplicateKeyError,
    InputError,
    JoinError,
    MissingColumnError,
    format_rows,
)
from geodisparity.i18n import MESSAGES, check_lang, message, translate
from geodisparity.maps.classify import classify, format_number
from geodisparity.maps.legend import Legend, LegendEntry
from geodisparity.maps.style import (
    DIVERGING_CMAP,
    EMERGING_COLORS,
    GEARY_COLORS,
    HOTSPOT_COLORS,
    LISA_COLORS,
    TARGET_COLORS,
    class_colors,
)
from geodisparity.maps.tooltip import format_cell, tooltip_columns

__all__ = ["KINDS", "Layer", "StyledLayer", "style_layer", "align_result", "target_classes"]

Kind = Literal["choropleth", "lisa", "hotspot", "target", "emerging"]
KINDS: tuple[str, ...] = ("choropleth", "lisa", "hotspot", "target", "emerging")

#: A region within this share of the target (on the wrong side) is "within 10%".
TARGET_MARGIN = 0.10


@dataclass(frozen=True)
class Layer:
    """One indicator layer of a map.

    Parameters
    ----------
    column : str or None
        Column of the regions with the values (optional for "lisa"/"hotspot",
        where it only adds the value to tooltips).
    kind : {"choropleth", "lisa", "hotspot", "emerging", "target"}
        How the layer is drawn.
    scheme, k, breaks, cmap
        Classification of a choropleth (see :func:`geodisparity.maps.classify.classify`).
    label : str, optional
        Title of the layer and legend; default the column name.
    unit : str, optional
        Unit appended to values, e.g. "yuan".
    target : float, optional
        Target value of a "target" layer.
    direction : {"above", "below"}
        Whether a target is met at or above (default) or at or below it.
    result : DataFrame, optional
        LISA, local Geary or Gi* result aligned to the regions' index, with a
        ``cluster`` column of labels from :mod:`geodisparity.categories`. A
        "lisa" layer takes local Geary's classes and colours when ``cluster``
        is categorical over :data:`~geodisparity.categories.GEARY_LABELS` or
        holds "Other positive" or "Negative".
    show : bool, optional
        Whether the layer is visible when the map opens (default: the first).
    tooltip : mapping or sequence of str, optional
        More columns shown in this layer's tooltips only, after its own rows:
        ``{column: heading}``, or column names (headed by themselves).
    value_label : str, optional
        Heading of the column's values in the tooltips of a cluster layer
        (default the column name; a choropleth uses ``label``).
    alpha : float, default 0.05
        Significance level of a "lisa" layer, stated in its legend.
    adjust : {"fdr", "by", "bonferroni"}, optional
        The multiple-testing adjustment behind the result's ``q`` column. When
        ``q`` holds values, tooltips show p and q and the legend says e.g.
        "FDR-adjusted, q ≤ 0.05"; otherwise it says "p ≤ 0.05".
    """

    column: str | None = None
    kind: Kind = "choropleth"
    scheme: str = "quantiles"
    k: int = 5
    breaks: Sequence[float] | None = None
    cmap: str | None = None
    label: str | None = None
    unit: str | None = None
    target: float | None = None
    direction: Literal["above", "below"] = "above"
    result: pd.DataFrame | None = None
    show: bool | None = None
    tooltip: Mapping[str, str] | Sequence[str] | None = None
    value_label: str | None = None
    alpha: float = 0.05
    adjust: str | None = None

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise InputError(f"kind={self.kind!r} is not known; use one of: {', '.join(KINDS)}")
        if self.kind in ("choropleth", "target") and self.column is None:
            raise InputError(f"a {self.kind!r} layer needs column=")
        if self.kind in ("lisa", "hotspot", "emerging") and self.result is None:
            raise InputError(f"a {self.kind!r} layer needs result= (the statistic's DataFrame)")
        if self.kind == "target" and self.target is None:
            raise InputError("a 'target' layer needs target= (the value to reach)")
        if self.direction not in ("above", "below"):
            raise InputError(f"direction must be 'above' or 'below', got {self.direction!r}")
        if not (isinstance(self.alpha, int | float) and 0 < self.alpha < 1):
            raise InputError(f"alpha must be a number between 0 and 1, got {self.alpha!r}")


@dataclass(frozen=True)
class StyledLayer:
    """A layer ready to draw: per-region classes, colours, legend and tooltip rows."""

    title: str
    classes: np.ndarray
    colors: tuple[str, ...]
    legend: Legend
    fields: tuple[str, ...]
    cells: tuple[tuple[str, ...], ...]


def _values(regions: pd.DataFrame, column: str) -> pd.Series:
    if column not in regions.columns:
        raise MissingColumnError(
            f"column={column!r} is not a column of regions; columns are: "
            f"{format_rows(map(str, regions.columns), limit=20)}"
        )
    series = regions[column]
    try:
        return pd.to_numeric(series, errors="raise").astype(float)
    except (TypeError, ValueError):
        bad = series.index[pd.to_numeric(series, errors="coerce").isna() & series.notna()]
        raise InputError(
            f"column {column!r} must hold numbers; rows with text: {format_rows(bad)}"
        ) from None


def align_result(regions: pd.DataFrame, result: pd.DataFrame, *, name: str) -> pd.DataFrame:
    """Return ``result`` reindexed to ``regions``; every region must have a row.

    Parameters
    ----------
    regions : DataFrame
        The regions (their index is the key).
    result : DataFrame
        Per-region statistic with a ``cluster`` column.
    name : str
        Argument name for messages.

    Returns
    -------
    DataFrame
        Rows in the order of ``regions.index``.

    Examples
    --------
    >>> regions = pd.DataFrame(index=["a", "b"])
    >>> align_result(regions, pd.DataFrame({"cluster": ["x", "y"]}, index=["b", "a"]),
    ...              name="r")["cluster"].tolist()
    ['y', 'x']
    """
    if not isinstance(result, pd.DataFrame) or "cluster" not in result.columns:
        raise InputError(f"{name} must be a DataFrame with a 'cluster' column")
    if not result.index.is_unique:
        dup = result.index[result.index.duplicated()].unique()
        raise DuplicateKeyError(f"{name} has repeated index values: {format_rows(dup)}")
    missing = regions.index.difference(result.index, sort=False)
    if len(missing):
        raise JoinError(
            f"{len(missing)} regions have no row in {name}: {format_rows(missing)}; "
            "compute the statistic on the same regions (aligned by index)"
        )
    return result.reindex(regions.index)


def _region_cells(regions: pd.DataFrame, columns: list[str], lang: str) -> list[list[str]]:
    if not columns:
        return [[] for _ in range(len(regions))]
    # Column by column, as itertuples does, without building a (Geo)DataFrame of them.
    chosen = ([regions[c] for c in columns] if regions.columns.is_unique
              else [regions[columns].iloc[:, k] for k in range(len(columns))])
    return [[format_cell(v, lang=lang) for v in row] for row in zip(*chosen, strict=True)]


def _style_choropleth(regions: pd.DataFrame, layer: Layer, lang: str,
                      base_fields: list[str], base_cells: list[list[str]]) -> StyledLayer:
    values = _values(regions, layer.column)
    result = classify(values.to_numpy(), scheme=layer.scheme, k=layer.k, breaks=layer.breaks,
                      name=f"column {layer.column!r}")
    cmap = layer.cmap or (DIVERGING_CMAP if layer.scheme == "std_mean" else None)
    colors = class_colors(result.k, cmap)
    labels = result.labels(layer.unit)
    title = layer.label or layer.column
    note = result.note
    if note is not None and lang != "en":
        note = f"{translate('classes reduced to', lang)} {result.k}"
    legend = Legend(
        title=title,
        entries=tuple(LegendEntry(lab, col, n)
                      for lab, col, n in zip(labels, colors, result.counts, strict=True)),
        n_missing=result.n_missing, note=note,
    )
    ranks = values.rank(ascending=False, method="min")
    n_present = int(values.notna().sum())
    cells = []
    for base, value, rank, c in zip(base_cells, values, ranks, result.classes, strict=True):
        missing = c < 0
        rank_text = translate("No data", lang) if missing else f"{int(rank)} / {n_present}"
        class_text = translate("No data", lang) if missing else labels[c]
        cells.append((*base, format_cell(value, unit=layer.unit, lang=lang), rank_text,
                      class_text))
    fields = (*base_fields, title, translate("Rank", lang), translate("Class", lang))
    return StyledLayer(title, result.classes, tuple(colors), legend, fields, tuple(cells))


def _cluster_classes(labels: pd.Series, order: Sequence[str], name: str) -> np.ndarray:
    index = {label: i for i, label in enumerate(order)}
    unknown = labels.index[labels.notna() & ~labels.isin(order)]
    if len(unknown):
        seen = sorted(set(map(str, labels[unknown])))
        raise InputError(
            f"{name} has cluster labels that are not known ({format_rows(seen)}) in rows "
            f"{format_rows(unknown)}; expected: {', '.join(order)}"
        )
    return np.array([index[v] if isinstance(v, str) else -1 for v in labels], dtype=int)


@dataclass(frozen=True)
class _ClusterScheme:
    """Legend order, colours and default title of one family of cluster labels."""

    order: tuple[str, ...]
    palette: dict[str, str]
    title: str
    field: str


_LISA = _ClusterScheme(cat.LISA_LABELS, LISA_COLORS, "LISA clusters", "Cluster")
_GEARY = _ClusterScheme(cat.GEARY_LABELS, GEARY_COLORS, "Local Geary clusters", "Cluster")
_HOTSPOT = _ClusterScheme(cat.HOTSPOT_LABELS, HOTSPOT_COLORS, "Hot spots (Getis-Ord Gi*)",
                          "Hot/cold spot")
_EMERGING = _ClusterScheme(cat.EMERGING_LABELS, EMERGING_COLORS, "Emerging hot spots", "Pattern")


def _cluster_scheme(kind: str, labels: pd.Series) -> _ClusterScheme:
    """Hot spots, local Geary's classes (recognised by their labels) or LISA clusters."""
    if kind == "hotspot":
        return _HOTSPOT
    if kind == "emerging":
        return _EMERGING
    categorical = isinstance(labels.dtype, pd.CategoricalDtype)
    geary_categories = categorical and tuple(labels.cat.categories) == cat.GEARY_LABELS
    if geary_categories or labels.isin([cat.OTHER_POSITIVE, cat.NEGATIVE]).any():
        return _GEARY
    return _LISA


def _cluster_legend(layer: Layer, scheme: _ClusterScheme, classes: np.ndarray,
                    lang: str, result: pd.DataFrame) -> Legend:
    counts = np.bincount(classes[classes >= 0], minlength=len(scheme.order))
    entries = tuple(
        LegendEntry(translate(lab, lang), scheme.palette[lab], int(n))
        for lab, n in zip(scheme.order, counts, strict=True)
        # "Isolated" only when some region has no neighbour; of the 17 emerging patterns,
        # those seen
        if n > 0 or (lab != cat.ISOLATED and scheme is not _EMERGING)
    )
    column = layer.column if layer.label is None and layer.column else None
    rule = None if scheme is _EMERGING else _significance_rule(layer, result, scheme, lang)
    return Legend(
        title=layer.label or translate(scheme.title, lang), entries=entries,
        n_missing=int((classes < 0).sum()),
        subtitle=" · ".join(t for t in (column, rule) if t) or None,
    )


def _adjusted(result: pd.DataFrame) -> bool:
    """Whether the classes come from adjusted p-values (a ``q`` column with values)."""
    return "q" in result.columns and bool(pd.to_numeric(result["q"], errors="coerce")
                                          .notna().any())


def _adjust_name(layer: Layer, lang: str) -> str:
    key = f"adjust.{layer.adjust}"
    return message(key, lang) if key in MESSAGES else message("adjust.any", lang)


def _significance_rule(layer: Layer, result: pd.DataFrame, scheme: _ClusterScheme,
                       lang: str) -> str:
    """Say which p-values the classes test: "FDR-adjusted, q ≤ 0.05" or "p ≤ 0.05"."""
    hot = scheme is _HOTSPOT
    if _adjusted(result):
        key = "legend.hot_adjusted" if hot else "legend.adjusted"
        return message(key, lang, adjust=_adjust_name(layer, lang),
                       alpha=format_number(layer.alpha))
    key = "legend.hot_unadjusted" if hot else "legend.unadjusted"
    return message(key, lang, alpha=format_number(layer.alpha))


def _cluster_extras(regions: pd.DataFrame, layer: Layer, result: pd.DataFrame,
                    lang: str) -> list[tuple[str, pd.Series, str | None]]:
    """Tooltip rows after the cluster: the variable (with its unit), z, p and q.

    The p-value is the one the classes come from (Gi*'s two-sided ``p`` when
    present, else ``p_sim``), followed by its adjusted value ``q`` when the
    classes test q, so that a class never seems to contradict the p shown.
    """
    extras: list[tuple[str, pd.Series, str | None]] = []
    if layer.column is not None:
        extras.append((layer.value_label or layer.column, _values(regions, layer.column),
                       layer.unit))
    stats = ["tau", "p_trend"] if layer.kind == "emerging" else [
        "z", "p" if "p" in result.columns else "p_sim"]
    if layer.kind != "emerging" and _adjusted(result):
        stats.append("q")
    for col in stats:
        if col in result.columns:
            heading = message(f"column.{col}", lang, adjust=_adjust_name(layer, lang))
            extras.append((heading, pd.to_numeric(result[col], errors="coerce"), None))
    return extras


def _style_clusters(regions: pd.DataFrame, layer: Layer, lang: str,
                    base_fields: list[str], base_cells: list[list[str]]) -> StyledLayer:
    name = {"lisa": "lisa_result", "emerging": "emerging_result"}.get(layer.kind, "gi_result")
    result = layer.result
    if layer.kind == "emerging" and isinstance(result, pd.DataFrame) and "cluster" not in result:
        result = result.rename(columns={"category": "cluster"})  # EmergingHotSpots.regions
    result = align_result(regions, result, name=name)
    labels = result["cluster"]
    if layer.kind == "hotspot" and labels.isna().all() and "gi_bin" in result.columns:
        labels = result["gi_bin"].map(cat.HOTSPOT_BINS)
    scheme = _cluster_scheme(layer.kind, labels)
    order = list(scheme.order)
    classes = _cluster_classes(labels, order, name)
    extras = _cluster_extras(regions, layer, result, lang)
    cells = []
    arrays = [(series.array, unit) for _, series, unit in extras]  # (iloc per cell is slow)
    for i, base in enumerate(base_cells):
        c = classes[i]
        label = translate("No data", lang) if c < 0 else translate(order[c], lang)
        values = [format_cell(array[i], unit=unit, lang=lang) for array, unit in arrays]
        cells.append((*base, label, *values))
    fields = (*base_fields, translate(scheme.field, lang),
              *(heading for heading, _, _ in extras))
    legend = _cluster_legend(layer, scheme, classes, lang, result)
    return StyledLayer(legend.title, classes, tuple(scheme.palette[lab] for lab in order),
                       legend, fields, tuple(cells))


def target_classes(values: Any, target: float, direction: str = "above") -> np.ndarray:
    """Return 0 (met), 1 (within 10%), 2 (not met) or -1 (no data) per value.

    Parameters
    ----------
    values : array-like of float
        Values to compare.
    target : float
        The target.
    direction : {"above", "below"}
        Met when ``value >= target`` ("above") or ``value <= target`` ("below").

    Returns
    -------
    numpy.ndarray of int
        Class per value; "within 10%" means missing by at most 10% of ``|target|``.

    Examples
    --------
    >>> target_classes([100, 95, 80, float("nan")], 100).tolist()
    [0, 1, 2, -1]
    >>> target_classes([100, 105, 120], 100, "below").tolist()
    [0, 1, 2]
    """
    v = np.asarray(values, dtype=float)
    shortfall = (target - v) if direction == "above" else (v - target)
    margin = TARGET_MARGIN * abs(float(target))
    with np.errstate(invalid="ignore"):
        out = np.where(shortfall <= 0, 0, np.where(shortfall <= margin, 1, 2))
    return np.where(np.isnan(v), -1, out).astype(int)


def _style_target(regions: pd.DataFrame, layer: Layer, lang: str,
                  base_fields: list[str], base_cells: list[list[str]]) -> StyledLayer:
    values = _values(regions, layer.column)
    target = float(layer.target)
    if not np.isfinite(target):
        raise InputError(f"target must be a finite number, got {layer.target!r}")
    classes = target_classes(values.to_numpy(), target, layer.direction)
    counts = np.bincount(classes[classes >= 0], minlength=3)
    order = cat.TARGET_LABELS
    sign = "≥" if layer.direction == "above" else "≤"
    unit = f" {layer.unit}" if layer.unit else ""
    target_text = f"{translate('Target', lang)} {sign} {format_number(target)}{unit}"
    title = layer.label or layer.column
    legend = Legend(
        title=title, subtitle=target_text,
        entries=tuple(LegendEntry(translate(lab, lang), TARGET_COLORS[lab], int(n))
                      for lab, n in zip(order, counts, strict=True)),
        n_missing=int((classes < 0).sum()),
    )
    cells = []
    for base, value, c in zip(base_cells, values, classes, strict=True):
        status = translate("No data", lang) if c < 0 else translate(order[c], lang)
        cells.append((*base, format_cell(value, unit=layer.unit, lang=lang), status))
    fields = (*base_fields, title, target_text)
    colors = tuple(TARGET_COLORS[lab] for lab in order)
    return StyledLayer(title, classes, colors, legend, fields, tuple(cells))


def style_layer(regions: pd.DataFrame, layer: Layer, *, lang: str = "en",
                name: str | None = None,
                tooltip: str | Sequence[str] | None = None) -> StyledLayer:
    """Compute classes, colours, legend and tooltip rows of one layer.

    Parameters
    ----------
    regions : DataFrame or GeoDataFrame
        The regions, with the layer's column.
    layer : Layer
        What to show.
    lang : {"en", "zh"}
        Language of legend and tooltip words.
    name : str, optional
        Column with region names, shown first in tooltips; default
        ``name_en``/``name``/``name_zh`` by language, if present.
    tooltip : str or sequence of str, optional
        More columns shown in tooltips after the name.

    Returns
    -------
    StyledLayer
        Everything needed to draw the layer.

    Examples
    --------
    >>> regions = pd.DataFrame({"v": [float("nan"), 1.0]})
    >>> style_layer(regions, Layer("v", kind="target", target=1.0)).classes.tolist()
    [-1, 0]
    """
    check_lang(lang)
    columns, base_fields = tooltip_columns(regions, name, tooltip, lang)
    base_cells = _region_cells(regions, columns, lang)
    if layer.kind == "choropleth":
        styled = _style_choropleth(regions, layer, lang, base_fields, base_cells)
    elif layer.kind == "target":
        styled = _style_target(regions, layer, lang, base_fields, base_cells)
    else:
        styled = _style_clusters(regions, layer, lang, base_fields, base_cells)
    return _layer_tooltip(styled, regions, layer.tooltip, lang)


def _layer_tooltip(styled: StyledLayer, regions: pd.DataFrame,
                   extra: Mapping[str, str] | Sequence[str] | None, lang: str) -> StyledLayer:
    """Append a layer's own tooltip columns (unescaped here, like every cell)."""
    if not extra:
        return styled
    headings = dict(extra) if isinstance(extra, Mapping) else {c: c for c in extra}
    columns, _ = tooltip_columns(regions, None, list(headings), lang)
    columns = [c for c in columns if c in headings]
    cells = _region_cells(regions, columns, lang)
    return replace(styled, fields=(*styled.fields, *(headings[c] for c in columns)),
                   cells=tuple((*row, *more) for row, more in zip(styled.cells, cells,
                                                                  strict=True)))
