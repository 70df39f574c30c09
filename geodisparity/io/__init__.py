"""Boundaries and tables in: readers for every format, key repair, and the join with its report.

The public functions (``read_boundaries``, ``read_table``, ``join``, ``JoinReport``) are
exported from :mod:`geodisparity`.
"""
