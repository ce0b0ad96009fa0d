"""Rebuild the GraphiQL files the server ships (lineage/api/static/graphiql/) from the npm registry.

    python3 scripts/build_graphiql.py

The versions are pinned in scripts/graphiql/package.json, and every package GraphiQL pulls in is pinned,
with its integrity hash, in scripts/graphiql/package-lock.json; ``npm ci`` installs exactly those into a
temporary directory (``--ignore-scripts``: no package runs code here). Nothing is compiled: the files
copied are the prebuilt browser builds the packages publish (React's and ReactDOM's UMD builds,
GraphiQL's UMD build, which bundles everything it needs but React), byte for byte. Alongside them the
script writes

- ``SOURCES.txt``: which package, version and path each file came from, with its SHA-256;
- ``LICENSES.txt``: the licence of every package of the locked tree with its text where the package
  has one (a superset of what the GraphiQL bundle contains, so none is missed).

To move to another version, change package.json, run ``npm install --package-lock-only
--ignore-scripts`` in scripts/graphiql/, run this script, and commit all of it. Needs node and npm.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MANIFEST = ROOT / "scripts" / "graphiql"
TARGET = ROOT / "lineage" / "api" / "static" / "graphiql"
# served name -> (package, path inside it)
FILES = {
    "react.production.min.js": ("react", "umd/react.production.min.js"),
    "react-dom.production.min.js": ("react-dom", "umd/react-dom.production.min.js"),
    "graphiql.min.js": ("graphiql", "graphiql.min.js"),
    "graphiql.min.css": ("graphiql", "graphiql.min.css"),
}
LICENCE_FILE_PREFIXES = ("licen", "copying", "notice")


def install(into: Path) -> Path:
    """The locked packages, installed by ``npm ci`` into ``into``; returns its node_modules."""
    for name in ("package.json", "package-lock.json"):
        shutil.copy(MANIFEST / name, into / name)
    subprocess.run(
        ["npm", "ci", "--ignore-scripts", "--no-audit", "--no-fund", "--loglevel=error"], cwd=into, check=True
    )
    return into / "node_modules"


def version(package_dir: Path) -> str:
    version_text: str = json.loads((package_dir / "package.json").read_text(encoding="utf-8"))["version"]
    return version_text


def copy_files(modules: Path) -> list[str]:
    """Copies the served files; returns the lines of SOURCES.txt."""
    lines = []
    for served, (package, path) in FILES.items():
        source = modules / package / path
        shutil.copyfile(source, TARGET / served)
        digest = hashlib.sha256(source.read_bytes()).hexdigest()
        lines.append(f"{served}  <-  {package}@{version(modules / package)}/{path}  sha256:{digest}")
    return lines


def licences(lock: dict[str, dict[str, dict[str, str]]], modules: Path) -> str:
    """Every locked package, its declared licence, and the text of its licence files."""
    sections = []
    for key in sorted(k for k in lock["packages"] if k):
        entry = lock["packages"][key]
        directory = modules.parent / key
        name = key.rsplit("node_modules/", 1)[1]
        texts = [
            f.read_text(encoding="utf-8", errors="replace").strip()
            for f in sorted(directory.iterdir())
            if f.is_file() and f.name.lower().startswith(LICENCE_FILE_PREFIXES)
        ]
        declared = entry.get("license", "no licence field")
        body = "\n\n".join(texts) or f"(the package ships no licence file; its package.json says {declared})"
        sections.append(f"{'=' * 78}\n{name}@{entry['version']}  ({declared})\n\n{body}\n")
    return "\n".join(sections)


def main() -> int:
    lock = json.loads((MANIFEST / "package-lock.json").read_text(encoding="utf-8"))
    with tempfile.TemporaryDirectory(prefix="graphiql-build-") as work:
        modules = install(Path(work))
        if TARGET.exists():
            shutil.rmtree(TARGET)
        TARGET.mkdir(parents=True)
        sources = copy_files(modules)
        header = (
            "GraphiQL and React as the server serves them, copied unchanged from the npm packages below by\n"
            "scripts/build_graphiql.py (versions locked in scripts/graphiql/package-lock.json).\n\n"
        )
        (TARGET / "SOURCES.txt").write_text(header + "\n".join(sources) + "\n", encoding="utf-8")
        (TARGET / "LICENSES.txt").write_text(
            "The licences of the npm packages the files in this directory come from: React, ReactDOM,\n"
            "GraphiQL, and every package of GraphiQL's dependency tree as locked in\n"
            "scripts/graphiql/package-lock.json (graphiql.min.js bundles these, at the versions its own\n"
            "build resolved).\n\n" + licences(lock, modules),
            encoding="utf-8",
        )
    for line in sources:
        print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
