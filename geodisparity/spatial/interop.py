"""Convert spatial weights to and from libpysal's ``W`` and ``Graph``.

libpysal has two weights types: the legacy ``libpysal.weights.W`` and the
current ``libpysal.graph.Graph``. :func:`from_libpysal` reads either,
:func:`to_libpysal` writes either (``kind="W"`` or ``kind="graph"``), and
:func:`as_weights` is what every statistic calls on its ``weights``
argument, so that each accepts :class:`SpatialWeights`, ``W`` or ``Graph``.

What a conversion keeps: the ids and their order (the rows), every weight
value, islands (regions without neighbours; a ``Graph`` stores them as a
self-loop of weight 0) and the transform, where both sides know it
(binary ``"B"``, row-standardised ``"R"``, otherwise ``"O"``, the values as
they are). A stored weight of 0 is not a link, on either side.

libpysal is optional: it is imported only when a conversion asks for it
(``pip install 'geodisparity[test]'`` provides it).

Examples
--------
>>> import numpy as np
>>> from geodisparity.spatial.weights import SpatialWeights
>>> w = SpatialWeights.from_sparse(np.array([[0, 1, 0], [1, 0, 0], [0, 0, 0]]),
...                                ids=["a", "b", "island"])
>>> from_libpysal(to_libpysal(w, kind="graph")).neighbors
{'a': ['b'], 'b': ['a'], 'island': []}
"""

from __future__ import annotations

import sys
from typing import Any, Literal

import numpy as np
import pandas as pd
import scipy.sparse as sp

from geodisparity._optional import import_optional
from geodisparity.errors import InputError, WeightsError, WeightsTypeError, format_rows
from geodisparity.spatial.weights import SpatialWeights, Transform

__all__ = ["as_weights", "from_libpysal", "to_libpysal"]

Kind = Literal["W", "graph"]


def as_weights(weights: Any, *, name: str = "weights") -> SpatialWeights:
    """Return ``weights`` as :class:`SpatialWeights`, converting libpysal's ``W`` or ``Graph``.

    Parameters
    ----------
    weights : SpatialWeights, libpysal.weights.W or libpysal.graph.Graph
        Neighbour relations, as given to a statistic.
    name : str, default "weights"
        The argument's name, for the error message.

    Returns
    -------
    SpatialWeights
        ``weights`` itself when it already is one.

    Raises
    ------
    WeightsTypeError
        ``weights`` is of another type (the message names it).
    WeightsError
        A libpysal object with weights on its diagonal (libpysal's kernels put
        ``K(0)`` there); convert it with ``from_libpysal(w, drop_diagonal=True)``.

    Examples
    --------
    >>> import libpysal
    >>> as_weights(libpysal.weights.lat2W(2, 1)).neighbors
    {0: [1], 1: [0]}
    >>> as_weights({0: [1], 1: [0]})
    Traceback (most recent call last):
    ...
    geodisparity.errors.WeightsTypeError: weights must be SpatialWeights, a libpysal W or a \
libpysal Graph; got builtins.dict. Build weights with gd.contiguity(regions), gd.knn(...) \
or SpatialWeights.from_sparse(matrix, ids)
    """
    if isinstance(weights, SpatialWeights):
        return weights
    if _libpysal_kind(weights) is not None:
        return from_libpysal(weights)
    kind = type(weights)
    raise WeightsTypeError(
        f"{name} must be SpatialWeights, a libpysal W or a libpysal Graph; got "
        f"{kind.__module__}.{kind.__qualname__}. Build weights with gd.contiguity(regions), "
        "gd.knn(...) or SpatialWeights.from_sparse(matrix, ids)"
    )


def from_libpysal(w: Any, *, drop_diagonal: bool = False) -> SpatialWeights:
    """Build :class:`SpatialWeights` from a libpysal ``W`` or ``Graph``.

    Parameters
    ----------
    w : libpysal.weights.W or libpysal.graph.Graph
        Rows follow ``w.id_order`` (``W``) or ``w.unique_ids`` (``Graph``).
    drop_diagonal : bool, default False
        libpysal kernel weights put ``K(0)`` on the diagonal; a region is not
        its own neighbour here, so such weights are refused unless this is
        True, which removes the diagonal.

    Returns
    -------
    SpatialWeights
        Transform ``"R"`` or ``"B"`` when ``w`` declares it (``W.transform``,
        ``Graph.transformation``), ``"B"`` when every weight is 1, ``"O"``
        otherwise (and for row-standardised weights whose diagonal was
        dropped, whose rows no longer sum to 1).

    Raises
    ------
    WeightsTypeError
        ``w`` is neither a ``W`` nor a ``Graph``.
    WeightsError
        ``w`` has weights on its diagonal and ``drop_diagonal`` is False.

    Examples
    --------
    >>> import libpysal
    >>> w = from_libpysal(libpysal.weights.lat2W(2, 2))
    >>> w.neighbors
    {0: [1, 2], 1: [0, 3], 2: [0, 3], 3: [1, 2]}
    >>> graph = libpysal.graph.Graph.from_arrays(["a", "a", "b", "c"], ["b", "a", "a", "c"],
    ...                                          [1.0, 0.0, 1.0, 0.0])  # "c": an island
    >>> g = from_libpysal(graph)
    >>> g.ids.tolist(), g.islands, g.transform
    (['a', 'b', 'c'], ['c'], 'B')
    >>> k = libpysal.weights.Kernel(np.array([[0.0, 0.0], [1.0, 0.0], [3.0, 0.0]]))
    >>> from_libpysal(k, drop_diagonal=True).sparse.diagonal().tolist()
    [0.0, 0.0, 0.0]
    """
    kind = _libpysal_kind(w)
    if kind is None:
        raise WeightsTypeError(
            f"w must be a libpysal.weights.W or a libpysal.graph.Graph; got {type(w).__name__}"
        )
    if kind == "graph":
        matrix, ids, declared = _graph_matrix(w)
    else:
        matrix, ids, declared = _w_matrix(w)
    matrix.eliminate_zeros()  # a stored zero is not a link (a Graph's islands are 0 self-loops)
    diagonal = matrix.diagonal()
    if diagonal.any():
        if not drop_diagonal:
            rows = ids[np.flatnonzero(diagonal)]
            raise WeightsError(
                f"w has {len(rows)} non-zero diagonal weights (libpysal kernels put K(0) "
                f"there): {format_rows(rows)}; convert it with "
                "from_libpysal(w, drop_diagonal=True) to remove them"
            )
        matrix = sp.csr_array(matrix - sp.diags_array(diagonal))
        matrix.eliminate_zeros()
        declared = "O" if declared == "R" else declared
    return SpatialWeights.from_sparse(matrix, ids, transform=_transform(declared, matrix))


def to_libpysal(weights: SpatialWeights, *, kind: Kind = "W") -> Any:
    """Convert :class:`SpatialWeights` to a libpysal ``W`` or ``Graph``.

    Parameters
    ----------
    weights : SpatialWeights
        Weights to convert; ids become libpysal's ids, in the same order.
    kind : {"W", "graph"}, default "W"
        ``"W"``: the legacy ``libpysal.weights.W``; ``"graph"``: the current
        ``libpysal.graph.Graph``.

    Returns
    -------
    libpysal.weights.W or libpysal.graph.Graph
        Same neighbours and weights; the transform (``W.transform``,
        ``Graph.transformation``) is ``"B"``, ``"R"`` or ``"O"``. Islands stay
        islands (in a ``Graph``, a self-loop of weight 0, libpysal's encoding).

    Examples
    --------
    >>> w = SpatialWeights.from_sparse(np.array([[0, 1, 0], [1, 0, 0], [0, 0, 0]]))
    >>> lw = to_libpysal(w)
    >>> lw.neighbors, lw.islands
    ({0: [1], 1: [0], 2: []}, [2])
    >>> graph = to_libpysal(w.row_standardised(), kind="graph")
    >>> graph.transformation, graph.isolates.tolist()
    ('R', [2])
    """
    if not isinstance(weights, SpatialWeights):
        raise WeightsTypeError(
            f"weights must be SpatialWeights; got {type(weights).__name__}"
        )
    if kind not in ("W", "graph"):
        raise InputError(f"kind={kind!r} is not accepted; use 'W' or 'graph'")
    libpysal = import_optional("libpysal", extra="test", purpose="to_libpysal")
    matrix = weights.sparse.copy()
    matrix.eliminate_zeros()
    if kind == "graph":
        return _to_graph(matrix, weights.ids, weights.transform, libpysal)
    return _to_w(matrix, weights.ids, weights.transform, libpysal)


def _libpysal_kind(obj: Any) -> Kind | None:
    """``"W"`` or ``"graph"`` for libpysal weights, else None (libpysal is not imported for it).

    An object can only be a libpysal one if libpysal has been imported.
    """
    libpysal = sys.modules.get("libpysal")
    if libpysal is None:
        return None
    graph = getattr(getattr(libpysal, "graph", None), "Graph", None)
    if graph is not None and isinstance(obj, graph):
        return "graph"
    legacy = getattr(getattr(libpysal, "weights", None), "W", None)
    if legacy is not None and isinstance(obj, legacy):
        return "W"
    return None


def _w_matrix(w: Any) -> tuple[sp.csr_array, pd.Index, str]:
    """CSR matrix (rows in ``id_order``), ids and declared transform of a ``W``."""
    matrix = sp.csr_array(w.sparse, dtype=float)
    return matrix, pd.Index(w.id_order), str(getattr(w, "transform", "O")).upper()


def _graph_matrix(graph: Any) -> tuple[sp.csr_array, pd.Index, str]:
    """CSR matrix (rows in ``unique_ids``), ids and declared transformation of a ``Graph``.

    Built from the adjacency table itself rather than ``Graph.sparse``, so
    that the row order is the ids' order by construction.
    """
    ids = pd.Index(graph.unique_ids).rename(None)  # libpysal names it "focal"
    adjacency = graph.adjacency
    rows = ids.get_indexer(adjacency.index.get_level_values(0))
    cols = ids.get_indexer(adjacency.index.get_level_values(1))
    values = adjacency.to_numpy(dtype=float)
    matrix = sp.csr_array((values, (rows, cols)), shape=(len(ids), len(ids)))
    return matrix, ids, str(graph.transformation).upper()


def _transform(declared: str, matrix: sp.csr_array) -> Transform:
    if declared in ("R", "B"):
        return declared  # type: ignore[return-value]
    if matrix.nnz and np.all(matrix.data == 1.0):
        return "B"
    return "O"


def _to_w(matrix: sp.csr_array, ids: pd.Index, transform: Transform, libpysal: Any) -> Any:
    keys = ids.tolist()
    ptr, idx, data = matrix.indptr, matrix.indices, matrix.data
    n = len(keys)
    neighbors = {keys[i]: [keys[j] for j in idx[ptr[i] : ptr[i + 1]]] for i in range(n)}
    values = {keys[i]: data[ptr[i] : ptr[i + 1]].tolist() for i in range(n)}
    w = libpysal.weights.W(neighbors, values, id_order=keys, silence_warnings=True)
    if transform in ("B", "R"):
        w.transform = transform  # same values; records the transform
    return w


def _to_graph(matrix: sp.csr_array, ids: pd.Index, transform: Transform, libpysal: Any) -> Any:
    """Build a ``Graph`` with focal ids in ``ids`` order; islands become self-loops of weight 0."""
    counts = np.diff(matrix.indptr)
    island = counts == 0
    per_row = np.where(island, 1, counts)  # an island gets its self-loop
    focal = np.repeat(np.arange(len(ids)), per_row)
    neighbor = np.empty(focal.size, dtype=np.intp)
    weight = np.zeros(focal.size)
    linked = ~island[focal]
    neighbor[linked] = matrix.indices
    weight[linked] = matrix.data
    neighbor[~linked] = focal[~linked]
    return libpysal.graph.Graph.from_arrays(
        ids[focal], ids[neighbor], weight, transformation=transform
    )
