"""Benchmark: LISA (local Moran, 999 permutations) - geodisparity vs esda vs pygeoda.

One run each, side by side, on the same queen grid and the same values:

* a ``side x side`` grid (default 400 x 400 = 160,000 cells): geodisparity,
  ``esda.Moran_Local`` (timed after a numba warm-up on a small grid; run with
  ``keep_simulations=False``, its lightest mode) and ``pygeoda.local_moran``
  ('complete' permutations, ``cpu_threads`` = the machine's cores, or
  ``--pygeoda-threads``; pygeoda needs a geometry layer, built from the grid
  polygons; building it is not timed). geodisparity and esda run on one core;
* a ``million_side x million_side`` grid (default 1000 x 1000 = 1,000,000 cells),
  geodisparity only, in a fresh subprocess that reports wall time of the LISA
  call and the process's peak resident memory (``VmHWM`` on Linux, else
  ``getrusage`` max RSS; this includes Python, NumPy, pandas and building the
  grid weights).

With ``--with-global``, also the global statistics with permutation inference
(Moran's I, Geary's c, Getis-Ord G, bivariate Moran) against ``esda.Moran``,
``Geary``, ``G`` and ``Moran_BV`` (which draw from NumPy's global random state;
ours are seeded) at 90 and 10,000 cells and on the main grid.

Prints a markdown table; ``--json PATH`` also writes the figures. Agreement is
reported as the share of cells given the same cluster label at p <= 0.05; each
implementation draws its own permutations, so cells whose p-value is near 0.05
flip by Monte Carlo noise (correlated across cells where draws are shared between
cells, as in geodisparity and esda). The esda-pygeoda agreement is the yardstick
for that noise.

Usage::

    python scripts/bench/bench_lisa.py [--side 400] [--million-side 1000]
        [--permutations 999] [--skip-esda] [--skip-pygeoda] [--with-global]
        [--json out.json]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
import warnings

import numpy as np
import scipy.sparse as sp


def queen_lattice(rows: int, cols: int) -> sp.csr_array:
    """Binary queen contiguity of a rows x cols grid, cells numbered row by row."""
    r, c = np.divmod(np.arange(rows * cols), cols)
    src_all, dst_all = [], []
    for dr, dc in ((0, 1), (1, 0), (1, 1), (1, -1)):
        ok = (r + dr < rows) & (c + dc >= 0) & (c + dc < cols)
        src = np.flatnonzero(ok)
        dst = src + dr * cols + dc
        src_all += [src, dst]
        dst_all += [dst, src]
    i, j = np.concatenate(src_all), np.concatenate(dst_all)
    return sp.csr_array((np.ones(i.size), (i, j)), shape=(rows * cols, rows * cols))


def grid_values(side: int, seed: int = 0) -> np.ndarray:
    """A smooth field plus noise, so that the grid has real clusters."""
    rng = np.random.default_rng(seed)
    r, c = np.divmod(np.arange(side * side), side)
    field = np.sin(r / side * 6.0) + np.cos(c / side * 4.0)
    return field + rng.standard_normal(side * side)


def run_ours(side: int, permutations: int) -> dict:
    from geodisparity import SpatialWeights, local_moran

    local_moran(grid_values(10), SpatialWeights.from_sparse(queen_lattice(10, 10)), seed=0)
    weights = SpatialWeights.from_sparse(queen_lattice(side, side))
    y = grid_values(side)
    start = time.perf_counter()
    out = local_moran(y, weights, permutations=permutations, seed=1)
    seconds = time.perf_counter() - start
    return {"seconds": seconds, "labels": out["cluster"].astype(str).to_numpy()}


def run_esda(side: int, permutations: int) -> dict:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import esda
        import libpysal

        start = time.perf_counter()
        small = libpysal.weights.lat2W(10, 10, rook=False)
        esda.Moran_Local(grid_values(10), small, permutations=99, seed=0)
        warm = time.perf_counter() - start
        w = libpysal.weights.lat2W(side, side, rook=False)
        if (abs(w.sparse - queen_lattice(side, side)) > 0).nnz:
            raise RuntimeError("libpysal's lattice differs from ours")
        y = grid_values(side)
        start = time.perf_counter()
        lm = esda.Moran_Local(y, w, permutations=permutations, seed=1, keep_simulations=False)
        seconds = time.perf_counter() - start
    quadrant = {1: "High-High", 2: "Low-High", 3: "Low-Low", 4: "High-Low"}
    labels = np.where(lm.p_sim <= 0.05, [quadrant[q] for q in lm.q], "Not significant")
    return {"seconds": seconds, "warm_up_seconds": warm, "labels": labels}


def run_pygeoda(side: int, permutations: int, threads: int) -> dict:
    import geopandas
    import pygeoda
    import shapely

    r, c = np.divmod(np.arange(side * side), side)
    cells = shapely.box(c, side - r - 1, c + 1, side - r)
    frame = geopandas.GeoDataFrame({"y": grid_values(side)}, geometry=cells)
    gda = pygeoda.open(frame)
    w = pygeoda.queen_weights(gda)
    y = frame["y"].tolist()
    start = time.perf_counter()
    lisa = pygeoda.local_moran(w, y, permutations=permutations, cpu_threads=threads)
    seconds = time.perf_counter() - start
    names = lisa.lisa_labels()
    labels = np.asarray([names[k] for k in lisa.lisa_clusters()])
    return {"seconds": seconds, "labels": labels}


GLOBAL_SHAPES = ((9, 10), (100, 100))  # 90 regions (a province's counties), 10,000 cells


def _best_of(call, repeats: int) -> float:
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        call()
        best = min(best, time.perf_counter() - start)
    return best


def run_global(rows: int, cols: int, permutations: int) -> list[tuple[str, float, float | None]]:
    """Global statistics with permutation inference: (name, ours, esda) seconds, best of runs.

    esda's ``G`` builds an ``n x n`` dense array, so it is skipped (None) above 20,000 cells.
    """
    import geodisparity as gd

    n = rows * cols
    repeats = 7 if n <= 1_000 else 3 if n <= 20_000 else 1
    weights = gd.SpatialWeights.from_sparse(queen_lattice(rows, cols))
    y = grid_values(int(np.ceil(np.sqrt(n))))[:n]
    x = grid_values(int(np.ceil(np.sqrt(n))), seed=1)[:n]
    positive = y - y.min() + 0.1
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import esda
        import libpysal

        w = libpysal.weights.lat2W(rows, cols, rook=False)
        pairs = [
            ("Moran", lambda: gd.moran(y, weights, permutations=permutations, seed=1),
             lambda: esda.Moran(y, w, permutations=permutations)),
            ("Geary", lambda: gd.geary(y, weights, permutations=permutations, seed=1),
             lambda: esda.Geary(y, w, permutations=permutations)),
            ("Getis-Ord G", lambda: gd.getis_ord_g(positive, weights, permutations=permutations,
                                                   seed=1),
             lambda: esda.G(positive, w, permutations=permutations)),
            ("bivariate Moran",
             lambda: gd.moran_bivariate(x, y, weights, permutations=permutations, seed=1),
             lambda: esda.Moran_BV(x, y, w, permutations=permutations)),
        ]
        return [(name, _best_of(ours, repeats),
                 None if name == "Getis-Ord G" and n > 20_000 else _best_of(theirs, repeats))
                for name, ours, theirs in pairs]


_CHILD = """
import json, resource, sys, time
sys.path.insert(0, {here!r})
from bench_lisa import grid_values, queen_lattice
from geodisparity import SpatialWeights, local_moran
side, permutations = {side}, {permutations}
weights = SpatialWeights.from_sparse(queen_lattice(side, side))
y = grid_values(side)
start = time.perf_counter()
out = local_moran(y, weights, permutations=permutations, seed=1)
seconds = time.perf_counter() - start
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
try:  # Linux keeps ru_maxrss across exec (it would count the parent): prefer VmHWM
    with open("/proc/self/status") as status:
        peak = [int(l.split()[1]) / 1024 for l in status if l.startswith("VmHWM")][0]
except OSError:
    pass
print(json.dumps({{"seconds": seconds, "peak_rss_mb": peak, "rows": len(out)}}))
"""


def run_million(side: int, permutations: int) -> dict:
    from pathlib import Path

    code = _CHILD.format(here=str(Path(__file__).parent), side=side, permutations=permutations)
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def agreement(a: np.ndarray, b: np.ndarray) -> float:
    return float(np.mean(a == b))


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--side", type=int, default=400)
    parser.add_argument("--million-side", type=int, default=1000)
    parser.add_argument("--permutations", type=int, default=999)
    parser.add_argument("--skip-esda", action="store_true")
    parser.add_argument("--skip-pygeoda", action="store_true")
    parser.add_argument("--skip-million", action="store_true")
    parser.add_argument("--pygeoda-threads", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--with-global", action="store_true",
                        help="also time the global statistics with permutations vs esda, "
                             "at 90 and 10,000 cells and on the main grid")
    parser.add_argument("--json", dest="json_path")
    args = parser.parse_args(argv)

    n = args.side**2
    results: dict = {"n": n, "permutations": args.permutations}
    ours = run_ours(args.side, args.permutations)
    results["geodisparity"] = {"seconds": ours["seconds"]}
    rows = [("geodisparity.local_moran", n, ours["seconds"], 1.0, "")]
    peers = []
    if not args.skip_esda:
        peers.append(("esda.Moran_Local", run_esda))
    if not args.skip_pygeoda:
        peers.append(("pygeoda.local_moran",
                      lambda side, perms: run_pygeoda(side, perms, args.pygeoda_threads)))
    peer_labels = []
    for name, runner in peers:
        got = runner(args.side, args.permutations)
        peer_labels.append(got["labels"])
        same = agreement(ours["labels"], got["labels"])
        note = f"same label on {same:.1%} of cells"
        if "warm_up_seconds" in got:
            note += f"; numba warm-up {got['warm_up_seconds']:.1f} s (not counted)"
        rows.append((name, n, got["seconds"], got["seconds"] / ours["seconds"], note))
        results[name.split(".")[0]] = {
            "seconds": got["seconds"],
            "ratio": got["seconds"] / ours["seconds"],
            "label_agreement": same,
            **({"warm_up_seconds": got["warm_up_seconds"]} if "warm_up_seconds" in got else {}),
        }
    global_rows = []
    if args.with_global:
        results["global"] = []
        for shape in (*GLOBAL_SHAPES, (args.side, args.side)):
            cells = shape[0] * shape[1]
            for name, ours_g, esda_g in run_global(*shape, args.permutations):
                ratio = None if esda_g is None else esda_g / ours_g
                results["global"].append({"statistic": name, "n": cells, "seconds": ours_g,
                                          "esda_seconds": esda_g, "ratio": ratio})
                global_rows.append((name, cells, ours_g, esda_g))
    if len(peer_labels) == 2:
        results["esda_vs_pygeoda_label_agreement"] = agreement(*peer_labels)
    if not args.skip_million:
        big = run_million(args.million_side, args.permutations)
        results["million"] = {"n": args.million_side**2, **big}
        rows.append((
            "geodisparity.local_moran", args.million_side**2, big["seconds"], None,
            f"peak RSS {big['peak_rss_mb']:.0f} MB (whole process, incl. weights)",
        ))

    print(f"\nLISA, queen grid, {args.permutations} permutations\n")
    print("| implementation | cells | time (s) | slower than geodisparity | notes |")
    print("|---|---:|---:|---:|---|")
    for name, cells, seconds, ratio, note in rows:
        ratio_text = "" if ratio is None else f"{ratio:,.0f}x" if ratio >= 10 else f"{ratio:.2f}x"
        print(f"| {name} | {cells:,} | {seconds:.3f} | {ratio_text} | {note} |")
    if global_rows:
        print(f"\nGlobal statistics, queen grid, {args.permutations} permutations "
              "(best of several runs below 20,000 cells)\n")
        print("| statistic | cells | geodisparity (s) | esda (s) | esda / geodisparity |")
        print("|---|---:|---:|---:|---:|")
        for name, cells, ours_g, esda_g in global_rows:
            if esda_g is None:
                print(f"| {name} | {cells:,} | {ours_g:.4f} | n/a (n x n dense) | |")
            else:
                print(f"| {name} | {cells:,} | {ours_g:.4f} | {esda_g:.4f} "
                      f"| {esda_g / ours_g:.2f}x |")
    if "esda_vs_pygeoda_label_agreement" in results:
        print(f"\nesda and pygeoda give the same label on "
              f"{results['esda_vs_pygeoda_label_agreement']:.1%} of cells "
              "(Monte Carlo noise between two correct implementations).")
    if args.json_path:
        with open(args.json_path, "w", encoding="utf-8") as handle:
            json.dump(results, handle, indent=2)
    return results


if __name__ == "__main__":
    main()
