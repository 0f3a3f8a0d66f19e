"""The settings module, loaded in fresh interpreters with different environments."""

import os
import subprocess
import sys


def run_minka(args, env_overrides, tmp_path):
    # A clean environment: none of ours, and none that the test session itself set (the browser fixture's).
    env = {k: v for k, v in os.environ.items() if not k.startswith(("MINKA_", "DJANGO_"))}
    env.update({"MINKA_DATA_DIR": str(tmp_path / "data"), **env_overrides})
    return subprocess.run(
        [sys.executable, "-m", "minka.cli", *args], env=env, capture_output=True, text=True, timeout=120, check=False
    )


def test_production_refuses_to_start_without_a_secret_key(tmp_path):
    result = run_minka(["check"], {"MINKA_ENV": "production", "MINKA_ALLOWED_HOSTS": "minka.example.org"}, tmp_path)
    assert result.returncode != 0
    assert "MINKA_SECRET_KEY" in result.stderr


def test_production_refuses_to_start_with_debug(tmp_path):
    env = {"MINKA_ENV": "production", "MINKA_SECRET_KEY": "k" * 60, "MINKA_DNI_KEY": "d" * 60, "MINKA_DEBUG": "true"}
    result = run_minka(["check"], env, tmp_path)
    assert result.returncode != 0
    assert "MINKA_DEBUG" in result.stderr


def test_production_passes_the_deployment_checklist(tmp_path):
    env = {
        "MINKA_ENV": "production",
        "MINKA_SECRET_KEY": "a-production-secret-that-is-long-and-random-enough-0123456789abcdef",
        "MINKA_ALLOWED_HOSTS": "minka.example.org",
        "MINKA_DNI_KEY": "another-long-random-key-used-only-for-dni-hashes-0123456789",
    }
    result = run_minka(["check", "--deploy", "--fail-level", "WARNING"], env, tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_to_start_without_a_dni_key(tmp_path):
    env = {"MINKA_ENV": "production", "MINKA_SECRET_KEY": "k" * 60, "MINKA_ALLOWED_HOSTS": "minka.example.org"}
    result = run_minka(["check"], env, tmp_path)
    assert result.returncode != 0
    assert "MINKA_DNI_KEY" in result.stderr


def test_embedded_mode_generates_and_keeps_its_secret_key(tmp_path):
    first = run_minka(
        ["shell", "-v", "0", "-c", "from django.conf import settings; print(settings.SECRET_KEY)"], {}, tmp_path
    )
    second = run_minka(
        ["shell", "-v", "0", "-c", "from django.conf import settings; print(settings.SECRET_KEY)"], {}, tmp_path
    )
    assert first.returncode == 0, first.stderr
    key_file = tmp_path / "data" / "secret_key"
    assert key_file.exists()
    assert oct(key_file.stat().st_mode & 0o777) == "0o600"
    assert first.stdout.strip() == second.stdout.strip() == key_file.read_text().strip()
    assert len(first.stdout.strip()) >= 50
