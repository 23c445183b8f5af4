"""A real Celery worker with embedded beat escalates a breached clock by itself.

Runs in CI (Redis and PostgreSQL); the worker shares the test database, so the test
uses ``transactional_db`` and points the subprocess's ``DATABASE_URL`` at it.
"""

import os
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings
from django.db import connection
from django.utils import timezone

from callcenter.complaints.models import ClockKind, EventLevel, FollowUpTask, SlaEvent
from telephony_admin.core.models import Notification

from .conftest import ensure_calendar
from .factories import register

ROOT = Path(settings.BASE_DIR)


def _database_url() -> str:
    db = connection.settings_dict
    auth = quote(db["USER"] or "postgres")
    if db.get("PASSWORD"):
        auth += ":" + quote(db["PASSWORD"])
    host = db.get("HOST") or "127.0.0.1"
    port = db.get("PORT") or 5432
    return f"postgres://{auth}@{host}:{port}/{db['NAME']}"


def _private_redis(url: str) -> str:
    """A Redis database of its own, so no other worker takes this test's tasks."""
    base = url.rsplit("/", 1)[0] if url.count("/") > 2 else url
    return f"{base}/13"


@pytest.mark.postgres
@pytest.mark.redis
def test_worker_and_beat_escalate_breached_clock_without_manual_sweep__R_CMP_3(
    transactional_db, tmp_path
):
    from telephony_admin.org.tests.factories import make_company

    ensure_calendar()
    company = make_company()
    now = timezone.now()
    complaint = register(company, accepted_at=now - timedelta(days=20), now=now)
    assert not SlaEvent.objects.exists()
    env = {
        **os.environ,
        "DATABASE_URL": _database_url(),
        "REDIS_URL": _private_redis(os.environ["REDIS_URL"]),
        "CELERY_TASK_ALWAYS_EAGER": "false",
        "COMPLAINTS_SLA_SWEEP_SECONDS": "2",
        "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
        "DJANGO_SETTINGS_MODULE": "telephony_admin.settings",
    }
    log = (tmp_path / "celery.log").open("w+")
    worker = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "telephony_admin",
            "worker",
            "-B",
            "--schedule",
            str(tmp_path / "beat-schedule"),
            "--pool",
            "solo",
            "--without-gossip",
            "--without-mingle",
            "--loglevel",
            "INFO",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 90
        escalated = SlaEvent.objects.none()
        while time.monotonic() < deadline and worker.poll() is None:
            escalated = SlaEvent.objects.filter(clock__complaint=complaint)
            if escalated.filter(level=EventLevel.MAXIMUM).exists():
                break
            time.sleep(1)
    finally:
        worker.terminate()
        try:
            worker.wait(20)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait(10)
        log.seek(0)
        output = log.read()
        log.close()
    levels = set(escalated.values_list("clock__kind", "level"))
    assert levels == {
        (ClockKind.FIRST_REPLY, EventLevel.TARGET),
        (ClockKind.RESOLUTION_TARGET, EventLevel.TARGET),
        (ClockKind.RESOLUTION_MAX, EventLevel.MAXIMUM),
    }, output[-3000:]
    assert FollowUpTask.objects.filter(assignee=company.cs_agent).count() == 2
    assert Notification.objects.filter(recipient=company.gm.user).exists()
