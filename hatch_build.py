"""Build hook: compile nkwatch's optional C extension (``nkwatch/_statsums.c``) into the wheel.

The extension halves the freshness check of a large dataset (see the README's Performance section); everything
works without it. So when there is no C compiler, the platform is Windows, or ``NKWATCH_NO_EXTENSION`` is set, the
hook warns and the wheel stays pure Python. An editable install compiles the module beside its source, where the
checkout's package is imported from.
"""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys
import sysconfig
import tempfile

from hatchling.builders.hooks.plugin.interface import BuildHookInterface

SOURCE = os.path.join("nkwatch", "_statsums.c")


def compile_command(source: str, target: str) -> list[str]:
    """The compiler line that builds source into the extension module target, from how Python itself was built."""
    link = shlex.split(sysconfig.get_config_var("LDSHARED") or "cc -shared")
    position_independent = shlex.split(sysconfig.get_config_var("CCSHARED") or "-fPIC")
    include = sysconfig.get_paths()["include"]
    return [*link, *position_independent, "-O2", f"-I{include}", source, "-o", target]


class StatSumsHook(BuildHookInterface):
    """Compile the extension; leave the wheel pure Python, with a warning, when that cannot be done."""

    PLUGIN_NAME = "custom"

    def initialize(self, version: str, build_data: dict) -> None:
        """Build the module and add it to the wheel (or, when editable, beside its source)."""
        reason = self._cannot_build()
        if reason:
            self.app.display_warning(f"nkwatch: not building the C extension ({reason}); the Python loop is used")
            return
        name = "_statsums" + sysconfig.get_config_var("EXT_SUFFIX")
        editable = version == "editable"
        self._scratch = None if editable else tempfile.mkdtemp(prefix="nkwatch-ext-")
        target = os.path.join(self.root, "nkwatch", name) if editable else os.path.join(self._scratch, name)
        command = compile_command(os.path.join(self.root, SOURCE), target)
        try:
            done = subprocess.run(command, capture_output=True, text=True, check=False)
        except OSError as error:  # the compiler named by sysconfig is not installed
            done = subprocess.CompletedProcess(command, 1, "", str(error))
        if done.returncode != 0:
            self.app.display_warning(f"nkwatch: the C extension did not compile; the Python loop is used\n"
                                     f"{' '.join(command)}\n{done.stderr.strip()}")
            return
        if not editable:
            build_data["force_include"][target] = f"nkwatch/{name}"
            build_data["pure_python"] = False
            build_data["infer_tag"] = True

    def finalize(self, version: str, build_data: dict, artifact_path: str) -> None:
        """Remove the scratch folder the module was compiled in."""
        if getattr(self, "_scratch", None):
            shutil.rmtree(self._scratch, ignore_errors=True)

    def _cannot_build(self) -> str | None:
        """Why the extension is not to be built here, or None."""
        if os.environ.get("NKWATCH_NO_EXTENSION"):
            return "NKWATCH_NO_EXTENSION is set"
        if sys.platform == "win32":
            return "Windows has no fstatat"
        if not os.path.exists(os.path.join(self.root, SOURCE)):
            return f"{SOURCE} is missing"
        return None
