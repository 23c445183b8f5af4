"""Beat entries of billing (collected by ``telephony_admin/celery.py``)."""

import os

RECOVER_SECONDS = float(os.environ.get("BILL_IMPORT_RECOVER_SECONDS", "120"))

BEAT_SCHEDULE = {
    "billing-imports-recover": {
        "task": "billing.tasks.bill_imports_recover_task",
        "schedule": RECOVER_SECONDS,
        "options": {"expires": max(RECOVER_SECONDS - 10, RECOVER_SECONDS / 2)},
    },
}
