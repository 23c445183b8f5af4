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


def returned(c, *, at: datetime, solution: str = "已开通长途", **kw) -> Complaint:
    """A founded complaint the sales department solved and returned at ``at``."""
    from callcenter.complaints import services as s

    complaint = register(c, accepted_at=at, **kw)
    s.complaint_send(
        user=c.cs_agent.user,
        complaint_id=complaint.pk,
        department_id=c.dept_sales.pk,
        now=at,
    )
    s.complaint_verify(
        user=c.handler.user,
        complaint_id=complaint.pk,
        founded=True,
        explanation="属实",
        now=at,
    )
    s.complaint_solve(
        user=c.handler.user,
        complaint_id=complaint.pk,
        findings="权限缺失",
        solution=solution,
        return_now=True,
        now=at,
    )
    complaint.refresh_from_db()
    return complaint
