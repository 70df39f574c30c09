"""Write a benchmark's rows as JSON, atomically (shared by the benchmark scripts)."""

from __future__ import annotations

import json
import os
import platform
import tempfile
from pathlib import Path


def write_json(rows: list[dict[str, object]], path: Path) -> None:
    """Write ``rows`` with the Python version and machine to ``path`` (replaced whole)."""
    payload = {"python": platform.python_version(), "machine": platform.machine(), "rows": rows}
    with tempfile.NamedTemporaryFile("w", dir=path.parent, delete=False, suffix=".tmp") as tmp:
        json.dump(payload, tmp, indent=2)
    os.replace(tmp.name, path)
