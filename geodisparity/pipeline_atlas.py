"""The atlas of ``geodisparity run``: its layers, named by label, unit and year.

Each ``[[layers]]`` entry of the study (or, without any, the income and the
LISA clusters of each clustered column) becomes one atlas layer. A layer's
name, which is also its legend title, is the study's ``label`` or else the
indicator's label with the kind of map ("...: LISA clusters"), followed by
the analysis year; tooltips head values with the indicator's label and unit.
Cluster layers carry the run's ``alpha`` and adjustment, so the legend says
"FDR-adjusted, q ≤ 0.05" and tooltips show p and q.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pandas as pd

from geodisparity.config_targets import in_language
from geodisparity.i18n import translate
from geodisparity.pipeline_labels import Labels, display_name

if TYPE_CHECKING:  # pragma: no cover
    from geodisparity.config import MapLayer, RunConfig
    from geodisparity.pipeline import _Analysis

__all__ = ["atlas_layers", "atlas_options", "default_layers", "layer_name", "unprefix"]

_KIND_KEYS = {"lisa": "layer.lisa", "hotspot": "layer.hotspot", "target": "layer.target"}


def unprefix(table: pd.DataFrame, prefix: str) -> pd.DataFrame:
    """Return the columns of ``table`` that start with ``prefix``, without it."""
    columns = [c for c in table.columns if c.startswith(prefix)]
    return table[columns].rename(columns=lambda c: c[len(prefix):])


def default_layers(config: RunConfig) -> list[MapLayer]:
    """Layers of an atlas whose study lists none: the income and each column's LISA clusters."""
    from geodisparity.config import MapLayer

    layers = [MapLayer(column=config.analysis.income)]
    layers += [MapLayer(column=column, kind="lisa") for column in config.clusters.columns]
    return layers


def layer_name(layer: MapLayer, labels: Labels, year: Any) -> str:
    """Name a layer: the study's label, else the indicator's label and kind; then the year.

    Examples
    --------
    >>> from geodisparity.config import MapLayer
    >>> layer_name(MapLayer("gdp", kind="lisa"), Labels("en"), 2023)
    'gdp: LISA clusters, 2023'
    >>> layer_name(MapLayer("gdp", label="GDP 2023"), Labels("zh"), 2023)
    'GDP 2023'
    """
    if layer.label:
        text = in_language(layer.label, labels.lang) or ""
    elif layer.kind in _KIND_KEYS:
        text = labels.say(_KIND_KEYS[layer.kind], label=labels.label(layer.column))
    else:
        text = labels.label(layer.column)
    return text if str(year) in text else labels.with_year(text, year)


def atlas_layers(config: RunConfig, result: _Analysis) -> list[dict[str, Any]]:
    """Return the atlas layer specifications of a run (see :func:`geodisparity.atlas`)."""
    from geodisparity.pipeline_access import access_layers
    from geodisparity.pipeline_spacetime import space_time_layers
    from geodisparity.pipeline_targets import target_layers

    labels = Labels.of(config, result.current.columns)
    c = config.clusters
    layers = []
    for layer in config.layers or default_layers(config):
        spec: dict[str, Any] = {"column": layer.column, "kind": layer.kind,
                                "label": layer_name(layer, labels, result.year),
                                "unit": in_language(layer.unit, labels.lang)
                                or labels.unit(layer.column)}
        if layer.kind == "choropleth":
            spec.update(scheme=layer.scheme, k=layer.k, breaks=layer.breaks)
        elif layer.kind in ("lisa", "hotspot"):
            part = "lisa" if layer.kind == "lisa" else "gi"
            spec.update(result=unprefix(result.cluster_table, f"{layer.column}_{part}_"),
                        alpha=c.alpha, adjust=c.adjust, value_label=labels.label(layer.column))
        else:
            spec.update(target=layer.target, direction=layer.direction)
        layers.append(spec)
    layers += space_time_layers(result.space_time, result.cluster_table, config.lang,
                                labels=labels)
    layers += target_layers(result.targets, config)
    layers += access_layers(config, result.year)
    return layers


def atlas_options(config: RunConfig, result: _Analysis) -> dict[str, Any]:
    """Return the outlines and the name column of the run's atlas."""
    current = result.current
    outline = None
    if "prefecture_code" in current:
        outline = {translate("Prefectures", config.lang): "prefecture_code"}
    return {"outline": outline, "name": display_name(config, current.columns)}
