"""Resource ceilings shared by the statistics and the study-file checks."""

MAX_PERMUTATIONS = 99_999
