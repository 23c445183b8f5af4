"""Complaints for tests, registered through the service like the intake page does."""

from __future__ import annotations

from datetime import datetime

from callcenter.complaints.models import Complaint, Complexity, Kind
from callcenter.complaints.services import complaint_register


def register(
    c,
    *,
    accepted_at: datetime,
    kind: str = Kind.COMPLAINT,
    complexity: str = Complexity.GENERAL,
    phone: str = "13800138000",
    customer: str = "客户甲",
    now: datetime | None = None,
    **kw,
) -> Complaint:
    return complaint_register(
        user=c.cs_agent.user,
        customer_name=customer,
        contact_phone=phone,
        content="话机无法拨出长途",
        kind=kind,
        complexity=complexity if kind == Kind.COMPLAINT else "",
        accepted_at=accepted_at,
        now=now or accepted_at,
        **kw,
    )
