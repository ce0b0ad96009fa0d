"""docker-compose.yml must be accepted by compose, and wire the API to the Neo4j service."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _compose() -> list[str]:
    plugin = shutil.which("docker") and subprocess.run(["docker", "compose", "version"], capture_output=True)
    if plugin and plugin.returncode == 0:
        return ["docker", "compose"]
    if shutil.which("docker-compose"):
        return ["docker-compose"]
    pytest.skip("neither 'docker compose' nor 'docker-compose' is installed")


def test_compose_config_accepts_the_file_and_points_the_api_at_neo4j() -> None:
    compose = _compose()
    result = subprocess.run([*compose, "config"], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert "LINEAGE_STORE: bolt://neo4j:7687" in result.stdout
    assert "image: neo4j:5" in result.stdout
    services = subprocess.run([*compose, "config", "--services"], cwd=ROOT, capture_output=True, text=True)
    assert sorted(services.stdout.split()) == ["api", "neo4j"]
