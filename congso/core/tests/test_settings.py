"""Start-up rules of the settings flavours."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]


def _start_django(
    settings_module: str, extra_env: dict[str, str]
) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SECRET_KEY"}
    env.update({"DJANGO_SETTINGS_MODULE": settings_module, **extra_env})
    return subprocess.run(
        [sys.executable, "-c", "import django; django.setup(); print('started')"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_production_refuses_to_start_without_a_secret_key():
    # when
    result = _start_django("config.settings.production", {})
    # then
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY is required" in result.stderr
    assert "started" not in result.stdout


def test_production_starts_with_a_secret_key():
    # when
    result = _start_django("config.settings.production", {"DJANGO_SECRET_KEY": "x" * 50})
    # then
    assert result.returncode == 0, result.stderr
    assert "started" in result.stdout


def test_local_settings_generate_and_keep_a_secret_key(tmp_path):
    # given
    env = {"CONGSO_VAR_DIR": str(tmp_path)}
    # when
    first = _start_django("config.settings.local", env)
    key = (tmp_path / "secret_key").read_text()
    second = _start_django("config.settings.local", env)
    # then
    assert first.returncode == 0, first.stderr
    assert second.returncode == 0, second.stderr
    assert len(key) >= 40
    assert (tmp_path / "secret_key").read_text() == key
    assert oct((tmp_path / "secret_key").stat().st_mode & 0o777) == "0o600"
