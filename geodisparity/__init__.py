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
    "read_boundaries": "geodisparity.readers",
    "read_table": "geodisparity.readers",
    "join": "geodisparity.joining",
    "JoinReport": "geodisparity.join_report",
    # spatial weights
    "SpatialWeights": "geodisparity.weights",
    "contiguity": "geodisparity.contiguity_weights",
    "knn": "geodisparity.distance",
    "distance_band": "geodisparity.distance",
    "kernel": "geodisparity.distance",
    "from_libpysal": "geodisparity.interop",
    "to_libpysal": "geodisparity.interop",
    # gap statistics
    "gini": "geodisparity.inequality",
    "theil": "geodisparity.inequality",
    "mld": "geodisparity.inequality",
    "ge": "geodisparity.inequality",
    "atkinson": "geodisparity.inequality",
    "cv": "geodisparity.inequality",
    "williamson": "geodisparity.inequality",
    "max_min_ratio": "geodisparity.inequality",
    "percentile_ratio": "geodisparity.inequality",
    "palma": "geodisparity.inequality",
    "hoover": "geodisparity.inequality",
    "lorenz": "geodisparity.inequality",
    "Decomposition": "geodisparity.decomposition",
    "theil_decomposition": "geodisparity.decomposition",
    "ge_decomposition": "geodisparity.decomposition",
    "DagumGini": "geodisparity.dagum",
    "dagum_gini": "geodisparity.dagum",
    "UrbanRuralRatio": "geodisparity.three_gaps",
    "urban_rural_ratio": "geodisparity.three_gaps",
    "gaps": "geodisparity.three_gaps",
    "SigmaConvergence": "geodisparity.convergence",
    "BetaConvergence": "geodisparity.convergence",
    "sigma_convergence": "geodisparity.convergence",
    "beta_convergence": "geodisparity.convergence",
    "MarkovChain": "geodisparity.markov",
    "SpatialMarkovChain": "geodisparity.markov",
    "markov_chain": "geodisparity.markov",
    "spatial_markov": "geodisparity.markov",
    "BootstrapResult": "geodisparity.uncertainty",
    "BetweenGroupTest": "geodisparity.uncertainty",
    "bootstrap": "geodisparity.uncertainty",
    "between_group_test": "geodisparity.uncertainty",
    # projections fitted to the data
    "equal_area_crs": "geodisparity.crs",
    "metric_crs": "geodisparity.crs",
    "area_km2": "geodisparity.crs",
    # clustering statistics
    "moran": "geodisparity.global_stats",
    "geary": "geodisparity.global_stats",
    "getis_ord_g": "geodisparity.global_stats",
    "moran_bivariate": "geodisparity.global_stats",
    "GlobalStatistic": "geodisparity.global_stats",
    "MoranResult": "geodisparity.global_stats",
    "GearyResult": "geodisparity.global_stats",
    "GetisOrdResult": "geodisparity.global_stats",
    "MoranBivariateResult": "geodisparity.global_stats",
    "local_moran": "geodisparity.local_stats",
    "local_moran_bivariate": "geodisparity.local_stats",
    "local_gi_star": "geodisparity.local_stats",
    "local_geary": "geodisparity.local_stats",
    "adjust_pvalues": "geodisparity.multiple_testing",
    "benjamini_hochberg": "geodisparity.multiple_testing",
    "bonferroni": "geodisparity.multiple_testing",
    # maps (folium/matplotlib load only when a map is made)
    "choropleth": "geodisparity.maps",
    "lisa_map": "geodisparity.maps",
    "hotspot_map": "geodisparity.maps",
    "target_map": "geodisparity.maps",
    "atlas": "geodisparity.maps",
    "save_map": "geodisparity.maps",
    "plot": "geodisparity.maps",
}

# Submodules reachable as attributes (geodisparity.boundaries.load(...)).
_SUBMODULES: frozenset[str] = frozenset({"errors", "categories", "boundaries", "crs", "maps"})

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
    from geodisparity.contiguity_weights import contiguity  # noqa: F401
    from geodisparity.convergence import (  # noqa: F401
        BetaConvergence,
        SigmaConvergence,
        beta_convergence,
        sigma_convergence,
    )
    from geodisparity.crs import area_km2, equal_area_crs, metric_crs  # noqa: F401
    from geodisparity.dagum import (  # noqa: F401
        DagumGini,
        dagum_gini,
    )
    from geodisparity.decomposition import (  # noqa: F401
        Decomposition,
        ge_decomposition,
        theil_decomposition,
    )
    from geodisparity.distance import distance_band, kernel, knn  # noqa: F401
    from geodisparity.errors import (  # noqa: F401
        DroppedRowsWarning,
        GeodisparityError,
        GeodisparityWarning,
    )
    from geodisparity.global_stats import (  # noqa: F401
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
    from geodisparity.inequality import (  # noqa: F401
        atkinson,
        cv,
        ge,
        gini,
        hoover,
        lorenz,
        max_min_ratio,
        mld,
        palma,
        percentile_ratio,
        theil,
        williamson,
    )
    from geodisparity.interop import from_libpysal, to_libpysal  # noqa: F401
    from geodisparity.join_report import JoinReport  # noqa: F401
    from geodisparity.joining import join  # noqa: F401
    from geodisparity.local_stats import (  # noqa: F401
        local_geary,
        local_gi_star,
        local_moran,
        local_moran_bivariate,
    )
    from geodisparity.maps import (  # noqa: F401
        atlas,
        choropleth,
        hotspot_map,
        lisa_map,
        plot,
        save_map,
        target_map,
    )
    from geodisparity.markov import (  # noqa: F401
        MarkovChain,
        SpatialMarkovChain,
        markov_chain,
        spatial_markov,
    )
    from geodisparity.multiple_testing import (  # noqa: F401
        adjust_pvalues,
        benjamini_hochberg,
        bonferroni,
    )
    from geodisparity.readers import read_boundaries, read_table  # noqa: F401
    from geodisparity.three_gaps import (  # noqa: F401
        UrbanRuralRatio,
        gaps,
        urban_rural_ratio,
    )
    from geodisparity.uncertainty import (  # noqa: F401
        BetweenGroupTest,
        BootstrapResult,
        between_group_test,
        bootstrap,
    )
    from geodisparity.weights import SpatialWeights  # noqa: F401
