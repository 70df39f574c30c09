"""Write the illustrative (synthetic) Zhejiang county table used by the demo.

Usage::

    python scripts/make_demo_data.py [--out examples/data] [--overwrite]

Writes ``zhejiang_demo.csv`` (one row per county and year, 2019-2023) and
``zhejiang_demo_2023.csv`` (one row per county, 2023 only). The values are
SYNTHETIC: drawn with a fixed seed from a simple model with a plausible shape
(the 26 mountainous counties and the interior lower, Hangzhou, Ningbo and the
coastal districts higher, urban above rural income, 5-8% yearly growth with
the mountain counties catching up). They are not official statistics.

The same seed and the same bundled boundaries give byte-identical files.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
from shapely import LineString

from geodisparity import boundaries
from geodisparity._output import atomic_path
from geodisparity.crs import metric_crs

SEED = 20_190_101
YEARS = tuple(range(2019, 2024))
DATA_NOTE = "synthetic illustrative data; not official statistics"
LONG_FILE = "zhejiang_demo.csv"
SINGLE_YEAR = 2023
SINGLE_YEAR_FILE = f"zhejiang_demo_{SINGLE_YEAR}.csv"

# Rough economic tier of each prefecture-level city (1 = richest), an assumption for
# the synthetic model, loosely following the ranking of per-capita income.
PREFECTURE_TIER = {
    "杭州市": 1.0, "宁波市": 1.0, "嘉兴市": 0.8, "绍兴市": 0.8, "舟山市": 0.8,
    "湖州市": 0.7, "温州市": 0.6, "台州市": 0.6, "金华市": 0.5, "衢州市": 0.15, "丽水市": 0.1,
}
# Kind -> (urban share in 2019, relative population size, beds, doctors, teachers per 1,000).
KIND_PROFILE = {
    "district": (0.85, 1.6, 7.5, 4.8, 9.5),
    "county-level city": (0.68, 1.5, 5.0, 3.4, 10.5),
    "county": (0.58, 0.8, 4.4, 3.0, 11.0),
    "autonomous county": (0.52, 0.4, 4.0, 2.8, 11.5),
}
URBAN_INCOME_2019 = 60_000.0  # yuan, close to Zhejiang's published 2019 urban figure (60,182)
PROVINCE_POPULATION_2019 = 64_000_000
# A rough line along Zhejiang's coast (Pinghu - Ningbo - Taizhou - Cangnan), lon/lat.
COAST = LineString([(121.3, 30.7), (121.9, 29.9), (121.5, 28.6), (120.7, 27.4)])


def county_covariates(counties: pd.DataFrame) -> pd.DataFrame:
    """Per-county inputs of the model: kind, tier, mountain flag, distance to the coast."""
    crs = metric_crs(counties)
    points = counties.to_crs(crs).geometry.representative_point()
    coast = gpd.GeoSeries([COAST], crs="EPSG:4326").to_crs(crs).iloc[0]
    return pd.DataFrame({
        "adcode": counties["adcode"].astype(str),
        "name_zh": counties["name_zh"],
        "name_en": counties["name_en"],
        "kind": counties["kind"],
        "mountain26": counties["mountain26"].astype(bool),
        "tier": counties["prefecture_zh"].map(PREFECTURE_TIER),
        "inland_km": points.distance(coast).to_numpy() / 1000,
        "area_km2": counties["area_km2"],
    })


def simulate(cov: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    """Draw the synthetic panel: one row per county and year."""
    n = len(cov)
    profile = np.array([KIND_PROFILE[k] for k in cov["kind"]])
    mountain = cov["mountain26"].to_numpy(dtype=float)
    district = (cov["kind"] == "district").to_numpy(dtype=float)
    inland = np.clip(cov["inland_km"].to_numpy() / 250.0, 0.0, 1.0)

    # development score: higher for rich prefectures, districts and the coast
    score = (0.35 * cov["tier"].to_numpy() + 0.10 * district - 0.12 * mountain
             - 0.10 * inland + rng.normal(0.0, 0.05, n))
    ratio0 = np.clip(1.85 + 0.10 * mountain - 0.08 * district + rng.normal(0, 0.04, n), 1.6, 2.0)
    share0 = np.clip(profile[:, 0] - 0.05 * mountain + rng.normal(0, 0.03, n), 0.35, 0.97)
    weight = profile[:, 1] * np.exp(0.6 * score) * np.sqrt(cov["area_km2"].to_numpy() / 1000)
    weight *= rng.lognormal(0.0, 0.25, n)
    pop0 = weight / weight.sum() * PROVINCE_POPULATION_2019
    # urban income relative to the score, scaled to the provincial (population-weighted) level
    urban0 = np.exp(score)
    urban0 *= URBAN_INCOME_2019 / np.average(urban0, weights=pop0 * share0)

    growth = 0.062 + 0.009 * mountain + rng.normal(0.0, 0.004, n)
    pop_growth = 0.012 * district * cov["tier"].to_numpy() - 0.004 * mountain
    year_shock = {2019: 0.0, 2020: -0.010, 2021: 0.012, 2022: -0.004, 2023: 0.002}

    rows = []
    urban, ratio, share, pop = urban0, ratio0, share0, pop0
    for year in YEARS:
        if year > YEARS[0]:
            g = growth + year_shock[year] + rng.normal(0.0, 0.003, n)
            urban = urban * (1 + g)
            ratio = np.clip(ratio - 0.02 + rng.normal(0, 0.005, n), 1.6, 2.0)
            share = np.clip(share + 0.006 + rng.normal(0, 0.002, n), 0.35, 0.97)
            pop = pop * (1 + pop_growth + rng.normal(0.0, 0.002, n))
        rows.append(_year_table(cov, year, urban, ratio, share, pop, profile, rng))
    return pd.concat(rows, ignore_index=True)


def _year_table(cov, year, urban, ratio, share, pop, profile, rng) -> pd.DataFrame:
    n = len(cov)
    urban_income = np.round(urban).astype(np.int64)
    rural_income = np.round(urban / ratio).astype(np.int64)
    share = np.round(share, 4)
    income = np.round(share * urban_income + (1 - share) * rural_income).astype(np.int64)
    population = np.round(pop).astype(np.int64)
    trend = 1.03 ** (year - YEARS[0])
    per_1000 = population / 1000
    beds = per_1000 * profile[:, 2] * trend * rng.lognormal(0.0, 0.08, n)
    doctors = per_1000 * profile[:, 3] * trend * rng.lognormal(0.0, 0.08, n)
    teachers = per_1000 * profile[:, 4] * rng.lognormal(0.0, 0.05, n)
    return pd.DataFrame({
        "adcode": cov["adcode"].to_numpy(),
        "name_zh": cov["name_zh"].to_numpy(),
        "name_en": cov["name_en"].to_numpy(),
        "year": year,
        "population": population,
        "urban_share": share,
        "urban_income": urban_income,
        "rural_income": rural_income,
        "income": income,
        "hospital_beds": np.round(beds).astype(np.int64),
        "doctors": np.round(doctors).astype(np.int64),
        "teachers": np.round(teachers).astype(np.int64),
        "data_note": DATA_NOTE,
    })


def build(seed: int = SEED) -> pd.DataFrame:
    """The synthetic long table for the bundled Zhejiang counties."""
    counties = boundaries.load("zhejiang/counties").sort_values("adcode", ignore_index=True)
    return simulate(county_covariates(counties), np.random.default_rng(seed))


def write_csv(frame: pd.DataFrame, path: Path, *, overwrite: bool) -> None:
    """Write ``frame`` as UTF-8 CSV with LF line ends, atomically."""
    with atomic_path(path, overwrite=overwrite) as tmp:
        frame.to_csv(tmp, index=False, encoding="utf-8", lineterminator="\n",
                     float_format="%.4f")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path,
                        default=Path(__file__).parents[1] / "examples" / "data",
                        help="output folder (default: the repository's examples/data/)")
    parser.add_argument("--overwrite", action="store_true", help="replace existing files")
    args = parser.parse_args(argv)

    table = build()
    single = table[table["year"] == SINGLE_YEAR].drop(columns="year")
    targets = [(table, args.out / LONG_FILE), (single, args.out / SINGLE_YEAR_FILE)]
    existing = [str(p) for _, p in targets if p.exists()]
    if existing and not args.overwrite:
        sys.exit(f"refusing to overwrite {', '.join(existing)}: pass --overwrite")
    for frame, path in targets:
        write_csv(frame, path, overwrite=True)
        print(f"wrote {path}: {len(frame)} rows ({DATA_NOTE})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
