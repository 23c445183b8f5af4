"""The production profile and the real broker."""

import os
import subprocess
import sys

import pytest
from django.conf import settings


def test_production_profile_passes_check_deploy():
    env = {
        **{k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"},
        "PRODUCTION": "true",
        "DEBUG": "false",
        "SECRET_KEY": "x" * 20
        + "-production-secret-key-with-enough-entropy-0987654321",
        "ALLOWED_HOSTS": "tel.example.com",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


@pytest.mark.redis
@pytest.mark.django_db
def test_broker_is_redis_and_healthz_sees_it(client):
    assert settings.CELERY_BROKER_URL.startswith("redis://")
    response = client.get("/healthz")
    assert response.status_code == 200, response.json()
    assert response.json()["checks"]["broker"] == "ok"
