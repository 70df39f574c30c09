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
    # boundaries and tables in, join
    "read_boundaries": "geodisparity.readers",
    "read_table": "geodisparity.readers",
    "join": "geodisparity.joining",
    "JoinReport": "geodisparity.join_report",
    # spatial weights
    "SpatialWeights": "geodisparity.weights",
    # projections fitted to the data
    "equal_area_crs": "geodisparity.crs",
    "metric_crs": "geodisparity.crs",
    "area_km2": "geodisparity.crs",
}

# Submodules reachable as attributes (geodisparity.boundaries.load(...)).
_SUBMODULES: frozenset[str] = frozenset({"errors", "categories", "boundaries", "crs"})

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
    from geodisparity.errors import GeodisparityError, GeodisparityWarning  # noqa: F401
    from geodisparity.join_report import JoinReport  # noqa: F401
    from geodisparity.joining import join  # noqa: F401
    from geodisparity.readers import read_boundaries, read_table  # noqa: F401
    from geodisparity.weights import SpatialWeights  # noqa: F401
