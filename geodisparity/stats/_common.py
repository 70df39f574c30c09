"""Small numeric helpers shared by the inequality indices.

Kept apart so that :mod:`geodisparity.stats.inequality` (dispersion indices) and
:mod:`geodisparity.stats.distribution` (ratios, quantiles, Lorenz curve) read
the same way and share one fast path.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from geodisparity._inputs import NanPolicy, Sample, prepare_sample, warn_dropped
from geodisparity.errors import InputError

__all__ = ["_load", "_shares", "_dot", "_avg", "_positive_mean", "_sorted"]


def _load(
    values: Any, weights: Any, data: pd.DataFrame | None, nan: NanPolicy, measure: str
) -> Sample:
    sample = prepare_sample(values, weights, data=data, nan=nan)
    warn_dropped(sample, measure=measure, stacklevel=4)
    return sample

def _shares(sample: Sample) -> np.ndarray | None:
    """Return population shares ``p_i``, or None for equal shares (no weights)."""
    if sample.weights is None:
        return None
    return sample.weights / sample.weights.sum()

def _dot(a: np.ndarray, b: np.ndarray) -> float:
    """Return ``sum(a * b)`` of two vectors.

    Long vectors use ``np.einsum`` rather than ``np.dot``: BLAS splits them
    across threads, whose start-up costs more than the arithmetic (10x on a
    busy machine). Short ones keep the cheaper call.
    """
    if a.size <= 4096:
        return float(np.dot(a, b))
    return float(np.einsum("i,i->", a, b))

def _avg(x: np.ndarray, p: np.ndarray | None) -> float:
    """Return the population-weighted mean of ``x`` (plain mean when ``p`` is None)."""
    return float(np.add.reduce(x) / x.size) if p is None else _dot(p, x)

def _positive_mean(y: np.ndarray, p: np.ndarray | None, measure: str) -> float:
    mu = _avg(y, p)
    if not mu > 0:
        raise InputError(f"{measure} needs a positive (weighted) mean of values; got {mu!r}")
    return mu

def _sorted(sample: Sample) -> tuple[np.ndarray, np.ndarray]:
    """Sort values ascending (ties in any order: no index depends on it), weights alike."""
    if sample.weights is None:
        return np.sort(sample.values), np.ones(sample.size)
    order = np.argsort(sample.values)
    return sample.values[order], sample.weights[order]
