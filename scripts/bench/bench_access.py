"""Benchmark geodisparity's 2SFCA accessibility against PySAL's ``access``, side by side.

Seeded random points in a 100 km x 100 km square (UTM zone 51N): 10,000 demand
points (population 1-4,999) and 1,000 facilities (capacity 1-199), a catchment
of 10 km. Each case runs once per package after a small warm-up call, and the
results are compared (``access`` gives NaN where no facility is in reach, 0 here);
``--repeat N`` keeps the best of N alternating runs instead:

* from points: ours projects, finds the pairs in reach with a k-d tree and
  computes; ``access`` measures every demand-supply distance
  (``create_euclidean_distance``, a 10,000 x 1,000 cross join) and computes;
* from a cost table: both get the same long table of the pairs in reach (ours
  as a Series indexed by (demand, supply), ``access`` as its ``cost_df``),
  for 2SFCA, Luo & Qi's enhanced 2SFCA and Dai's Gaussian kernel (passed to
  ``access`` as ``weight_fn``).

The ratio is access time / our time (above 1: we are faster). Prints a markdown
table; ``--json PATH`` also writes the rows.

Usage::

    python scripts/bench/bench_access.py [--demand 10000] [--supply 1000]
        [--catchment 10000] [--seed 20261202] [--repeat 1] [--skip-euclidean]
        [--json results.json]
"""

from __future__ import annotations

import argparse
import math
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
from _json_rows import write_json

import geodisparity as gd

SPAN = 100_000.0
ORIGIN = (500_000.0, 3_300_000.0)  # UTM 51N, near Hangzhou: metric_crs keeps this zone
UTM51 = 32651
LUO_QI = {1 / 3: 1.0, 2 / 3: 0.68, 1.0: 0.22}


def make_points(n: int, m: int, seed: int) -> tuple[object, object]:
    import geopandas as gpd

    rng = np.random.default_rng(seed)
    d_xy = rng.uniform(0, SPAN, (n, 2)) + ORIGIN
    s_xy = rng.uniform(0, SPAN, (m, 2)) + ORIGIN
    demand = gpd.GeoDataFrame({"pop": rng.integers(1, 5000, n).astype(float)},
                              geometry=gpd.points_from_xy(*d_xy.T), crs=UTM51)
    supply = gpd.GeoDataFrame({"beds": rng.integers(1, 200, m).astype(float)},
                              geometry=gpd.points_from_xy(*s_xy.T), crs=UTM51)
    demand.index.name = supply.index.name = "geoid"
    return demand, supply


def pairs_table(demand, supply, catchment: float) -> pd.DataFrame:
    """Long cost table of the pairs in reach (origin, dest, cost), found by brute force."""
    d_xy = np.column_stack([demand.geometry.x, demand.geometry.y])
    s_xy = np.column_stack([supply.geometry.x, supply.geometry.y])
    rows, cols, cost = [], [], []
    for start in range(0, len(d_xy), 1000):  # blocks keep memory small
        block = np.hypot(*(d_xy[start:start + 1000, None, :] - s_xy[None]).transpose(2, 0, 1))
        r, c = np.nonzero(block <= catchment)
        rows.append(r + start)
        cols.append(c)
        cost.append(block[r, c])
    return pd.DataFrame({"origin": demand.index[np.concatenate(rows)],
                         "dest": supply.index[np.concatenate(cols)],
                         "cost": np.concatenate(cost)})


def dai(catchment: float) -> Callable[[float], float]:
    half = math.exp(-0.5)
    return lambda d: (math.exp(-0.5 * (d / catchment) ** 2) - half) / (1 - half)


def peer(demand, supply, cost: pd.DataFrame | None, catchment: float, kind: str) -> pd.Series:
    """Run PySAL access; ``cost=None`` measures Euclidean distances itself."""
    import access

    options = {"cost_df": cost, "cost_origin": "origin", "cost_dest": "dest",
               "cost_name": "cost"} if cost is not None else {}
    model = access.Access(demand_df=demand if cost is None else pd.DataFrame(demand[["pop"]]),
                          demand_index=True, demand_value="pop",
                          supply_df=supply if cost is None else pd.DataFrame(supply[["beds"]]),
                          supply_index=True, supply_value="beds", **options)
    name = "cost"
    if cost is None:
        model.create_euclidean_distance(name="euclidean", threshold=catchment)
        name = "euclidean"
    if kind == "2sfca":
        out = model.two_stage_fca(name="a", cost=name, max_cost=catchment)
    elif kind == "e2sfca":
        steps = {catchment * k: w for k, w in LUO_QI.items()}
        out = model.enhanced_two_stage_fca(name="a", cost=name, max_cost=catchment,
                                           weight_fn=access.weights.step_fn(steps))
    else:
        out = model.two_stage_fca(name="a", cost=name, max_cost=catchment,
                                  weight_fn=dai(catchment))
    return out.iloc[:, 0]


def ours(demand, supply, cost: pd.Series | None, catchment: float, kind: str) -> pd.Series:
    options = {"method": "2sfca"} if kind == "2sfca" else {
        "method": "e2sfca", "decay": None if kind == "e2sfca" else "gaussian"}
    return gd.accessibility(demand, supply, population="pop", capacity="beds",
                            catchment=catchment, cost=cost, **options)


def once(func: Callable[[], pd.Series]) -> tuple[float, pd.Series]:
    start = time.perf_counter()
    value = func()
    return time.perf_counter() - start, value


def compare(mine: pd.Series, theirs: pd.Series) -> tuple[float, bool]:
    theirs = theirs.reindex(mine.index).fillna(0.0)  # access: NaN where nothing is in reach
    scale = np.maximum(np.abs(theirs.to_numpy()), 1e-300)
    diff = np.abs(mine.to_numpy() - theirs.to_numpy())
    return float(np.max(diff / scale)), bool(np.allclose(mine, theirs, rtol=1e-9, atol=0))


def run(n: int, m: int, catchment: float, seed: int, euclidean: bool,
        repeat: int = 1) -> list[dict[str, object]]:
    demand, supply = make_points(n, m, seed)
    table = pairs_table(demand, supply, catchment)
    series = table.set_index(["origin", "dest"])["cost"]
    small_d, small_s = demand.iloc[:50], supply.iloc[:10]  # warm-up: imports, caches
    ours(small_d, small_s, None, catchment, "2sfca")
    peer(small_d, small_s, table[table.origin.isin(small_d.index)
                                 & table.dest.isin(small_s.index)], catchment, "2sfca")
    cases = [("2sfca", "from points", None)] if euclidean else []
    cases += [(kind, "from a cost table", table) for kind in ("2sfca", "e2sfca", "gaussian")]
    rows = []
    for kind, source, cost in cases:
        our_time = peer_time = math.inf
        for _ in range(repeat):  # alternate, so that load on the machine hits both alike
            elapsed, mine = once(lambda k=kind, c=cost: ours(
                demand, supply, None if c is None else series, catchment, k))
            our_time = min(our_time, elapsed)
            elapsed, theirs = once(lambda k=kind, c=cost: peer(demand, supply, c, catchment, k))
            peer_time = min(peer_time, elapsed)
        worst, agree = compare(mine, theirs)
        rows.append({"method": kind, "input": source, "demand": n, "supply": m,
                     "pairs": len(table), "ours_s": our_time, "access_s": peer_time,
                     "ratio": peer_time / our_time, "max_rel_diff": worst, "agree": agree})
    return rows


def markdown(rows: list[dict[str, object]]) -> str:
    lines = ["| method | input | demand x supply | pairs in reach | ours (s) | access (s) "
             "| ratio access/ours | max rel. diff | agree (1e-9) |",
             "|---|---|---:|---:|---:|---:|---:|---:|---|"]
    for r in rows:
        lines.append(
            f"| {r['method']} | {r['input']} | {r['demand']:,} x {r['supply']:,} "
            f"| {r['pairs']:,} | {r['ours_s']:.3f} | {r['access_s']:.3f} | {r['ratio']:.1f}x "
            f"| {r['max_rel_diff']:.1e} | {'yes' if r['agree'] else 'NO'} |")
    return "\n".join(lines)


def main() -> None:
    from importlib.metadata import version

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--demand", type=int, default=10_000)
    parser.add_argument("--supply", type=int, default=1_000)
    parser.add_argument("--catchment", type=float, default=10_000.0, help="metres")
    parser.add_argument("--seed", type=int, default=20261202)
    parser.add_argument("--repeat", type=int, default=1,
                        help="runs of each case (alternating ours and access); the best is kept")
    parser.add_argument("--skip-euclidean", action="store_true",
                        help="leave out access's own distance computation (a full cross join)")
    parser.add_argument("--json", type=Path, default=None, help="also write rows to this file")
    args = parser.parse_args()
    rows = run(args.demand, args.supply, args.catchment, args.seed, not args.skip_euclidean,
               args.repeat)
    runs = "one run" if args.repeat == 1 else f"best of {args.repeat} alternating runs"
    print(f"geodisparity {gd.__version__} vs access {version('access')}; {runs} of each after "
          f"a warm-up; catchment {args.catchment:g} m, seed {args.seed}\n")
    print(markdown(rows))
    if args.json is not None:
        write_json(rows, args.json)


if __name__ == "__main__":
    main()
