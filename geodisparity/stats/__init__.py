"""Gap statistics: indices, decompositions, the three gaps, convergence, Markov chains.

Uncertainty (bootstrap intervals, permutation tests) and the Mann-Kendall trend
test are here too. The public functions (``gini``, ``theil_decomposition``,
``dagum_gini``, ``gaps``, ...) are exported from :mod:`geodisparity`.
"""
