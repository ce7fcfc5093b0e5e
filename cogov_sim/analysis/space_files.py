"""The parameter-space files that install with the package, and how ``--space`` finds one.

The spaces sit in ``analysis/`` at the top of the repository and install as the
package ``cogov_sim.analysis_spaces`` (``[tool.setuptools.package-dir]`` in
``pyproject.toml``). :func:`resolve_space` lets the sensitivity and calibration
commands take an existing file, a bare name (``space_default``,
``space_default.yaml``) or the documented repository path
(``analysis/space_default.yaml``): a file that exists is used as it is (in a
checkout, the repository's own); otherwise the name is looked up among the
packaged spaces.
"""

from __future__ import annotations

import os
from importlib import resources
from pathlib import Path

from cogov_sim.analysis.space import SpaceError

#: The package holding the parameter spaces (``analysis/`` of the repository).
SPACES_MODULE = "cogov_sim.analysis_spaces"
#: The folder of the spaces in the repository, as the documentation names it.
REPO_FOLDER = "analysis"


def spaces_dir() -> Path:
    """The folder of the installed parameter spaces (in a checkout: ``analysis/``)."""
    return Path(str(resources.files(SPACES_MODULE)))


def packaged_spaces() -> list[str]:
    """The names of the packaged spaces, e.g. ``['space_calibration', 'space_default']``."""
    return sorted(p.stem for p in spaces_dir().glob("*.yaml"))


def resolve_space(arg: str | os.PathLike) -> Path:
    """The space file that ``arg`` names: an existing file, else the packaged one.

    Raises:
        SpaceError: neither a file nor a packaged space of that name exists.
    """
    path = Path(arg)
    if path.is_file():
        return path
    parts = path.parts
    if len(parts) == 1 or (len(parts) == 2 and parts[0] == REPO_FOLDER):
        name = parts[-1] if path.suffix in (".yaml", ".yml") else f"{parts[-1]}.yaml"
        packaged = spaces_dir() / name
        if packaged.is_file():
            return packaged
    raise SpaceError(
        f"no parameter space {str(arg)!r}: not a file, nor a packaged space "
        f"(packaged: {', '.join(packaged_spaces())})"
    )
