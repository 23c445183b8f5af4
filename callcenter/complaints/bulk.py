"""Steps taken on several cases in one call: their handoffs are told at once.

``complaints_send_many`` routes many registered complaints to one department in one
transaction (all or none) inside ``handoffs_grouped()``, so the department's handlers
and head each get one notice listing the cases instead of one per case.
"""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils.translation import gettext as _

from . import permissions as perm
from .errors import ComplaintError
from .handoffs import handoffs_grouped
from .models import Complaint
from .services import complaint_send


@transaction.atomic
def complaints_send_many(
    *,
    user,
    complaint_ids: list[int],
    department_id: int,
    note: str = "",
    now: datetime | None = None,
) -> list[Complaint]:
    """Send each case to ``department_id``; one refusal refuses them all."""
    perm.require_customer_service(user)
    ids = sorted(set(complaint_ids))
    if not ids:
        raise ComplaintError(_("Tick the cases to send."))
    with handoffs_grouped():
        return [
            complaint_send(
                user=user,
                complaint_id=pk,
                department_id=department_id,
                note=note,
                now=now,
            )
            for pk in ids
        ]
