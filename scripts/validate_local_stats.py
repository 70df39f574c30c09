"""Print the calibration of Gi* / Gi and the agreement of local Geary classes with GeoDa.

    python scripts/validate_local_stats.py [--draws 200]

1. Under the null (normal values, random arrangement), the analytical Gi* and Gi
   z-scores should have mean 0 and sd 1 for any weights, and the hot-spot bins
   should hold about 10 / 5 / 1 % of regions at 90 / 95 / 99 %.
2. Local Geary classes against pygeoda's (GeoDa's engine) on libpysal's bundled
   Georgia counties, queen weights, 99,999 permutations on both sides.
"""

from __future__ import annotations

import argparse
import sys
import warnings
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]  # this checkout's package and test helpers

from spatial_helpers import queen_lattice  # noqa: E402

import geodisparity as gd  # noqa: E402
from geodisparity.spatial.weights import SpatialWeights  # noqa: E402


def null_graphs() -> dict[str, SpatialWeights]:
    import geopandas as gpd
    from shapely import points

    xy = np.random.default_rng(0).uniform(0, 10_000, size=(150, 2))
    towns = gpd.GeoSeries(points(xy[:, 0], xy[:, 1]), crs="EPSG:3857")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return {
            "queen lattice 12x12": SpatialWeights.from_sparse(queen_lattice(12, 12)),
            "knn k=5 (150 towns)": gd.knn(towns, 5),
            "quadratic kernel": gd.kernel(towns, k=6, function="quadratic"),
        }


def calibration(draws: int) -> None:
    print("Gi* / Gi analytical z under the null, and the share of regions in the bins")
    for name, weights in null_graphs().items():
        for transform in ("R", "O" if "kernel" in name else "B"):
            for func in (gd.local_gi_star, gd.local_gi):
                z, bins = [], []
                for seed in range(draws):
                    y = np.random.default_rng(seed).normal(10.0, 2.0, weights.n)
                    out = func(y, weights, permutations=0, transform=transform)
                    z.append(out["z_norm"].to_numpy())
                    bins.append(np.abs(out["gi_bin"].to_numpy()))
                z, b = np.concatenate(z), np.concatenate(bins)
                print(f"  {func.__name__:13s} {name:20s} {transform}: z mean {z.mean():+.3f} "
                      f"sd {z.std():.3f}; >=90% {np.mean(b >= 1):.3f} >=95% "
                      f"{np.mean(b >= 2):.3f} 99% {np.mean(b >= 3):.3f}")


def geary_against_geoda(permutations: int = 99_999) -> None:
    import geopandas as gpd
    import pygeoda
    from libpysal import examples

    path = examples.get_path("G_utm.shp")
    counties = gpd.read_file(path).set_crs("EPSG:32617")
    weights = gd.contiguity(counties, "queen")
    table = pygeoda.open(path)
    geoda_w = pygeoda.queen_weights(table)
    print(f"Local Geary classes vs pygeoda {pygeoda.__version__} (Georgia, queen, "
          f"{permutations} permutations)")
    for column in ("PctRural", "PctBach", "PctEld", "PctFB", "PctPov", "PctBlack", "TotPop90"):
        ours = gd.local_geary(counties[column].to_numpy(float), weights, seed=1,
                              permutations=permutations)
        ref = pygeoda.local_geary(geoda_w, table[column], permutations=permutations, seed=1)
        labels = ref.lisa_labels()
        theirs = np.array([labels[c] for c in ref.lisa_clusters()])
        theirs = np.where(theirs == "Other Positive", "Other positive", theirs)
        agree = ours["cluster"].astype(str).to_numpy() == theirs
        print(f"  {column:9s} {agree.sum()}/{agree.size} agree; differing regions' p "
              f"(ours, GeoDa): "
              + ", ".join(f"{ours['p_sim'].iloc[i]:.4f}/{ref.lisa_pvalues()[i]:.4f}"
                          for i in np.flatnonzero(~agree)))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--draws", type=int, default=200, help="null data sets per case")
    args = parser.parse_args()
    calibration(args.draws)
    geary_against_geoda()


if __name__ == "__main__":
    main()
