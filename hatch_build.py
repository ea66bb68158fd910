"""Build hook: compile nkwatch's optional C extensions into the wheel.

- ``nkwatch/_statsums.c``, the freshness check's stat loop, halves the check of a large dataset;
- ``nkwatch/_yamlfast.c``, the YAML reader's walk over libyaml, reads a file three times as fast, which makes a
  first index build faster than libyaml's own loader. It needs libyaml's headers (Debian's libyaml-dev), and links
  libyaml in statically where it can, so that the wheel does not depend on the library being installed where it
  runs; otherwise it links the shared library;
- ``nkwatch/_csvline.c`` makes the lines of a CSV export.

See the README's Performance section. Everything works without them, so when there is no C compiler, the platform
is Windows, ``NKWATCH_NO_EXTENSION`` is set, or one of them does not compile, the hook warns and leaves that one
out (a wheel with neither stays pure Python). An editable install compiles the modules beside their source, where
the checkout's package is imported from.
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

EXTENSIONS = {
    "_statsums": ([[]], "the Python stat loop is used"),
    "_csvline": ([[]], "the Python CSV line is used"),
    "_yamlfast": ([["-l:libyaml.a", "-Wl,--exclude-libs,ALL"], ["-lyaml"]],
                  "the Python YAML walk is used (is libyaml-dev installed?)"),
}
"""Each module under nkwatch/: the ways of linking it to try in turn, and what is used without it."""


def compile_command(source: str, target: str, libraries: list[str] = ()) -> list[str]:
    """The compiler line that builds source into the extension module target, from how Python itself was built."""
    link = shlex.split(sysconfig.get_config_var("LDSHARED") or "cc -shared")
    position_independent = shlex.split(sysconfig.get_config_var("CCSHARED") or "-fPIC")
    include = sysconfig.get_paths()["include"]
    return [*link, *position_independent, "-O2", f"-I{include}", source, "-o", target, *libraries]


class ExtensionsHook(BuildHookInterface):
    """Compile the extensions; leave out, with a warning, each one that cannot be built."""

    PLUGIN_NAME = "custom"

    def initialize(self, version: str, build_data: dict) -> None:
        """Build the modules and add them to the wheel (or, when editable, put them beside their source)."""
        reason = self._cannot_build()
        if reason:
            self.app.display_warning(f"nkwatch: not building the C extensions ({reason}); Python is used instead")
            return
        editable = version == "editable"
        self._scratch = None if editable else tempfile.mkdtemp(prefix="nkwatch-ext-")
        for module, (linkings, without) in EXTENSIONS.items():
            name = module + sysconfig.get_config_var("EXT_SUFFIX")
            target = os.path.join(self.root, "nkwatch", name) if editable else os.path.join(self._scratch, name)
            if self._compiled(module, target, linkings, without) and not editable:
                build_data["force_include"][target] = f"nkwatch/{name}"
                build_data["pure_python"] = False
                build_data["infer_tag"] = True

    def _compiled(self, module: str, target: str, linkings: list[list[str]], without: str) -> bool:
        """Compile one module into target, linking it each way in turn; warn and return False when none works."""
        for libraries in linkings:
            command = compile_command(os.path.join(self.root, "nkwatch", f"{module}.c"), target, libraries)
            try:
                done = subprocess.run(command, capture_output=True, text=True, check=False)
            except OSError as error:  # the compiler named by sysconfig is not installed
                done = subprocess.CompletedProcess(command, 1, "", str(error))
            if done.returncode == 0:
                return True
        self.app.display_warning(f"nkwatch: the C extension {module} did not compile; {without}\n"
                                 f"{' '.join(command)}\n{done.stderr.strip()}")
        return False

    def finalize(self, version: str, build_data: dict, artifact_path: str) -> None:
        """Remove the scratch folder the modules were compiled in."""
        if getattr(self, "_scratch", None):
            shutil.rmtree(self._scratch, ignore_errors=True)

    def _cannot_build(self) -> str | None:
        """Why no extension is to be built here, or None."""
        if os.environ.get("NKWATCH_NO_EXTENSION"):
            return "NKWATCH_NO_EXTENSION is set"
        if sys.platform == "win32":
            return "Windows has no fstatat, and no libyaml to link"
        missing = [module for module in EXTENSIONS if not os.path.exists(os.path.join(self.root, "nkwatch",
                                                                                      f"{module}.c"))]
        if missing:
            return f"{', '.join(missing)} source missing"
        return None
