"""Benchmark spatial Gini and the rate statistics against PySAL, side by side in one run.

On queen grids of ``side x side`` cells (default 30 and 70: 900 and 4,900
regions), with a smooth field of incomes and Poisson event counts over random
populations, each of these runs for geodisparity and for its PySAL peer:

* ``spatial_gini`` (statistic only, and with permutations) vs
  ``inequality.gini.Gini_Spatial``;
* ``eb_rates`` global vs ``esda.smoothing.Empirical_Bayes`` (also on
  ``--eb-sizes`` regions without a grid, default 100,000 and 1,000,000), spatial
  vs ``Spatial_Empirical_Bayes``;
* ``moran_rate`` vs ``esda.Moran_Rate(adjusted=True)`` and ``local_moran_rate``
  vs ``esda.Moran_Local_Rate`` (timed after a numba warm-up on a small grid).

Weights are built once per grid for both sides (not timed). Both sides run on
one core: BLAS threads are limited to 1 before NumPy loads (on a shared,
loaded machine, BLAS threads cost more than they save, on either side), so times
are CPU time of the process: what other processes take from the shared machine
is left out. Timings follow ``bench_inequality.py``: ours and the peer's runs
alternate, fast calls loop for at least ``--min-time`` seconds, the best of
``--repeat`` rounds is kept; the ratio is peer time / our time (above 1: we are
faster). Peers run bare, except ``Moran_Local_Rate``, whose deprecation warning
is silenced (catching warnings costs microseconds: a sixth of esda's global EB).
Agreement compares the statistic (smoothed rates, Gini components, Moran's I,
local I's) to 1e-9; p-values are Monte Carlo draws of each implementation and
are not compared.
Prints a markdown table; ``--json PATH`` also writes the rows.

Usage::

    python scripts/bench/bench_gini_rates.py [--sides 30 70] [--permutations 99]
        [--eb-sizes 100000 1000000] [--repeat 5] [--min-time 0.05] [--json out.json]
"""

from __future__ import annotations

import argparse
import os
import time
import warnings
from collections.abc import Callable
from pathlib import Path

for _threads in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_threads, "1")

import numpy as np  # noqa: E402
from _json_rows import write_json  # noqa: E402
from bench_inequality import best_times  # noqa: E402
from bench_lisa import grid_values, queen_lattice  # noqa: E402

import geodisparity as gd  # noqa: E402


def grid_data(side: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Incomes (positive field), populations and event counts with a spatial risk pattern."""
    rng = np.random.default_rng(seed)
    field = grid_values(side, seed)
    income = np.exp(0.3 * field) * 1_000.0
    population = rng.integers(200, 50_000, side * side).astype(float)
    risk = 1e-3 * np.exp(0.2 * field)
    events = rng.poisson(risk * population).astype(float)
    return income, events, population


def cases(side: int, permutations: int) -> list[tuple[str, Callable, Callable, Callable]]:
    """(name, ours, peer, agree(ours_result, peer_result)) for one grid."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import esda
        import esda.smoothing as smoothing
        import libpysal
        from inequality.gini import Gini_Spatial

    matrix = queen_lattice(side, side)
    w = libpysal.weights.WSP(matrix).to_W(silence_warnings=True)
    ours_w = gd.SpatialWeights.from_sparse(matrix)
    income, events, population = grid_data(side)
    p = permutations

    def close(a, b) -> bool:
        return bool(np.allclose(np.asarray(a, float), np.ravel(b), rtol=1e-9, atol=0))

    def quiet(func: Callable) -> Callable:  # for Moran_Local_Rate: the only peer that warns
        def run():
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                return func()

        return run

    def gini_agree(ours, peer) -> bool:
        return close([ours.gini, ours.non_neighbour], [peer.g, peer.wcg_share])

    return [
        ("spatial_gini (statistic)", lambda: gd.spatial_gini(income, ours_w, permutations=0),
         lambda: Gini_Spatial(income, w, permutations=0), gini_agree),
        (f"spatial_gini ({p} permutations)",
         lambda: gd.spatial_gini(income, ours_w, permutations=p, seed=0),
         lambda: Gini_Spatial(income, w, permutations=p), gini_agree),
        ("eb_rates (global)", lambda: gd.eb_rates(events, population),
         lambda: smoothing.Empirical_Bayes(events, population),
         lambda o, r: close(o.to_numpy(), r.r)),
        ("eb_rates (spatial)", lambda: gd.eb_rates(events, population, weights=ours_w),
         lambda: smoothing.Spatial_Empirical_Bayes(events, population, w),
         lambda o, r: close(o.to_numpy(), r.r)),
        (f"moran_rate ({p} permutations)",
         lambda: gd.moran_rate(events, population, ours_w, permutations=p, seed=0),
         lambda: esda.Moran_Rate(events, population, w, permutations=p),
         lambda o, r: close([o.statistic], [r.I])),
        (f"local_moran_rate ({p} permutations)",
         lambda: gd.local_moran_rate(events, population, ours_w, permutations=p, seed=0),
         quiet(lambda: esda.Moran_Local_Rate(
             events, population, w, permutations=p, seed=0, keep_simulations=False)),
         lambda o, r: close(o["statistic"].to_numpy(), r.Is)),
    ]  # fmt: skip


def global_eb_case(n: int) -> tuple[str, Callable, Callable, Callable]:
    """Global EB on ``n`` regions of random populations and Poisson counts (no weights).

    The risks vary (log-normal), so the moment estimate ``a`` is positive and
    esda's untruncated estimate equals ours.
    """
    import esda.smoothing as smoothing

    rng = np.random.default_rng(n)
    population = rng.integers(200, 50_000, n).astype(float)
    risk = 1e-3 * rng.lognormal(0.0, 0.3, n)
    events = rng.poisson(risk * population).astype(float)
    return (
        "eb_rates (global)",
        lambda: gd.eb_rates(events, population),
        lambda: smoothing.Empirical_Bayes(events, population),
        lambda o, r: bool(np.allclose(o.to_numpy(), np.ravel(r.r), rtol=1e-9, atol=0)),
    )


def warm_up_numba() -> None:
    """Compile esda's numba kernels before timing (they are cached per process)."""
    for name, ours, peer, _ in cases(5, 9):
        if "local" in name:
            ours(), peer()


def run(
    sides: list[int], eb_sizes: list[int], permutations: int, repeat: int, min_time: float
) -> list[dict]:
    warm_up_numba()
    jobs = [(side * side, case) for side in sides for case in cases(side, permutations)]
    jobs += [(n, global_eb_case(n)) for n in eb_sizes]
    rows = []
    for n, (name, ours, peer, agree) in jobs:
        (our_time, our_value), (peer_time, peer_value) = best_times(
            [ours, peer], repeat, min_time, timer=time.process_time
        )
        rows.append({
            "measure": name, "n": n, "ours_s": our_time, "peer_s": peer_time,
            "ratio": peer_time / our_time, "agree": agree(our_value, peer_value),
        })  # fmt: skip
    return rows


def markdown(rows: list[dict]) -> str:
    lines = [
        "| measure | n | ours (ms) | peer (ms) | ratio peer/ours | statistic agrees |",
        "|---|---:|---:|---:|---:|---|",
    ]
    for r in rows:
        lines.append(
            f"| {r['measure']} | {r['n']:,} | {r['ours_s'] * 1e3:.3g} | {r['peer_s'] * 1e3:.3g} "
            f"| {r['ratio']:.1f}x | {'yes' if r['agree'] else 'NO'} |"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sides", type=int, nargs="+", default=[30, 70])
    parser.add_argument("--permutations", type=int, default=99)
    parser.add_argument("--eb-sizes", type=int, nargs="*", default=[100_000, 1_000_000])
    parser.add_argument("--repeat", type=int, default=5, help="rounds; the best is kept")
    parser.add_argument(
        "--min-time", type=float, default=0.05, help="seconds each timed round lasts at least"
    )
    parser.add_argument("--json", type=Path, default=None, help="also write rows to this file")
    args = parser.parse_args()
    rows = run(args.sides, args.eb_sizes, args.permutations, args.repeat, args.min_time)
    print(
        f"geodisparity {gd.__version__} vs inequality / esda (peers: Gini_Spatial, "
        "Empirical_Bayes, Spatial_Empirical_Bayes, Moran_Rate, Moran_Local_Rate); "
        f"best of {args.repeat} interleaved rounds of at least {args.min_time:g} s each "
        "(CPU time); BLAS on one thread\n"
    )
    print(markdown(rows))
    if args.json is not None:
        write_json(rows, args.json)


if __name__ == "__main__":
    main()
