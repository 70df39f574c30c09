"""mkdocs hook: fill the API reference pages from ``geodisparity.__all__``.

It also checks that ``docs/study-file.md`` is the reference generated from the
study-file schema (:mod:`geodisparity.config_reference`).

Each API page holds a marker ``<!-- api: NAME -->``; the hook replaces it with one
mkdocstrings block (``::: module.name``) per public name that belongs to that page, in
the order ``geodisparity/__init__.py`` lists them. A public name that no page takes
fails the build, so the reference cannot fall behind the package.
"""

from __future__ import annotations

import re
from typing import Any

#: Page marker -> module prefixes it documents; the first page whose prefix matches wins.
PAGES: list[tuple[str, tuple[str, ...]]] = [
    ("io", ("geodisparity.io",)),
    ("weights", ("geodisparity.spatial.weights", "geodisparity.spatial.contiguity_weights",
                 "geodisparity.spatial.distance", "geodisparity.spatial.interop")),
    ("targets", ("geodisparity.indicators", "geodisparity.stats.composite",
                 "geodisparity.stats.attainment", "geodisparity.taskbook")),
    ("gaps", ("geodisparity.stats",)),
    ("clusters", ("geodisparity.spatial",)),
    ("maps", ("geodisparity.maps",)),
    ("crs", ("geodisparity.crs", "geodisparity.gcj02")),
    ("rasters", ("geodisparity.raster",)),
    ("access", ("geodisparity.access",)),
    ("errors", ("geodisparity.errors",)),
]
SUBMODULES_MARKER = "submodules"
_MARKER = re.compile(r"<!-- api: (\w+) -->")


class UnplacedNameError(RuntimeError):
    """A public name of geodisparity has no page in the API reference."""


def public_names() -> tuple[dict[str, list[str]], list[str]]:
    """Return page -> ``module.name`` paths, and the submodules listed in ``__all__``."""
    import geodisparity

    blocks: dict[str, list[str]] = {page: [] for page, _ in PAGES}
    unplaced = []
    for name, module in geodisparity._EXPORTS.items():
        page = next((p for p, prefixes in PAGES if module.startswith(prefixes)), None)
        if page is None:
            unplaced.append(f"{name} ({module})")
        else:
            blocks[page].append(f"{module}.{name}")
    if unplaced:
        raise UnplacedNameError(
            "public names with no API page (add a module prefix to PAGES in "
            f"scripts/mkdocs_hooks.py): {', '.join(unplaced)}"
        )
    return blocks, sorted(geodisparity._SUBMODULES)


class StaleReferenceError(RuntimeError):
    """docs/study-file.md differs from the reference the study-file schema gives."""


def check_study_file_page(markdown: str) -> None:
    """Fail the build when the study-file reference page is not the schema's reference."""
    from geodisparity.config_reference import reference_markdown

    if markdown != reference_markdown():
        raise StaleReferenceError(
            "docs/study-file.md differs from geodisparity/config_schema.py; regenerate it with "
            "`python -m geodisparity.config_reference`"
        )


def on_page_markdown(markdown: str, page: Any, config: Any, files: Any) -> str:
    if page is not None and page.file.src_uri == "study-file.md":
        check_study_file_page(markdown)
    if "<!-- api:" not in markdown:
        return markdown
    blocks, submodules = public_names()

    def fill(match: re.Match[str]) -> str:
        key = match.group(1)
        if key == SUBMODULES_MARKER:
            return "\n\n".join(
                f"::: geodisparity.{name}\n    options:\n      members: false\n"
                "      show_root_full_path: true\n      heading_level: 3"
                for name in submodules
            )
        return "\n\n".join(f"::: {path}" for path in blocks[key])

    return _MARKER.sub(fill, markdown)
