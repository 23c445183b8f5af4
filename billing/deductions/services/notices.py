"""Who hears of charged findings, and how: each person charged gets one message per
run or decision; each department head gets ONE digest per month and department
listing the people and their counts (not one notification per person), with a link
to the department's findings of the month. Sent together through ``notify_many``.
Held findings (``holds``) are not charged, so nobody hears of them until they are
confirmed.
"""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from billing.models import BillingPeriod
from telephony_admin.core.services import Message, notify_many
from telephony_admin.org.models import Employee


def _findings_url(period: BillingPeriod, **params) -> str:
    query = f"?month={period}"
    for key, value in params.items():
        query += f"&{key}={value}"
    return reverse("deductions:findings") + query


def person_message(person: Employee, count: int, period: BillingPeriod) -> Message:
    return Message(
        recipients=[person],
        title=_("%(count)s call violations of %(name)s in %(month)s")
        % {"count": count, "name": person.name, "month": period},
        body=_(
            "The audit of the %(month)s bill charged %(name)s for calls against the "
            "telephone rules. Ask administration if a finding is wrong."
        )
        % {"month": period, "name": person.name},
        url=_findings_url(period),
    )


def head_digest(
    head: Employee, department, people: list[tuple[Employee, int]], period
) -> Message:
    total = sum(count for _person, count in people)
    lines = [
        _("%(name)s: %(count)s") % {"name": person.name, "count": count}
        for person, count in sorted(people, key=lambda pc: (-pc[1], pc[0].name))
    ]
    return Message(
        recipients=[head],
        title=ngettext(
            "%(department)s, %(month)s: %(count)s call violation of %(people)s people",
            "%(department)s, %(month)s: %(count)s call violations of %(people)s people",
            total,
        )
        % {
            "department": department.name,
            "month": period,
            "count": total,
            "people": len(people),
        },
        body=_("The audit of the %(month)s bill charged people of your department:")
        % {"month": period}
        + "\n"
        + "\n".join(lines),
        url=_findings_url(period, department=department.pk),
    )


def charged_messages(period: BillingPeriod, counts: dict[int, int]) -> list[Message]:
    """One message per person charged and one digest per department head."""
    people = Employee.objects.filter(pk__in=[pk for pk, n in counts.items() if n])
    people = people.select_related("department__head").order_by("name", "pk")
    messages: list[Message] = []
    by_department: dict[int, tuple] = {}
    for person in people:
        count = counts[person.pk]
        messages.append(person_message(person, count, period))
        department = person.department
        head = department.head if department else None
        if head is None or head.pk == person.pk:
            continue
        entry = by_department.setdefault(department.pk, (department, head, []))
        entry[2].append((person, count))
    for department, head, listed in by_department.values():
        messages.append(head_digest(head, department, listed, period))
    return messages


def notify_charged(period: BillingPeriod, counts: dict[int, int]) -> None:
    """Tell the people charged and, in one digest each, their heads."""
    messages = charged_messages(period, counts)
    if messages:
        notify_many(messages=messages)
