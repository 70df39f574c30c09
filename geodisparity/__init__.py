"""geodisparity: map regional disparities.

Boundaries and tables in -> join -> statistics (gaps, clusters) -> maps and reports out.

The public API is exactly what ``__all__`` lists. Names are imported lazily on
first use, so ``import geodisparity`` stays light (no geopandas, SciPy or
folium until a function needs them).

Examples
--------
>>> import geodisparity as gd
>>> gd.gini([1, 1, 1, 1])
0.0
"""

from __future__ import annotations

import importlib
import logging
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

logging.getLogger(__name__).addHandler(logging.NullHandler())

# Public name -> the module that defines it. One line per name; keep grouped by stage.
_EXPORTS: dict[str, str] = {
    # errors
    "GeodisparityError": "geodisparity.errors",
    "GeodisparityWarning": "geodisparity.errors",
    "DroppedRowsWarning": "geodisparity.errors",
    # boundaries and tables in, join
    "read_boundaries": "geodisparity.io.readers",
    "read_table": "geodisparity.io.readers",
    "join": "geodisparity.io.joining",
    "JoinReport": "geodisparity.io.join_report",
    # spatial weights
    "SpatialWeights": "geodisparity.spatial.weights",
    "contiguity": "geodisparity.spatial.contiguity_weights",
    "knn": "geodisparity.spatial.distance",
    "distance_band": "geodisparity.spatial.distance",
    "kernel": "geodisparity.spatial.distance",
    "from_libpysal": "geodisparity.spatial.interop",
    "to_libpysal": "geodisparity.spatial.interop",
    "as_weights": "geodisparity.spatial.interop",
    "from_esda": "geodisparity.spatial.esda_results",
    # gap statistics
    "gini": "geodisparity.stats.inequality",
    "theil": "geodisparity.stats.inequality",
    "mld": "geodisparity.stats.inequality",
    "ge": "geodisparity.stats.inequality",
    "atkinson": "geodisparity.stats.inequality",
    "cv": "geodisparity.stats.inequality",
    "williamson": "geodisparity.stats.inequality",
    "max_min_ratio": "geodisparity.stats.distribution",
    "percentile_ratio": "geodisparity.stats.distribution",
    "palma": "geodisparity.stats.distribution",
    "hoover": "geodisparity.stats.distribution",
    "lorenz": "geodisparity.stats.distribution",
    "Decomposition": "geodisparity.stats.decomposition",
    "theil_decomposition": "geodisparity.stats.decomposition",
    "ge_decomposition": "geodisparity.stats.decomposition",
    "DagumGini": "geodisparity.stats.dagum",
    "dagum_gini": "geodisparity.stats.dagum",
    "UrbanRuralRatio": "geodisparity.stats.three_gaps",
    "urban_rural_ratio": "geodisparity.stats.three_gaps",
    "gaps": "geodisparity.stats.three_gaps",
    "SigmaConvergence": "geodisparity.stats.convergence",
    "BetaConvergence": "geodisparity.stats.convergence",
    "sigma_convergence": "geodisparity.stats.convergence",
    "beta_convergence": "geodisparity.stats.convergence",
    "MarkovChain": "geodisparity.stats.markov",
    "SpatialMarkovChain": "geodisparity.stats.markov",
    "markov_chain": "geodisparity.stats.markov",
    "spatial_markov": "geodisparity.stats.markov",
    "BootstrapResult": "geodisparity.stats.uncertainty",
    "BetweenGroupTest": "geodisparity.stats.uncertainty",
    "bootstrap": "geodisparity.stats.uncertainty",
    "between_group_test": "geodisparity.stats.uncertainty",
    # projections fitted to the data
    "equal_area_crs": "geodisparity.crs",
    "metric_crs": "geodisparity.crs",
    "area_km2": "geodisparity.crs",
    # clustering statistics
    "moran": "geodisparity.spatial.global_stats",
    "geary": "geodisparity.spatial.global_stats",
    "getis_ord_g": "geodisparity.spatial.global_stats",
    "moran_bivariate": "geodisparity.spatial.global_stats",
    "GlobalStatistic": "geodisparity.spatial.global_stats",
    "MoranResult": "geodisparity.spatial.global_stats",
    "GearyResult": "geodisparity.spatial.global_stats",
    "GetisOrdResult": "geodisparity.spatial.global_stats",
    "MoranBivariateResult": "geodisparity.spatial.global_stats",
    "local_moran": "geodisparity.spatial.local_stats",
    "local_moran_bivariate": "geodisparity.spatial.local_stats",
    "local_gi_star": "geodisparity.spatial.local_stats",
    "local_geary": "geodisparity.spatial.local_geary",
    "local_gi": "geodisparity.spatial.local_stats",
    "adjust_pvalues": "geodisparity.spatial.multiple_testing",
    "benjamini_hochberg": "geodisparity.spatial.multiple_testing",
    "benjamini_yekutieli": "geodisparity.spatial.multiple_testing",
    "bonferroni": "geodisparity.spatial.multiple_testing",
    # maps (folium/matplotlib load only when a map is made)
    "choropleth": "geodisparity.maps",
    "lisa_map": "geodisparity.maps",
    "hotspot_map": "geodisparity.maps",
    "target_map": "geodisparity.maps",
    "atlas": "geodisparity.maps",
    "save_map": "geodisparity.maps",
    "plot": "geodisparity.maps",
    # notebook display of maps with no network (issue 10)
    "show": "geodisparity.maps",
    # spatial Gini and rates of small regions (issue 10)
    "SpatialGini": "geodisparity.spatial.spatial_gini",
    "spatial_gini": "geodisparity.spatial.spatial_gini",
    "eb_rates": "geodisparity.spatial.rates",
    "moran_rate": "geodisparity.spatial.rates",
    "local_moran_rate": "geodisparity.spatial.rates",
    # change over time: emerging hot spots, LISA dynamics, Mann-Kendall trend (issue 11)
    "emerging_hotspots": "geodisparity.spatial.emerging",
    "EmergingHotSpots": "geodisparity.spatial.emerging",
    "lisa_dynamics": "geodisparity.spatial.lisa_dynamics",
    "LisaDynamics": "geodisparity.spatial.lisa_dynamics",
    "mann_kendall": "geodisparity.stats.mann_kendall",
    "MannKendall": "geodisparity.stats.mann_kendall",
}

# Targets, composite indices and task books (issue 11).
_EXPORTS.update({
    "Indicator": "geodisparity.indicators",
    "CompositeIndex": "geodisparity.stats.composite",
    "composite_index": "geodisparity.stats.composite",
    "target_attainment": "geodisparity.stats.attainment",
    "TaskBook": "geodisparity.taskbook",
    "task_book": "geodisparity.taskbook",
    "PaceWarning": "geodisparity.errors",
})

# GCJ-02 boundaries to WGS 84, and rasters in the study file (issue 12, examples).
_EXPORTS.update({
    "gcj02_to_wgs84": "geodisparity.gcj02",
    "wgs84_to_gcj02": "geodisparity.gcj02",
    "gcj02_offset": "geodisparity.gcj02",
})

# Submodules reachable as attributes (geodisparity.boundaries.load(...)).
_SUBMODULES: frozenset[str] = frozenset(
    {"boundaries", "io", "stats", "spatial", "maps", "crs", "errors", "categories"}
)

__all__ = sorted([*_EXPORTS, *_SUBMODULES, "__version__"])


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        value = getattr(importlib.import_module(_EXPORTS[name]), name)
    elif name in _SUBMODULES:
        value = importlib.import_module(f"{__name__}.{name}")
    else:
        raise AttributeError(f"module 'geodisparity' has no attribute {name!r}")
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))


if TYPE_CHECKING:  # pragma: no cover - for type checkers and IDEs only
    from geodisparity.crs import area_km2, equal_area_crs, metric_crs  # noqa: F401
    from geodisparity.errors import (  # noqa: F401
        DroppedRowsWarning,
        GeodisparityError,
        GeodisparityWarning,
    )
    from geodisparity.io.join_report import JoinReport  # noqa: F401
    from geodisparity.io.joining import join  # noqa: F401
    from geodisparity.io.readers import read_boundaries, read_table  # noqa: F401
    from geodisparity.maps import (  # noqa: F401
        atlas,
        choropleth,
        hotspot_map,
        lisa_map,
        plot,
        save_map,
        target_map,
    )
    from geodisparity.spatial.contiguity_weights import contiguity  # noqa: F401
    from geodisparity.spatial.distance import distance_band, kernel, knn  # noqa: F401
    from geodisparity.spatial.esda_results import from_esda  # noqa: F401
    from geodisparity.spatial.global_stats import (  # noqa: F401
        GearyResult,
        GetisOrdResult,
        GlobalStatistic,
        MoranBivariateResult,
        MoranResult,
        geary,
        getis_ord_g,
        moran,
        moran_bivariate,
    )
    from geodisparity.spatial.interop import as_weights, from_libpysal, to_libpysal  # noqa: F401
    from geodisparity.spatial.local_geary import local_geary  # noqa: F401
    from geodisparity.spatial.local_stats import (  # noqa: F401
        local_gi,
        local_gi_star,
        local_moran,
        local_moran_bivariate,
    )
    from geodisparity.spatial.multiple_testing import (  # noqa: F401
        adjust_pvalues,
        benjamini_hochberg,
        benjamini_yekutieli,
        bonferroni,
    )
    from geodisparity.spatial.rates import (  # noqa: F401
        eb_rates,
        local_moran_rate,
        moran_rate,
    )
    from geodisparity.spatial.spatial_gini import SpatialGini, spatial_gini  # noqa: F401
    from geodisparity.spatial.weights import SpatialWeights  # noqa: F401
    from geodisparity.stats.convergence import (  # noqa: F401
        BetaConvergence,
        SigmaConvergence,
        beta_convergence,
        sigma_convergence,
    )
    from geodisparity.stats.dagum import (  # noqa: F401
        DagumGini,
        dagum_gini,
    )
    from geodisparity.stats.decomposition import (  # noqa: F401
        Decomposition,
        ge_decomposition,
        theil_decomposition,
    )
    from geodisparity.stats.distribution import (  # noqa: F401
        hoover,
        lorenz,
        max_min_ratio,
        palma,
        percentile_ratio,
    )
    from geodisparity.stats.inequality import (  # noqa: F401
        atkinson,
        cv,
        ge,
        gini,
        mld,
        theil,
        williamson,
    )
    from geodisparity.stats.markov import (  # noqa: F401
        MarkovChain,
        SpatialMarkovChain,
        markov_chain,
        spatial_markov,
    )
    from geodisparity.stats.three_gaps import (  # noqa: F401
        UrbanRuralRatio,
        gaps,
        urban_rural_ratio,
    )
    from geodisparity.stats.uncertainty import (  # noqa: F401
        BetweenGroupTest,
        BootstrapResult,
        between_group_test,
        bootstrap,
    )

if TYPE_CHECKING:  # pragma: no cover - change over time (issue 11)
    from geodisparity.spatial.emerging import EmergingHotSpots, emerging_hotspots  # noqa: F401
    from geodisparity.spatial.lisa_dynamics import LisaDynamics, lisa_dynamics  # noqa: F401
    from geodisparity.stats.mann_kendall import MannKendall, mann_kendall  # noqa: F401

if TYPE_CHECKING:  # pragma: no cover - targets, composite indices and task books (issue 11)
    from geodisparity.errors import PaceWarning  # noqa: F401
    from geodisparity.indicators import Indicator  # noqa: F401
    from geodisparity.stats.attainment import target_attainment  # noqa: F401
    from geodisparity.stats.composite import CompositeIndex, composite_index  # noqa: F401
    from geodisparity.taskbook import TaskBook, task_book  # noqa: F401

if TYPE_CHECKING:  # pragma: no cover - GCJ-02 conversion (issue 12, examples)
    from geodisparity.gcj02 import gcj02_offset, gcj02_to_wgs84, wgs84_to_gcj02  # noqa: F401


# Rasters summarised per region: exact zonal statistics, weighting, Dask (issue 12).
_EXPORTS.update({
    "zonal_stats": "geodisparity.raster.zonal",
    "RasterError": "geodisparity.errors",
    "OutsideRasterWarning": "geodisparity.errors",
})
_SUBMODULES = _SUBMODULES | {"raster"}
__all__ = sorted([*_EXPORTS, *_SUBMODULES, "__version__"])

if TYPE_CHECKING:  # pragma: no cover - rasters (issue 12)
    from geodisparity.errors import OutsideRasterWarning, RasterError  # noqa: F401
    from geodisparity.raster.zonal import zonal_stats  # noqa: F401
# Accessibility of services: two-step floating catchment (issue 12).
_EXPORTS.update({
    "accessibility": "geodisparity.access.fca",
    "access_by_region": "geodisparity.access.regions",
})
__all__ = sorted([*_EXPORTS, *_SUBMODULES, "__version__"])

if TYPE_CHECKING:  # pragma: no cover - accessibility (issue 12)
    from geodisparity.access.fca import accessibility  # noqa: F401
    from geodisparity.access.regions import access_by_region  # noqa: F401
