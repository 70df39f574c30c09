"""The study-file reference, written from the schema: a docs page and terminal text.

``docs/study-file.md`` is :func:`reference_markdown` (a test and the docs
build compare them; ``python -m geodisparity.config_reference`` rewrites the
page), and ``geodisparity keys`` prints :func:`reference_text`. Both list every
key of :data:`geodisparity.config.STUDY_FILE` with its type, default, allowed
values or range, an example and what it does.

Examples
--------
>>> print(reference_text("attainment").splitlines()[0])
[attainment]  Target attainment (optional)
"""

from __future__ import annotations

import sys
import textwrap
from pathlib import Path
from typing import Any

from geodisparity import config
from geodisparity.config_schema import Key, Section, toml_value

__all__ = ["reference_markdown", "reference_text", "minimal_study", "PAGE"]

#: The docs page holding :func:`reference_markdown`, relative to the repository.
PAGE = Path("docs") / "study-file.md"

_INTRO = """\
A study file is a [TOML](https://toml.io) file that `geodisparity run study.toml` reads.
Paths in it are relative to its folder. This page lists every key that the reader accepts,
with its type, default, allowed values or range, and an example; an unknown key, a value of the
wrong type or out of range stops the run before anything is computed, with a message that names
the key and the value. `geodisparity keys` prints the same reference in the terminal
(`geodisparity keys clusters` for one section).

<!-- Generated from geodisparity/config_schema.py by `python -m geodisparity.config_reference`;
do not edit by hand: a test fails when this page and the schema differ. -->
"""


def reference_markdown() -> str:
    """Return the reference page: one table per section, then a minimal study file.

    Examples
    --------
    >>> page = reference_markdown()
    >>> "| `permutations` | whole number | `999` |" in page
    True
    """
    parts = ["# Study file reference\n", _INTRO, "## A minimal study file\n",
             "```toml\n" + minimal_study() + "```\n"]
    parts += [_section_markdown(section) for section in config.STUDY_FILE]
    return "\n".join(parts)


def _section_markdown(section: Section) -> str:
    status = "required" if section.required else "optional"
    lines = [f"## `{section.heading}`: {section.title}\n" if section.name
             else "## Top-level keys\n"]
    if section.name:
        array = " An array of tables: repeat the heading for each entry." if section.array else ""
        lines.append(f"*Section {status}.*{array} {section.description}\n")
    else:
        lines.append(f"{section.description}\n")
    lines.append("| Key | Type | Default | Allowed | Example | Description |")
    lines.append("|---|---|---|---|---|---|")
    lines += [_key_row(key) for key in section.keys]
    return "\n".join(lines) + "\n"


def _key_row(key: Key) -> str:
    cells = [f"`{key.name}`", key.kind, _default(key, code=True), _allowed(key, code=True),
             f"`{key.name} = {toml_value(key.example)}`" if key.example is not None else "",
             key.description]
    return "| " + " | ".join(cell.replace("|", "\\|") for cell in cells) + " |"


def _default(key: Key, *, code: bool = False) -> str:
    if key.required:
        return "required"
    if key.default is None:
        return "not set"
    text = toml_value(key.default)
    return f"`{text}`" if code else text


def _allowed(key: Key, *, code: bool = False) -> str:
    if key.choices is not None:
        choices = ", ".join(f"`{c}`" if code else str(c) for c in key.choices)
        return choices if code else f"one of {choices}"
    return str(key.range) if key.range is not None else ""


def reference_text(section: str | None = None) -> str:
    """Return the reference as plain text, for the terminal; ``section`` picks one.

    Raises
    ------
    KeyError
        If ``section`` names no section (the message lists them).

    Examples
    --------
    >>> print(reference_text("attainment").splitlines()[2])
      tolerance  number; default 0.05; at least 0 and less than 1
    """
    sections = config.STUDY_FILE
    if section is not None:
        sections = tuple(s for s in config.STUDY_FILE if s.name == section.strip("[]"))
        if not sections:
            names = ", ".join(s.name for s in config.STUDY_FILE if s.name)
            raise KeyError(f"no section {section!r} in a study file; sections: {names}")
    return "\n\n".join(_section_text(s) for s in sections) + "\n"


def _section_text(section: Section) -> str:
    status = "required" if section.required else "optional"
    head = (f"{section.heading}  {section.title} ({status})" if section.name
            else "Top-level keys (before the first section)")
    width = max(len(key.name) for key in section.keys)
    indent = " " * (width + 4)
    lines = [head, *textwrap.wrap(section.description, 96, initial_indent="  ",
                                  subsequent_indent="  ")]
    for key in section.keys:
        facts = [key.kind, _default_phrase(key), _allowed(key)]
        lines.append(f"  {key.name:<{width}}  {'; '.join(f for f in facts if f)}")
        lines += textwrap.wrap(key.description, 96, initial_indent=indent,
                               subsequent_indent=indent)
        if key.example is not None:
            lines.append(f"{indent}e.g. {key.name} = {toml_value(key.example)}")
    return "\n".join(lines)


def _default_phrase(key: Key) -> str:
    if key.required:
        return "required"
    return "" if key.default is None else f"default {toml_value(key.default)}"


#: Optional keys that a minimal study still shows: a table joins by id (or by name).
_MINIMAL_EXTRAS = {"table": ("key",)}


def minimal_study() -> str:
    """Return a study file with the required keys (and a table key), from their examples.

    Examples
    --------
    >>> import tomllib
    >>> config.parse_config(tomllib.loads(minimal_study())).analysis.income
    'income'
    """
    lines = []
    for section in config.STUDY_FILE:
        keys = [key for key in section.keys
                if key.required or key.name in _MINIMAL_EXTRAS.get(section.name, ())]
        optional = not section.required and section.name not in _MINIMAL_EXTRAS
        if section.name and not section.array and keys and not optional:
            lines.append(f"[{section.name}]")
            lines += [f"{key.name} = {toml_value(key.example)}" for key in keys]
            lines.append("")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> Any:
    """Write the reference page (``python -m geodisparity.config_reference [folder]``)."""
    args = sys.argv[1:] if argv is None else argv
    root = Path(args[0] if args else ".")
    (root / PAGE).write_text(reference_markdown(), encoding="utf-8", newline="\n")
    return root / PAGE


if __name__ == "__main__":  # pragma: no cover
    print(main())
