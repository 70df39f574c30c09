"""geodisparity: map regional disparities.

Boundaries and tables in -> join -> statistics (gaps, clusters) -> maps and reports out.

The public API is exactly what ``__all__`` lists. Names are imported lazily on
first use, so ``import geodisparity`` stays light (no geopandas, SciPy or
folium until a function needs them).

Examples
--------
>>> import geodisparity as gd
>>> "SpatialWeights" in gd.__all__
True
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
    # spatial weights
    "SpatialWeights": "geodisparity.weights",
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
}

# Submodules reachable as attributes (geodisparity.boundaries.load(...)).
_SUBMODULES: frozenset[str] = frozenset({"errors", "categories"})

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
    from geodisparity.errors import GeodisparityError, GeodisparityWarning  # noqa: F401
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
    from geodisparity.local_stats import (  # noqa: F401
        local_geary,
        local_gi_star,
        local_moran,
        local_moran_bivariate,
    )
    from geodisparity.multiple_testing import (  # noqa: F401
        adjust_pvalues,
        benjamini_hochberg,
        bonferroni,
    )
    from geodisparity.weights import SpatialWeights  # noqa: F401
