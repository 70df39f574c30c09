"""Build hook (hatchling): compile the C kernel of queen contiguity.

``geodisparity/spatial/_vertex_kernel.c`` groups a band of coordinates with
a hash table; without it the package uses a NumPy path that gives the same
neighbours, more slowly. So a machine without a C compiler gets a warning
and a pure-Python install, never a failed one. Setting
``GEODISPARITY_NO_KERNEL=1`` skips the kernel on purpose.

The kernel is built in place (next to its source), so that an editable
install imports it from the checkout; a wheel carries it as a file.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path
from typing import Any

from hatchling.builders.hooks.plugin.interface import BuildHookInterface

SOURCE = "geodisparity/spatial/_vertex_kernel.c"
MODULE = "geodisparity.spatial._vertex_kernel"


class KernelBuildHook(BuildHookInterface):
    """Compile the kernel before the wheel (or the editable wheel) is assembled."""

    PLUGIN_NAME = "custom"

    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        if self.target_name != "wheel" or os.environ.get("GEODISPARITY_NO_KERNEL"):
            return
        try:
            built = compile_kernel(Path(self.root))
        except Exception as error:  # any compiler failure: fall back to NumPy
            self.app.display_warning(
                f"geodisparity: the C kernel of contiguity was not compiled ({error}); "
                "contiguity will use its NumPy path, which is slower"
            )
            return
        build_data["pure_python"] = False
        build_data["infer_tag"] = True
        if version != "editable":
            build_data["force_include"][str(built)] = built.relative_to(self.root).as_posix()


def compile_kernel(root: Path) -> Path:
    """Compile the kernel next to its source with setuptools; return the module's path."""
    from setuptools import Distribution, Extension

    extension = Extension(MODULE, [SOURCE], extra_compile_args=_flags())
    command = Distribution({"ext_modules": [extension]}).get_command_obj("build_ext")
    command.inplace = True
    command.build_temp = str(root / "build" / "kernel")
    with contextlib.chdir(root):
        command.ensure_finalized()
        command.run()
        return root / command.get_ext_fullpath(MODULE)


def _flags() -> list[str]:
    """Optimise and warn with GCC and Clang; MSVC takes its defaults."""
    return [] if os.name == "nt" else ["-O2", "-Wall", "-Wextra"]
