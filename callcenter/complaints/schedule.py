"""Beat entries of the complaint desk (collected by ``telephony_admin/celery.py``).

The interval can be shortened from the environment (integration tests use 2 s); the
sweep is idempotent, so a late or doubled run neither loses nor repeats an event.
"""

import os

SWEEP_SECONDS = float(os.environ.get("COMPLAINTS_SLA_SWEEP_SECONDS", "60"))

BEAT_SCHEDULE = {
    "complaints-sla-sweep": {
        "task": "callcenter.complaints.tasks.sla_sweep_task",
        "schedule": SWEEP_SECONDS,
        "options": {"expires": max(SWEEP_SECONDS - 10, SWEEP_SECONDS / 2)},
    },
}
