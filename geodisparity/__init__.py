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
_SUBMODULES: frozenset[str] = frozenset({"errors", "categories", "maps"})

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
    from geodisparity.maps import (  # noqa: F401
        atlas,
        choropleth,
        hotspot_map,
        lisa_map,
        plot,
        save_map,
        target_map,
    )
    from geodisparity.weights import SpatialWeights  # noqa: F401
