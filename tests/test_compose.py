"""docker-compose.yml is valid and runs the whole stack."""

import os
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def compose_command():
    docker = shutil.which("docker")
    if (
        docker
        and subprocess.run([docker, "compose", "version"], capture_output=True).returncode == 0
    ):
        return [docker, "compose"]
    if legacy := shutil.which("docker-compose"):
        return [legacy]
    return None


@pytest.fixture
def compose():
    command = compose_command()
    if command is None:
        pytest.skip("no docker compose client on this machine (.ci/run installs one)")
    return command


def run_config(compose, *args):
    return subprocess.run(
        [*compose, "-f", str(ROOT / "docker-compose.yml"), "config", *args],
        cwd=ROOT,
        env={**os.environ, "SECRET_KEY": "compose-config-check"},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_compose_file_is_valid(compose):
    result = run_config(compose, "-q")

    assert result.returncode == 0, result.stderr


def test_compose_runs_every_service_with_a_health_check(compose):
    result = run_config(compose, "--services")
    services = set(result.stdout.split())

    assert services == {"web", "worker", "beat", "db", "redis", "mail"}
    text = (ROOT / "docker-compose.yml").read_text()
    assert text.count("healthcheck:") == len(services)
    assert "image: postgres:17" in text
    assert '"--maxmemory-policy", "noeviction"' in text
    assert '"--appendonly", "yes"' in text
