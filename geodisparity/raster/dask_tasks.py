"""Tiles as Dask tasks: local threads by default, a ``dask.distributed`` cluster when given.

Each tile is one task running :func:`~geodisparity.raster.windows.tile_task`; the driver
merges the returned partials in tile order, exactly as the in-process loop does, so the
results are identical. A task carries its tile's boundary pieces and, for a file, only the
path (the worker opens it: the path must be readable from the workers); for an array,
only its tile. dask (and distributed for clusters) are optional: ``pip install
'geodisparity[dask]'``.

Examples
--------
>>> run_tasks([], mode="exact", histogram=False, client=None)
[]
"""

from __future__ import annotations

from functools import partial
from typing import Any

from geodisparity._optional import import_optional
from geodisparity.raster.accumulate import Partials
from geodisparity.raster.windows import TileTask, tile_task

__all__ = ["run_tasks", "active_client"]


def active_client() -> Any:
    """Return the current ``dask.distributed`` client, or ``None`` if there is none."""
    try:
        from distributed import default_client
    except ImportError:
        return None
    try:
        return default_client()
    except ValueError:
        return None


def run_tasks(
    tasks: list[TileTask], *, mode: str, histogram: bool, client: Any
) -> list[Partials]:
    """Run every tile as a Dask task and return the partials in tile order.

    Parameters
    ----------
    tasks : list of TileTask
        From :func:`~geodisparity.raster.windows.make_tasks`.
    mode : str
        Coverage mode (``"exact"``, ``"centre"`` or ``"all_touched"``).
    histogram : bool
        Keep value histograms (for the majority).
    client : distributed.Client or None
        Run on this cluster; ``None``: the active client if any, else local threads.

    Returns
    -------
    list of Partials
    """
    if not tasks:
        return []
    dask = import_optional("dask", extra="dask", purpose="zonal_stats(dask=True)")
    # Each task is an opaque callable: dask.delayed would otherwise walk the dataclass
    # fields (arrays of polygons) of every argument while building the graph.
    calls = [partial(tile_task, task, mode=mode, histogram=histogram) for task in tasks]
    client = client if client is not None else active_client()
    if client is None:
        delayed = [dask.delayed(call, pure=False)() for call in calls]
        return list(dask.compute(*delayed, scheduler="threads"))
    futures = [client.submit(call, pure=False) for call in calls]
    return client.gather(futures)
