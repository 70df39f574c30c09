"""Shared test settings: property-based tests run the same examples on every CI run."""

import os

from hypothesis import settings

# Under CI, hypothesis draws a fixed sequence of examples (derandomize), so that a run is
# reproducible and a new failing example is found on a developer's machine, not by chance in CI.
settings.register_profile("ci", derandomize=True, deadline=None, print_blob=True)
settings.register_profile("dev", deadline=None, print_blob=True)
settings.load_profile("ci" if os.environ.get("CI") else "dev")
