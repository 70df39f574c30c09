"""Per-region partial sums that merge exactly across tiles, and the statistics they give.

Each tile yields, for every region it touches, with coverage fraction ``c`` and weight
``e = c`` (or ``e = c * w`` with a weights raster) over the valid cells:

- ``count = sum(c)``, ``weight = sum(e)``, ``total = sum(e * v)``;
- ``m2 = sum(e * (v - mean_tile) ** 2)``, merged between tiles by Chan, Golub and
  LeVeque's pairwise update (``m2 = m2_a + m2_b + (mean_a - mean_b)**2 * w_a * w_b / w``),
  which is stable where the textbook ``sum(e v^2) - sum(e v)^2 / sum(e)`` is not;
- ``min`` and ``max`` over cells with ``c > 0``;
- a histogram ``value -> sum(e)`` for the majority (kept only when asked for).

Tiles are merged in a fixed order, so the same tiles give bit-identical results whether
they ran in one process or as Dask tasks.

Examples
--------
>>> import numpy as np
>>> a = Partials.empty(1, histogram=False)
>>> a.add(0, np.array([1.0, 2.0]), np.array([1.0, 0.5]), np.array([1.0, 0.5]))
>>> b = Partials.empty(1, histogram=False)
>>> b.add(0, np.array([4.0]), np.array([1.0]), np.array([1.0]))
>>> merged = a.merge(b)
>>> float(merged.total[0]), float(merged.weight[0])
(6.0, 2.5)
>>> round(float(finish(merged, ("std",))["std"][0]), 6)  # std of 1, 2, 4 weighted 1, .5, 1
1.356466

References
----------
Chan, T. F., Golub, G. H. and LeVeque, R. J. (1979). Updating formulae and a pairwise
algorithm for computing sample variances. Stanford CS report STAN-CS-79-773.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

__all__ = ["Partials", "STATISTICS", "finish"]

#: Statistic -> definition, as documented by :func:`geodisparity.zonal_stats`.
STATISTICS: dict[str, str] = {
    "mean": "sum(e * v) / sum(e), e = coverage fraction (times the weight with weights=)",
    "sum": "sum(e * v)",
    "count": "sum of the coverage fractions of the valid cells",
    "weight": "sum(e): covered cells, or covered weight (e.g. residents) with weights=",
    "min": "smallest valid value among cells with coverage > 0",
    "max": "largest valid value among cells with coverage > 0",
    "range": "max - min",
    "std": "sqrt(sum(e * (v - mean)**2) / sum(e)), the e-weighted population std",
    "variance": "sum(e * (v - mean)**2) / sum(e)",
    "majority": "the value with the largest sum(e) among cells with coverage > 0 "
                "(the largest such value on a tie, as exactextract)",
}


@dataclass
class Partials:
    """Running sums for ``n`` regions (NaN min/max and zero sums where nothing was seen)."""

    count: np.ndarray
    weight: np.ndarray
    total: np.ndarray
    m2: np.ndarray
    low: np.ndarray
    high: np.ndarray
    histograms: list[tuple[np.ndarray, np.ndarray] | None] | None = field(default=None)

    @classmethod
    def empty(cls, n: int, *, histogram: bool) -> Partials:
        """Make partials of ``n`` regions that have seen no cell yet."""
        return cls(
            count=np.zeros(n), weight=np.zeros(n), total=np.zeros(n), m2=np.zeros(n),
            low=np.full(n, np.inf), high=np.full(n, -np.inf),
            histograms=[None] * n if histogram else None,
        )

    def add(self, i: int, values: np.ndarray, cover: np.ndarray, e: np.ndarray) -> None:
        """Set region ``i``'s sums from its cells in one tile (valid cells with ``cover > 0``).

        Each region enters a tile's partials once; tiles are combined with :meth:`merge`.
        """
        if values.size == 0:
            return
        w = float(e.sum())
        total = float(np.multiply(e, values).sum())  # pairwise sum; no BLAS threads
        dev = values - (total / w if w > 0 else 0.0)
        self.count[i] = cover.sum()
        self.weight[i] = w
        self.total[i] = total
        dev *= dev
        dev *= e
        self.m2[i] = dev.sum()
        self.low[i] = values.min()
        self.high[i] = values.max()
        if self.histograms is not None:
            keys, inverse = np.unique(values, return_inverse=True)
            self.histograms[i] = keys, np.bincount(inverse, e, minlength=len(keys))

    def merge_at(self, regions: np.ndarray, other: Partials) -> None:
        """Merge ``other`` (partials of the regions at positions ``regions``) into these."""
        count, weight, total, m2 = _merge_sums(
            (self.count[regions], self.weight[regions], self.total[regions], self.m2[regions]),
            (other.count, other.weight, other.total, other.m2),
        )
        self.count[regions], self.weight[regions] = count, weight
        self.total[regions], self.m2[regions] = total, m2
        self.low[regions] = np.minimum(self.low[regions], other.low)
        self.high[regions] = np.maximum(self.high[regions], other.high)
        if self.histograms is not None and other.histograms is not None:
            for k, i in enumerate(regions):
                self.histograms[i] = _merge_histograms(self.histograms[i], other.histograms[k])

    def merge(self, other: Partials) -> Partials:
        """Return these partials followed by ``other``'s (a new object)."""
        count, weight, total, m2 = _merge_sums(
            (self.count, self.weight, self.total, self.m2),
            (other.count, other.weight, other.total, other.m2),
        )
        histograms = None
        if self.histograms is not None and other.histograms is not None:
            histograms = [_merge_histograms(a, b)
                          for a, b in zip(self.histograms, other.histograms, strict=True)]
        return Partials(count, weight, total, m2, np.minimum(self.low, other.low),
                        np.maximum(self.high, other.high), histograms)


def _merge_sums(a: tuple, b: tuple) -> tuple[np.ndarray, ...]:
    count_a, w_a, t_a, m2_a = a
    count_b, w_b, t_b, m2_b = b
    w = w_a + w_b
    with np.errstate(divide="ignore", invalid="ignore"):
        delta = np.where(w_a > 0, t_a / w_a, 0.0) - np.where(w_b > 0, t_b / w_b, 0.0)
        extra = np.where(w > 0, delta * delta * w_a * w_b / w, 0.0)
    both = (w_a > 0) & (w_b > 0)
    return count_a + count_b, w, t_a + t_b, m2_a + m2_b + np.where(both, extra, 0.0)


def _merge_histograms(a, b):
    if a is None:
        return b
    if b is None:
        return a
    keys, inverse = np.unique(np.concatenate([a[0], b[0]]), return_inverse=True)
    return keys, np.bincount(inverse, np.concatenate([a[1], b[1]]), minlength=len(keys))


def _majority(histogram) -> float:
    if histogram is None or len(histogram[0]) == 0 or not (histogram[1] > 0).any():
        return np.nan
    last = len(histogram[1]) - 1 - int(np.argmax(histogram[1][::-1]))  # the largest on a tie
    return float(histogram[0][last])


def finish(parts: Partials, stats: tuple[str, ...]) -> dict[str, np.ndarray]:
    """Compute the requested statistics (NaN where a region has no valid covered cell)."""
    seen = parts.count > 0
    with np.errstate(divide="ignore", invalid="ignore"):
        mean = np.where(parts.weight > 0, parts.total / parts.weight, np.nan)
        variance = np.where(parts.weight > 0, parts.m2 / parts.weight, np.nan)
    low = np.where(seen, parts.low, np.nan)
    high = np.where(seen, parts.high, np.nan)
    columns = {
        "mean": lambda: mean,
        "sum": lambda: np.where(seen, parts.total, np.nan),
        "count": lambda: parts.count.copy(),
        "weight": lambda: parts.weight.copy(),
        "min": lambda: low,
        "max": lambda: high,
        "range": lambda: high - low,
        "std": lambda: np.sqrt(np.maximum(variance, 0.0)),
        "variance": lambda: np.maximum(variance, 0.0),
        "majority": lambda: np.array([_majority(h) for h in parts.histograms]),
    }
    return {name: columns[name]() for name in stats}
