"""Celery application.

Configuration comes from Django settings (namespace ``CELERY``). The beat schedule is
the union of each app's ``schedule.py`` (a plain ``BEAT_SCHEDULE`` dict), so apps add
periodic tasks without touching a shared file. Every entry carries ``expires``.
"""

import importlib
import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "telephony_admin.settings")

app = Celery("telephony_admin")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

SCHEDULE_MODULES = (
    "telephony_admin.core.schedule",
    "telephony_admin.approvals.schedule",
    "telephony_admin.workcal.schedule",
    "extensions.schedule",
    "billing.schedule",
    "billing.deductions.schedule",
    "callcenter.schedule",
    "callcenter.complaints.schedule",
)


def collect_beat_schedule() -> dict:
    schedule: dict = {}
    for name in SCHEDULE_MODULES:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name != name:
                raise
            continue
        schedule.update(getattr(module, "BEAT_SCHEDULE", {}))
    return schedule


app.conf.beat_schedule = collect_beat_schedule()
