"""Category labels shared by the clustering statistics and the maps.

The local statistics write these labels into their ``cluster`` column and the
maps colour by them, so both sides import them from here.

Examples
--------
>>> from geodisparity.categories import LISA_LABELS
>>> LISA_LABELS[0]
'High-High'
"""

from __future__ import annotations

__all__ = [
    "HIGH_HIGH",
    "LOW_LOW",
    "HIGH_LOW",
    "LOW_HIGH",
    "NOT_SIGNIFICANT",
    "ISOLATED",
    "OTHER_POSITIVE",
    "NEGATIVE",
    "LISA_LABELS",
    "GEARY_LABELS",
    "HOTSPOT_LABELS",
    "HOTSPOT_BINS",
    "TARGET_LABELS",
    "NO_PATTERN",
    "EMERGING_PATTERNS",
    "EMERGING_LABELS",
]

HIGH_HIGH = "High-High"
LOW_LOW = "Low-Low"
HIGH_LOW = "High-Low"
LOW_HIGH = "Low-High"
NOT_SIGNIFICANT = "Not significant"
ISOLATED = "Isolated"

#: LISA cluster labels, in legend order.
LISA_LABELS: tuple[str, ...] = (HIGH_HIGH, LOW_LOW, HIGH_LOW, LOW_HIGH, NOT_SIGNIFICANT, ISOLATED)

#: Local Geary: positive association outside the High-High / Low-Low quadrants.
OTHER_POSITIVE = "Other positive"
#: Local Geary: negative association (a region unlike its neighbours).
NEGATIVE = "Negative"
#: Local Geary cluster labels (GeoDa's classes), in legend order.
GEARY_LABELS: tuple[str, ...] = (
    HIGH_HIGH, LOW_LOW, OTHER_POSITIVE, NEGATIVE, NOT_SIGNIFICANT, ISOLATED
)

#: Getis-Ord Gi* bins (the ArcGIS convention, -3..3) and their labels, in legend order.
HOTSPOT_BINS: dict[int, str] = {
    3: "Hot spot (99%)",
    2: "Hot spot (95%)",
    1: "Hot spot (90%)",
    0: NOT_SIGNIFICANT,
    -1: "Cold spot (90%)",
    -2: "Cold spot (95%)",
    -3: "Cold spot (99%)",
}
HOTSPOT_LABELS: tuple[str, ...] = (*HOTSPOT_BINS.values(), ISOLATED)

#: Labels of a target map: whether each region meets a policy target.
TARGET_LABELS: tuple[str, ...] = ("Target met", "Within 10% of target", "Target not met")

#: Emerging hot spot analysis (ArcGIS's 17 patterns): the region's pattern over time.
NO_PATTERN = "No pattern detected"
#: The eight patterns, each as a hot and a cold spot (see geodisparity.spatial.emerging).
EMERGING_PATTERNS: tuple[str, ...] = (
    "New", "Consecutive", "Intensifying", "Persistent", "Diminishing", "Sporadic",
    "Oscillating", "Historical",
)
#: Emerging hot spot labels, in legend order: hot patterns, cold patterns, no pattern.
EMERGING_LABELS: tuple[str, ...] = (
    *(f"{p} hot spot" for p in EMERGING_PATTERNS),
    *(f"{p} cold spot" for p in EMERGING_PATTERNS),
    NO_PATTERN,
)
