"""What a run records about where it ran: the code's git state, the interpreter and its packages, who and
where.

Git is asked through its own command, in the directory the run starts in; without git, or outside a
repository, there is no code version rather than an error: a notebook in a scratch folder still records
its lineage.
"""

from __future__ import annotations

import getpass
import hashlib
import importlib.metadata
import platform
import socket
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

GIT_TIMEOUT = 10.0


@dataclass(frozen=True)
class GitState:
    """The commit checked out in a repository, and whether the work tree differs from it."""

    commit: str
    dirty: bool
    root: Path


@dataclass(frozen=True)
class Environment:
    """Where a run ran. ``packages`` are ``name==version`` lines, sorted; ``packages_digest`` is the
    sha256 of those lines, so two runs in the same package set have the same digest."""

    git: GitState | None
    python_version: str
    implementation: str
    executable: str
    packages: tuple[str, ...]
    packages_digest: str
    user: str | None
    host: str

    def engine_facet(self) -> dict[str, Any]:
        """The interpreter, packages, user and host, as the ``processing_engine`` facet the server maps
        to the run's ``environment.processing_engine``."""
        return {
            "name": "python",
            "version": self.python_version,
            "openlineageAdapterVersion": f"lineage-graph {_own_version()}",
            "implementation": self.implementation,
            "executable": self.executable,
            "packages_digest": self.packages_digest,
            "packages": list(self.packages),
            "user": self.user,
            "host": self.host,
        }

    def code_facet(self) -> dict[str, Any] | None:
        """The git state as the ``sourceCodeLocation`` facet: the server makes ``git:<commit>`` the
        run's code version of it, and keeps the facet (with ``dirty``) in the run's environment."""
        if self.git is None:
            return None
        return {
            "type": "git",
            "url": self.git.root.as_uri(),
            "version": self.git.commit,
            "dirty": self.git.dirty,
        }


def capture(cwd: Path | None = None) -> Environment:
    """The environment of a run starting now in ``cwd`` (the current directory by default)."""
    packages = installed_packages()
    return Environment(
        git=git_state(cwd or Path.cwd()),
        python_version=platform.python_version(),
        implementation=platform.python_implementation(),
        executable=sys.executable,
        packages=packages,
        packages_digest=packages_digest(packages),
        user=_user(),
        host=socket.gethostname(),
    )


def git_state(cwd: Path) -> GitState | None:
    """The checked-out commit of the repository holding ``cwd`` and whether its tree is dirty (tracked
    changes or untracked files not ignored); ``None`` without git, outside a repository, or before the
    first commit."""
    root = _git(cwd, "rev-parse", "--show-toplevel")
    commit = _git(cwd, "rev-parse", "--verify", "HEAD")
    status = _git(cwd, "status", "--porcelain")
    if root is None or commit is None or status is None:
        return None
    return GitState(commit=commit, dirty=bool(status), root=Path(root))


def _git(cwd: Path, *args: str) -> str | None:
    try:
        done = subprocess.run(
            ["git", *args], cwd=cwd, capture_output=True, text=True, timeout=GIT_TIMEOUT, check=False
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    return done.stdout.strip() if done.returncode == 0 else None


def installed_packages() -> tuple[str, ...]:
    """``name==version`` of every distribution the interpreter can import, sorted, each name once (the
    first on ``sys.path`` wins, as for imports)."""
    found: dict[str, str] = {}
    for dist in importlib.metadata.distributions():
        name = dist.metadata["Name"]
        if name:
            found.setdefault(name.lower(), f"{name.lower()}=={dist.version}")
    return tuple(sorted(found.values()))


def packages_digest(packages: tuple[str, ...]) -> str:
    return "sha256:" + hashlib.sha256("\n".join(packages).encode()).hexdigest()


def _user() -> str | None:
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no login name and no passwd entry (some containers)
        return None


def _own_version() -> str:
    try:
        return importlib.metadata.version("lineage-graph")
    except importlib.metadata.PackageNotFoundError:
        return "unknown"
