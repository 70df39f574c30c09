"""The Python walk-through of the README, runnable: python examples/analyse_zhejiang.py [OUT_DIR].

Uses the bundled Zhejiang counties and the illustrative synthetic demo table
(not official statistics). Writes lisa.html (an offline map) into OUT_DIR
(default: out/example).
"""

import sys
import warnings
from pathlib import Path

import geodisparity as gd

HERE = Path(__file__).resolve().parent
out = Path(sys.argv[1]) if len(sys.argv) > 1 else HERE.parent / "out" / "example"

counties = gd.boundaries.load("zhejiang/counties")
table = gd.read_table(HERE / "data" / "zhejiang_demo.csv", key="adcode")
joined, report = gd.join(counties, table, left_on="adcode", right_on="adcode",
                         year=("year", 2023), names=("name_en", None))
print(report)

print("Gini (population-weighted):", round(gd.gini("income", "population", data=joined), 4))
by_mountain = gd.theil_decomposition("income", "mountain26", "population", data=joined)
print("Theil between the 26 mountain counties and the rest:", f"{by_mountain.between_share:.1%}")
print(gd.dagum_gini("income", "prefecture_en", "population", data=joined).to_frame())
print(gd.gaps(table.merge(counties[["adcode", "mountain26"]]), income="income",
              population="population", urban="urban_income", rural="rural_income",
              groups="mountain26", year="year"))

with warnings.catch_warnings():
    warnings.simplefilter("ignore", gd.errors.IslandWarning)  # Zhoushan's islands
    weights = gd.contiguity(joined, "queen")
print(weights.summary())
print(gd.moran(joined["income"], weights, seed=1))
lisa = gd.local_moran(joined["income"], weights, seed=1, adjust="fdr")
print(lisa["cluster"].value_counts())
path = gd.save_map(gd.lisa_map(joined, lisa), out / "lisa.html", overwrite=True)
print("map written to", path)
