"""Convert spatial weights to and from libpysal's ``W``.

libpysal is optional: it is imported only when a conversion asks for it
(``pip install 'geodisparity[test]'`` provides it).

Examples
--------
>>> import numpy as np
>>> from geodisparity.spatial.weights import SpatialWeights
>>> w = SpatialWeights.from_sparse(np.array([[0, 1], [1, 0]]), ids=["a", "b"])
>>> from_libpysal(to_libpysal(w)).neighbors
{'a': ['b'], 'b': ['a']}
"""

from __future__ import annotations

from typing import Any

import numpy as np
import scipy.sparse as sp

from geodisparity._optional import import_optional
from geodisparity.errors import InputError, WeightsError, format_rows
from geodisparity.spatial.weights import SpatialWeights

__all__ = ["from_libpysal", "to_libpysal"]


def from_libpysal(w: Any, *, drop_diagonal: bool = False) -> SpatialWeights:
    """Build :class:`SpatialWeights` from a libpysal ``W``.

    Parameters
    ----------
    w : libpysal.weights.W
        Any libpysal weights object; rows follow ``w.id_order``.
    drop_diagonal : bool, default False
        libpysal kernel weights put ``K(0)`` on the diagonal; a region is not
        its own neighbour here, so such weights are refused unless this is
        True, which removes the diagonal.

    Returns
    -------
    SpatialWeights
        Transform ``"R"`` or ``"B"`` when ``w.transform`` says so, ``"B"``
        when every weight is 1, ``"O"`` otherwise.

    Examples
    --------
    >>> import libpysal
    >>> w = from_libpysal(libpysal.weights.lat2W(2, 2))
    >>> w.neighbors
    {0: [1, 2], 1: [0, 3], 2: [0, 3], 3: [1, 2]}
    >>> k = libpysal.weights.Kernel(np.array([[0.0, 0.0], [1.0, 0.0], [3.0, 0.0]]))
    >>> from_libpysal(k, drop_diagonal=True).sparse.diagonal().tolist()
    [0.0, 0.0, 0.0]
    """
    if not hasattr(w, "sparse") or not hasattr(w, "id_order"):
        raise InputError(f"w must be a libpysal.weights.W; got {type(w).__name__}")
    matrix = sp.csr_array(w.sparse, dtype=float)
    diagonal = matrix.diagonal()
    if diagonal.any():
        if not drop_diagonal:
            rows = [w.id_order[i] for i in np.flatnonzero(diagonal)]
            raise WeightsError(
                f"w has {len(rows)} non-zero diagonal weights (libpysal Kernel puts K(0) "
                f"there): {format_rows(rows)}; pass drop_diagonal=True to remove them"
            )
        matrix = sp.csr_array(matrix - sp.diags_array(diagonal))
        matrix.eliminate_zeros()
    declared = str(getattr(w, "transform", "O")).upper()
    if declared in ("R", "B"):
        transform = declared
    elif matrix.nnz and np.all(matrix.data == 1.0):
        transform = "B"
    else:
        transform = "O"
    return SpatialWeights.from_sparse(matrix, list(w.id_order), transform=transform)


def to_libpysal(weights: SpatialWeights) -> Any:
    """Convert :class:`SpatialWeights` to a libpysal ``W``.

    Parameters
    ----------
    weights : SpatialWeights
        Weights to convert; ids become the ``W``'s ids, in the same order.

    Returns
    -------
    libpysal.weights.W
        Same neighbours and weights; ``transform`` is ``"B"``, ``"R"`` or ``"O"``.
        Islands stay islands.

    Examples
    --------
    >>> w = SpatialWeights.from_sparse(np.array([[0, 1, 0], [1, 0, 0], [0, 0, 0]]))
    >>> lw = to_libpysal(w)
    >>> lw.neighbors, lw.islands
    ({0: [1], 1: [0], 2: []}, [2])
    """
    if not isinstance(weights, SpatialWeights):
        raise InputError(f"weights must be SpatialWeights; got {type(weights).__name__}")
    libpysal = import_optional("libpysal", extra="test", purpose="to_libpysal")
    matrix = weights.sparse
    ids = weights.ids.tolist()
    ptr, idx, data = matrix.indptr, matrix.indices, matrix.data
    neighbors = {ids[i]: [ids[j] for j in idx[ptr[i] : ptr[i + 1]]] for i in range(weights.n)}
    values = {ids[i]: data[ptr[i] : ptr[i + 1]].tolist() for i in range(weights.n)}
    w = libpysal.weights.W(neighbors, values, id_order=ids, silence_warnings=True)
    if weights.transform in ("B", "R"):
        w.transform = weights.transform  # same values; records the transform
    return w
