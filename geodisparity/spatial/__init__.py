"""Spatial clustering: weights, the permutation engine, global and local statistics.

Contiguity and distance weights, Moran's I, Geary's c, Getis-Ord G, Gi* and Gi,
LISA, local Geary; the spatial Gini; empirical-Bayes rates and Moran's I / LISA
for rates; over several periods, emerging hot spots and LISA dynamics. The
public functions (``contiguity``, ``knn``, ``moran``, ``local_moran``,
``local_gi_star``, ...) are exported from :mod:`geodisparity`.
"""
