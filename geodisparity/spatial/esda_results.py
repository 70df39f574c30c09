"""Read esda's local statistics into geodisparity's per-region result frame.

esda returns objects (``Moran_Local``, ``Moran_Local_BV``, ``G_Local``) whose
arrays follow the order of the weights they were computed with.
:func:`from_esda` turns one into the frame that :func:`~geodisparity.local_moran`
or :func:`~geodisparity.local_gi_star` return (indexed by the weights' ids),
so that :func:`~geodisparity.lisa_map` and :func:`~geodisparity.hotspot_map`
draw either.

The labels follow geodisparity's rules, applied to esda's numbers:

* LISA: a region is significant when esda's folded pseudo p-value ``p_sim``
  is at most ``alpha``; its label is the quadrant of esda's ``q`` (1
  High-High, 2 Low-High, 3 Low-Low, 4 High-Low).
* Gi*: the hot/cold-spot bin of :func:`~geodisparity.local_gi_star` (ArcGIS's
  rule: 90 / 95 / 99 % from a two-sided p, signed by z), from esda's
  ``p_sim`` made two-sided (doubled) and ``z_sim``; without permutations,
  from the two-sided normal p-value and ``Zs``. esda's own ``Zs`` assumes
  binary weights (issue 10): with other weights its analytical p differs
  from :func:`~geodisparity.local_gi_star`'s.
* A region without neighbours is "Isolated", with NaN statistic and
  p-values: esda gives it a quadrant and a p-value as if it had neighbours
  (a LISA island usually comes out "significant").

Examples
--------
>>> import warnings, numpy as np, esda, libpysal
>>> w = libpysal.weights.lat2W(3, 3)
>>> lisa = esda.Moran_Local(np.arange(9.0), w, permutations=99, seed=0)
>>> frame = from_esda(lisa, alpha=0.05)
>>> frame.columns.tolist()
['statistic', 'z', 'p_sim', 'q', 'significant', 'quadrant', 'cluster']
>>> bool((frame["quadrant"] == lisa.q).all())
True
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from geodisparity.categories import HOTSPOT_BINS, HOTSPOT_LABELS, ISOLATED, LISA_LABELS
from geodisparity.errors import InputError
from geodisparity.spatial._getis_ord import hotspot_bins, two_sided_pseudo_p
from geodisparity.spatial.interop import from_libpysal
from geodisparity.spatial.local_stats import _lisa_codes

__all__ = ["from_esda", "is_esda_local"]

_LISA_TYPES = ("Moran_Local", "Moran_Local_BV")
_GI_TYPES = ("G_Local",)


def is_esda_local(result: Any) -> bool:
    """Tell whether ``result`` is one of esda's local statistics that :func:`from_esda` reads.

    Parameters
    ----------
    result : object
        Anything.

    Returns
    -------
    bool

    Examples
    --------
    >>> import pandas as pd
    >>> is_esda_local(pd.DataFrame())
    False
    """
    kind = type(result)
    return kind.__module__.startswith("esda") and kind.__name__ in (*_LISA_TYPES, *_GI_TYPES)


def from_esda(result: Any, *, alpha: float = 0.05) -> pd.DataFrame:
    """Convert an esda local statistic into geodisparity's per-region frame.

    Parameters
    ----------
    result : esda.Moran_Local, esda.Moran_Local_BV or esda.G_Local
        A fitted esda result, computed with a libpysal ``W`` or ``Graph``.
    alpha : float, default 0.05
        Significance level of ``significant`` and, for LISA, of ``cluster``
        (Gi* bins are always 90 / 95 / 99 %).

    Returns
    -------
    pandas.DataFrame
        Indexed by the weights' ids. LISA: ``statistic`` (esda's ``Is``),
        ``z`` (``z_sim``), ``p_sim``, ``q`` (NaN: no adjustment; not esda's
        ``q``, which becomes ``quadrant``), ``significant``, ``quadrant``,
        ``cluster``. Gi*: ``statistic`` (``Gs``), ``z`` (``z_sim``),
        ``z_norm`` (``Zs``), ``p_norm`` (two-sided, twice esda's one-sided
        value), ``p_sim``, ``p`` (the two-sided p the bins use), ``q``,
        ``significant``, ``gi_bin``, ``cluster``.
        Without permutations, ``z`` and ``p_sim`` are NaN and LISA marks
        nothing significant, as :func:`~geodisparity.local_moran` does.

    Raises
    ------
    InputError
        ``result`` is not one of the esda types above, or ``alpha`` is not in (0, 1).

    Examples
    --------
    >>> import warnings, numpy as np, esda, libpysal
    >>> graph = libpysal.graph.Graph.from_arrays(  # "island" has no neighbour
    ...     ["a", "b", "b", "c", "island"], ["b", "a", "c", "b", "island"], [1, 1, 1, 1, 0])
    >>> with warnings.catch_warnings():
    ...     warnings.simplefilter("ignore")  # esda warns about the island
    ...     gi = esda.G_Local(np.array([1.0, 5.0, 2.0, 7.0]), graph, star=True, seed=0)
    >>> [str(v) for v in from_esda(gi).loc["island", ["statistic", "cluster"]]]
    ['nan', 'Isolated']
    """
    if not 0 < alpha < 1:
        raise InputError(f"alpha must lie strictly between 0 and 1; got {alpha!r}")
    if not is_esda_local(result):
        accepted = ", ".join(f"esda.{name}" for name in (*_LISA_TYPES, *_GI_TYPES))
        raise InputError(
            f"result must be one of {accepted}; got {type(result).__module__}."
            f"{type(result).__qualname__}"
        )
    weights = from_libpysal(result.w, drop_diagonal=True)  # G_Local* may hold self-weights
    island = weights.cardinalities == 0
    if type(result).__name__ in _GI_TYPES:
        columns, labels = _gi_columns(result, island, alpha), HOTSPOT_LABELS
    else:
        columns, labels = _lisa_columns(result, island, alpha), LISA_LABELS
    codes = columns.pop("cluster")
    frame = pd.DataFrame(columns, index=weights.ids)
    frame["cluster"] = pd.Categorical.from_codes(codes, categories=list(labels))
    return frame


def _simulated(result: Any, name: str, n: int) -> np.ndarray:
    """Return esda's ``p_sim`` or ``z_sim`` as floats; NaN without permutations."""
    values = getattr(result, name, None) if getattr(result, "permutations", 0) else None
    return np.full(n, np.nan) if values is None else np.asarray(values, dtype=float).ravel()


def _lisa_columns(result: Any, island: np.ndarray, alpha: float) -> dict[str, np.ndarray]:
    n = island.size
    p_sim = np.where(island, np.nan, _simulated(result, "p_sim", n))
    significant = (np.nan_to_num(p_sim, nan=np.inf) <= alpha) & ~island
    quadrant = np.where(island, 0, np.asarray(result.q, dtype=np.int64))
    return {
        "statistic": np.where(island, np.nan, np.asarray(result.Is, dtype=float)),
        "z": np.where(island, np.nan, _simulated(result, "z_sim", n)),
        "p_sim": p_sim,
        "q": np.full(n, np.nan),
        "significant": significant,
        "quadrant": quadrant,
        "cluster": _lisa_codes(quadrant, significant),
    }


def _gi_columns(result: Any, island: np.ndarray, alpha: float) -> dict[str, np.ndarray]:
    n = island.size
    z_norm = np.where(island, np.nan, np.asarray(result.Zs, dtype=float))
    p_norm = np.where(island, np.nan, 2.0 * np.asarray(result.p_norm, dtype=float))
    p_sim = np.where(island, np.nan, _simulated(result, "p_sim", n))
    z = np.where(island, np.nan, _simulated(result, "z_sim", n))
    permuted = bool(np.isfinite(p_sim).any())
    tested = two_sided_pseudo_p(p_sim) if permuted else p_norm
    significant = (np.nan_to_num(tested, nan=np.inf) <= alpha) & ~island
    bins = np.where(island, 0, hotspot_bins(tested, z if permuted else z_norm))
    by_bin = np.array([HOTSPOT_LABELS.index(HOTSPOT_BINS[b]) for b in range(-3, 4)])
    codes = np.where(island, HOTSPOT_LABELS.index(ISOLATED), by_bin[bins + 3]).astype(np.int8)
    return {
        "statistic": np.where(island, np.nan, np.asarray(result.Gs, dtype=float)),
        "z": z,
        "z_norm": z_norm,
        "p_norm": p_norm,
        "p_sim": p_sim,
        "p": tested,
        "q": np.full(n, np.nan),
        "significant": significant,
        "gi_bin": bins,
        "cluster": codes,
    }
