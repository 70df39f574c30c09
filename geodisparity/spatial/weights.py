"""Spatial weights: which regions neighbour which, as a sparse matrix.

:class:`SpatialWeights` is the one type every clustering statistic takes. It
holds a SciPy CSR matrix whose row ``i`` lists region ``i``'s neighbours, the
region ids in row order, the transform applied (``"B"`` binary, ``"R"``
row-standardised, or ``"O"`` the values a builder produced, such as kernel
weights), and the links a builder added to connect islands.

The builders live in :mod:`geodisparity.spatial.contiguity_weights` (queen and rook
contiguity) and :mod:`geodisparity.spatial.distance` (k nearest neighbours, distance
band, kernel); :mod:`geodisparity.spatial.interop` converts to and from libpysal.

Examples
--------
>>> import numpy as np, scipy.sparse as sp
>>> w = SpatialWeights.from_sparse(sp.csr_array(np.array([[0, 1], [1, 0]])), ids=["a", "b"])
>>> w.n, w.cardinalities.tolist(), w.islands
(2, [1, 1], [])
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any, Literal

import numpy as np
import pandas as pd
import scipy.sparse as sp

from geodisparity.errors import DuplicateKeyError, InputError, WeightsError, format_rows

__all__ = ["SpatialWeights", "Transform"]

Transform = Literal["B", "R", "O"]
TRANSFORMS = ("B", "R", "O")


@dataclass(frozen=True, eq=False)
class SpatialWeights:
    """Neighbour relations between regions.

    Attributes
    ----------
    sparse : scipy.sparse.csr_array
        ``n x n`` weights; row ``i`` holds region ``i``'s neighbours. The
        diagonal is zero.
    ids : pandas.Index
        Region ids in row order (the index of the regions they were built from).
    transform : {"B", "R", "O"}
        ``"B"``: binary (1 for a neighbour); ``"R"``: rows sum to 1; ``"O"``:
        the values the builder produced (inverse distances, kernel values).
    added_links : tuple of (id, id)
        Links a builder added so that no region is left without neighbours
        (``islands="nearest"``): each pair is (island, region it was linked
        to); the link is stored in both directions. Empty when none were added.
    """

    sparse: sp.csr_array
    ids: pd.Index
    transform: Transform = "B"
    _meta: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)
    added_links: tuple[tuple[Any, Any], ...] = ()

    @classmethod
    def from_sparse(
        cls,
        matrix: Any,
        ids: Sequence[Any] | pd.Index | None = None,
        *,
        transform: Transform = "B",
        added_links: Sequence[tuple[Any, Any]] = (),
    ) -> SpatialWeights:
        """Wrap a square sparse (or dense) matrix.

        Parameters
        ----------
        matrix : array-like or scipy sparse
            Square weights matrix; the diagonal must be zero.
        ids : sequence, optional
            Region ids in row order; ``0..n-1`` when omitted.
        transform : {"B", "R", "O"}
            The transform ``matrix`` already has.
        added_links : sequence of (id, id), optional
            Links added to connect islands (see :attr:`added_links`).

        Returns
        -------
        SpatialWeights

        Examples
        --------
        >>> SpatialWeights.from_sparse([[0, 1], [1, 0]]).n
        2
        """
        csr = sp.csr_array(matrix, dtype=float)
        n_rows, n_cols = csr.shape
        if n_rows != n_cols:
            raise WeightsError(f"matrix must be square; got shape {csr.shape}")
        csr.sum_duplicates()
        csr.sort_indices()
        if csr.diagonal().any():
            raise WeightsError(
                "matrix has non-zero diagonal entries; a region is not its own neighbour"
            )
        index = pd.RangeIndex(n_rows) if ids is None else pd.Index(ids)
        if len(index) != n_rows:
            raise InputError(f"ids has {len(index)} entries but the matrix has {n_rows} rows")
        if not index.is_unique:
            raise DuplicateKeyError(
                "ids must be unique (one per region); repeated: "
                f"{format_rows(index[index.duplicated()].unique())}"
            )
        if transform not in TRANSFORMS:
            raise InputError(f"transform={transform!r} is not accepted; use 'B', 'R' or 'O'")
        links = tuple((a, b) for a, b in added_links)
        return cls(csr, index, transform, added_links=links)

    @property
    def n(self) -> int:
        """Number of regions."""
        return int(self.sparse.shape[0])

    @property
    def cardinalities(self) -> np.ndarray:
        """Number of neighbours of each region, in row order."""
        return np.diff(self.sparse.indptr)

    @property
    def islands(self) -> list[Any]:
        """Ids of regions with no neighbours."""
        return self.ids[self.cardinalities == 0].tolist()

    @property
    def neighbors(self) -> dict[Any, list[Any]]:
        """Each region id mapped to the ids of its neighbours."""
        ptr, idx, ids = self.sparse.indptr, self.sparse.indices, self.ids
        keys = ids.tolist()  # plain Python scalars, not NumPy ones
        return {keys[i]: ids[idx[ptr[i] : ptr[i + 1]]].tolist() for i in range(self.n)}

    def binary(self) -> SpatialWeights:
        """Return the binary form (1 for every neighbour)."""
        matrix = self.sparse.copy()
        matrix.data = np.ones_like(matrix.data)
        return replace(self, sparse=matrix, transform="B", _meta=dict(self._meta))

    def row_standardised(self) -> SpatialWeights:
        """Return the row-standardised form: each non-island row sums to 1."""
        if self.transform == "R":
            return self
        sums = np.asarray(self.sparse.sum(axis=1)).ravel()
        scale = np.divide(1.0, sums, out=np.zeros_like(sums), where=sums > 0)
        matrix = sp.csr_array(sp.diags_array(scale) @ self.sparse)
        matrix.sort_indices()
        return replace(self, sparse=matrix, transform="R", _meta=dict(self._meta))

    def transformed(self, transform: Transform) -> SpatialWeights:
        """Return the weights with the given transform (``"B"``, ``"R"`` or ``"O"``).

        ``"O"`` (the builder's own values) is only available on weights that
        already have it: binary or row-standardised weights cannot recover them.
        """
        if transform == "R":
            return self.row_standardised()
        if transform == "B":
            return self.binary()
        if transform == "O" and self.transform == "O":
            return self
        if transform == "O":
            raise WeightsError(
                f"transform='O' asks for the builder's original values, but these weights "
                f"have transform {self.transform!r}; rebuild them instead"
            )
        raise InputError(f"transform={transform!r} is not accepted; use 'B', 'R' or 'O'")

    def summary(self) -> str:
        """Return a short human-readable description.

        Examples
        --------
        >>> print(SpatialWeights.from_sparse([[0, 1, 0], [1, 0, 0], [0, 0, 0]]).summary())
        SpatialWeights: 3 regions, 2 links, transform B
          neighbours per region: min 0, mean 0.67, max 1
          islands (1): 2
        """
        card = self.cardinalities
        links = int(card.sum())
        lines = [
            f"SpatialWeights: {self.n} regions, {links} links, transform {self.transform}",
            f"  neighbours per region: min {card.min() if self.n else 0}, "
            f"mean {card.mean() if self.n else 0:.2f}, max {card.max() if self.n else 0}",
            f"  islands ({len(self.islands)}): {format_rows(self.islands)}",
        ]
        if self.added_links:
            pairs = [f"{a}-{b}" for a, b in self.added_links]
            lines.append(f"  links added for islands ({len(pairs)}): {format_rows(pairs)}")
        return "\n".join(lines)

    def __repr__(self) -> str:
        return (
            f"SpatialWeights(n={self.n}, links={int(self.cardinalities.sum())}, "
            f"transform={self.transform!r}, islands={len(self.islands)})"
        )
