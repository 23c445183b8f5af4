"""Deciding several requests at once from the inbox (待我审批).

Each decision goes through ``approval_decide`` exactly as a single one does (own
request refused, R-ORG-3; only a step the user may decide; the kind's guard, e.g. a
closed month; audit and notifications), each in its own transaction, so one refusal
never undoes or blocks the others. The caller gets one outcome per step asked for.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.utils.translation import gettext as _

from telephony_admin.errors import DomainError

from .models import ApprovalRequest, ApprovalStep
from .services import approval_decide


@dataclass(frozen=True)
class BulkOutcome:
    step_id: int
    request: ApprovalRequest | None
    done: bool
    reason: str = ""


def approval_decide_many(
    *, step_ids: Iterable[int], user, approve: bool, comment: str = ""
) -> list[BulkOutcome]:
    """Decide each step in turn; report per step whether it went through and why not."""
    if not approve and not comment.strip():
        raise DomainError(_("Give a reason for the rejection."), field="comment")
    outcomes = []
    for step_id in dict.fromkeys(step_ids):
        step = ApprovalStep.objects.select_related("request").filter(pk=step_id).first()
        if step is None:
            outcomes.append(
                BulkOutcome(step_id, None, False, _("This request does not exist."))
            )
            continue
        try:
            approval_decide(
                step_id=step.pk, user=user, approve=approve, comment=comment
            )
        except DomainError as exc:
            outcomes.append(BulkOutcome(step_id, step.request, False, exc.message))
        else:
            outcomes.append(BulkOutcome(step_id, step.request, True))
    return outcomes
