"""Accessibility of services: two-step floating catchment (2SFCA) scores and their regions.

:func:`~geodisparity.access.fca.accessibility` scores demand locations (people)
by the capacity of the facilities within reach, divided among everyone who can
reach them; :func:`~geodisparity.access.regions.access_by_region` sums point
scores up to regions, weighted by population. The reachable pairs come from
:mod:`geodisparity.access.pairs` (a k-d tree bounded by the catchment, or a
travel-cost matrix).

Examples
--------
>>> import geodisparity as gd
>>> gd.accessibility.__module__
'geodisparity.access.fca'
"""

from geodisparity.access.fca import accessibility
from geodisparity.access.regions import access_by_region

__all__ = ["accessibility", "access_by_region"]
