"""Benchmark: emerging hot spot analysis and LISA dynamics on a panel of regions x years.

The issue's target: 3,000 regions (a 50 x 60 queen grid) x 20 periods with 999
permutations per Gi*, "in a few seconds". Timed on one core: the whole
:func:`geodisparity.emerging_hotspots` call (20 Gi* with permutations, the
Mann-Kendall trends, the 17 patterns) with ``time_lag`` 0 and 1 (a space-time
neighbourhood: each Gi* then works on 6,000 region-years), once with unequal
(kernel-like) weights, which leave the permutation engine's equal-weights fast
path, and
:func:`geodisparity.lisa_dynamics` on the same panel.

No Python peer exists (ArcGIS Pro's *Emerging Hot Spot Analysis* is closed and
R's ``sfdep::emerging_hotspot_analysis`` is R; PySAL has no emerging hot spot
analysis), so the table reports our figures alone; giddy's ``LISA_Markov``
(quadrant transitions without permutations) is timed beside our LISA dynamics
when giddy is installed.

Values: a smooth field that drifts over the years plus noise, so that every
pattern occurs. Best of ``--repeats`` runs.

Usage::

    python scripts/bench/bench_emerging.py [--rows 50] [--cols 60] [--periods 20]
        [--permutations 999] [--repeats 3] [--json out.json]
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
import warnings

import numpy as np
import pandas as pd

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from bench_lisa import queen_lattice  # noqa: E402


def panel(rows: int, cols: int, periods: int, seed: int = 0) -> pd.DataFrame:
    """Regions (rows) x periods (columns): a drifting smooth field plus noise."""
    rng = np.random.default_rng(seed)
    r, c = np.divmod(np.arange(rows * cols), cols)
    field = np.sin(r / 7.0) + np.cos(c / 9.0)
    drift = np.outer(np.sin(r / 11.0 + c / 13.0), np.linspace(0, 2, periods))
    return pd.DataFrame(10 + field[:, None] + drift + rng.normal(0, 0.7, (rows * cols, periods)))


def best_of(call, repeats: int) -> tuple[float, object]:
    times, result = [], None
    for _ in range(repeats):
        start = time.perf_counter()
        result = call()
        times.append(time.perf_counter() - start)
    return min(times), result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=50)
    parser.add_argument("--cols", type=int, default=60)
    parser.add_argument("--periods", type=int, default=20)
    parser.add_argument("--permutations", type=int, default=999)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--json")
    args = parser.parse_args()

    import geodisparity as gd
    from geodisparity.spatial.weights import SpatialWeights

    n = args.rows * args.cols
    weights = SpatialWeights.from_sparse(queen_lattice(args.rows, args.cols))
    wide = panel(args.rows, args.cols, args.periods)
    rows = []
    for lag in (0, 1):
        seconds, result = best_of(lambda lag=lag: gd.emerging_hotspots(
            wide, None, weights, time=None, time_lag=lag, permutations=args.permutations,
            seed=1), args.repeats)
        found = int((result.counts() > 0).sum())
        rows.append((f"emerging_hotspots, time_lag={lag}", seconds, f"{found} of 17 patterns"))
    # unequal weights (as kernel or inverse-distance weights) leave the equal-weights fast path
    unequal = queen_lattice(args.rows, args.cols).astype(float)
    unequal.data = np.random.default_rng(0).uniform(0.5, 2.0, unequal.data.size)
    kernel_like = SpatialWeights.from_sparse((unequal + unequal.T) / 2, transform="O")
    seconds, result = best_of(lambda: gd.emerging_hotspots(
        wide, None, kernel_like, time=None, permutations=args.permutations, seed=1), args.repeats)
    rows.append(("emerging_hotspots, unequal weights", seconds,
                 f"{int((result.counts() > 0).sum())} of 17 patterns"))
    seconds, result = best_of(lambda: gd.lisa_dynamics(
        wide, None, weights, time=None, permutations=args.permutations, seed=1), args.repeats)
    rows.append(("lisa_dynamics", seconds, f"cohesion {result.cohesion:.3f}"))
    try:
        import libpysal
        from giddy.markov import LISA_Markov

        w = libpysal.weights.lat2W(args.rows, args.cols, rook=False)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            seconds, _ = best_of(lambda: LISA_Markov(wide.to_numpy(), w), args.repeats)
        ours0, _ = best_of(lambda: gd.lisa_dynamics(wide, None, weights, time=None,
                                                    permutations=0), args.repeats)
        rows.append(("lisa_dynamics, permutations=0", ours0, "quadrants only"))
        rows.append(("giddy LISA_Markov (peer), permutations=0", seconds,
                     f"ratio giddy / ours {seconds / ours0:.1f}"))
    except ImportError:
        rows.append(("giddy LISA_Markov (peer)", float("nan"), "giddy not installed"))

    print(f"# Emerging hot spots and LISA dynamics: {n:,} regions x {args.periods} periods, "
          f"{args.permutations} permutations (best of {args.repeats})\n")
    print("| call | seconds | note |\n|---|---:|---|")
    for name, seconds, note in rows:
        print(f"| {name} | {seconds:.2f} | {note} |")
    print("\nNo Python peer exists for emerging hot spot analysis (ArcGIS Pro is closed, "
          "sfdep is R).")
    if args.json:
        with open(args.json, "w", encoding="utf-8") as handle:
            json.dump([{"call": a, "seconds": b, "note": c} for a, b, c in rows], handle,
                      indent=2)


if __name__ == "__main__":
    main()
