"""Import optional packages with an error that says which extra installs them."""

from __future__ import annotations

import importlib
from types import ModuleType

from geodisparity.errors import MissingDependencyError

__all__ = ["import_optional"]


def import_optional(name: str, *, extra: str, purpose: str) -> ModuleType:
    """Import ``name`` or raise an error naming the extra that provides it.

    Parameters
    ----------
    name : str
        Module to import, e.g. ``"libpysal"``.
    extra : str
        The geodisparity extra that installs it, e.g. ``"test"``.
    purpose : str
        What the caller wanted it for, for the message.

    Returns
    -------
    module
        The imported module.

    Examples
    --------
    >>> import_optional("json", extra="test", purpose="an example").__name__
    'json'
    """
    try:
        return importlib.import_module(name)
    except ImportError as exc:
        raise MissingDependencyError(
            f"{purpose} needs the optional package {name!r}, which is not installed; "
            f"install it with: pip install 'geodisparity[{extra}]'"
        ) from exc
