"""Exceptions and warnings raised by geodisparity.

Every error derives from :class:`GeodisparityError` and also from the built-in
exception it refines, so ``except ValueError`` keeps working for callers that do
not know this package.

Examples
--------
>>> from geodisparity.errors import GeodisparityError, InputError
>>> issubclass(InputError, ValueError) and issubclass(InputError, GeodisparityError)
True
"""

from __future__ import annotations

from collections.abc import Iterable

__all__ = [
    "GeodisparityError",
    "InputError",
    "DataFileError",
    "FileFormatError",
    "MissingColumnError",
    "DuplicateKeyError",
    "EmptyDataError",
    "CRSError",
    "GeometryError",
    "JoinError",
    "WeightsError",
    "OutputExistsError",
    "MissingDependencyError",
    "GeodisparityWarning",
    "GeometryRepairWarning",
    "IslandWarning",
    "DroppedRowsWarning",
    "ClassificationWarning",
    "format_rows",
]


class GeodisparityError(Exception):
    """Base class of every error raised by geodisparity."""


class InputError(GeodisparityError, ValueError):
    """An argument has a value that cannot be used (wrong length, NaN, negative...)."""


class DataFileError(GeodisparityError, FileNotFoundError):
    """A data file is missing or cannot be opened."""


class FileFormatError(GeodisparityError, ValueError):
    """A file exists but its format or content is not what was expected."""


class MissingColumnError(GeodisparityError, KeyError):
    """A named column is not in the table or layer."""

    def __str__(self) -> str:  # KeyError quotes its message; keep it readable
        return str(self.args[0]) if self.args else ""


class DuplicateKeyError(GeodisparityError, ValueError):
    """A key column has repeated values where each key must be unique."""


class EmptyDataError(GeodisparityError, ValueError):
    """A table, layer or array has no rows."""


class CRSError(GeodisparityError, ValueError):
    """A coordinate reference system is missing or unusable."""


class GeometryError(GeodisparityError, ValueError):
    """Geometries are empty, of the wrong type, or cannot be repaired."""


class JoinError(GeodisparityError, ValueError):
    """Rows could not be matched between boundaries and a table."""


class WeightsError(GeodisparityError, ValueError):
    """Spatial weights cannot be built or do not fit the data."""


class OutputExistsError(GeodisparityError, FileExistsError):
    """An output file exists and overwriting was not asked for."""


class MissingDependencyError(GeodisparityError, ImportError):
    """An optional package needed for this feature is not installed."""


class GeodisparityWarning(UserWarning):
    """Base class of every warning issued by geodisparity."""


class GeometryRepairWarning(GeodisparityWarning):
    """Invalid geometries were repaired."""


class IslandWarning(GeodisparityWarning):
    """Some regions have no neighbours in the spatial weights."""


class DroppedRowsWarning(GeodisparityWarning):
    """Rows with missing values were dropped (``nan="drop"``) before computing."""


class ClassificationWarning(GeodisparityWarning):
    """A map classification was adjusted (e.g. fewer classes than asked for)."""


def format_rows(labels: Iterable[object], *, limit: int = 10) -> str:
    """Format row labels for an error message, eliding past ``limit``.

    Parameters
    ----------
    labels : iterable
        Row labels (index values, keys or positions).
    limit : int, default 10
        How many to show before eliding.

    Returns
    -------
    str
        Comma-separated labels, e.g. ``"330383, 330799 and 3 more"``.

    Examples
    --------
    >>> format_rows(["330383", "330799"])
    '330383, 330799'
    >>> format_rows(range(12), limit=3)
    '0, 1, 2 and 9 more'
    >>> format_rows([])
    '(none)'
    """
    items = [str(label) for label in labels]
    if not items:
        return "(none)"
    shown = ", ".join(items[:limit])
    rest = len(items) - limit
    return f"{shown} and {rest} more" if rest > 0 else shown


# --- added with the data-safety and interop work --------------------------------------------


class WeightsTypeError(WeightsError, InputError, TypeError):
    """Weights are of a type no statistic accepts (not SpatialWeights, a libpysal W or Graph)."""


class ResourceError(GeodisparityError, MemoryError):
    """A computation would need more memory than the machine has available."""


class EncodingMismatchWarning(GeodisparityWarning):
    """A file's declared text encoding (``.cpg``, DBF language id) is contradicted by its bytes."""


class EmptyGeometryWarning(GeodisparityWarning):
    """Some regions have an empty or missing geometry; they are kept without one."""


class NearMissWarning(GeodisparityWarning):
    """Boundary vertices of different regions miss each other by rounding (contiguity)."""


class PaceWarning(GeodisparityWarning):
    """A target's pace fell back from compound to linear (a value or target not above 0)."""


__all__ += [
    "WeightsTypeError",
    "ResourceError",
    "EncodingMismatchWarning",
    "EmptyGeometryWarning",
    "NearMissWarning",
    "PaceWarning",
]


# --- added with the study-file schema -------------------------------------------------------


class NoPermutationWarning(GeodisparityWarning):
    """``permutations = 0``: no permutation test runs, so nothing is classed significant."""


__all__ += ["NoPermutationWarning"]


# --- added with raster zonal statistics (issue 12) -------------------------------------------


class RasterError(GeodisparityError, ValueError):
    """A raster cannot be used with the regions (no overlap, unsupported grid)."""


class OutsideRasterWarning(GeodisparityWarning):
    """Some regions lie wholly outside the raster; their statistics are NaN."""


__all__ += ["RasterError", "OutsideRasterWarning"]
