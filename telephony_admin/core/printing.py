"""Paper forms: what ``core/print/page.html`` needs besides the record itself.

A print view renders a template extending ``core/print/page.html`` with
``print_context(...)``: the form's title and number, the link back to the record,
the approval's steps (the approval trail) and the signature lines. Each print view
checks the same access as the record's page.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Signature:
    """One signature line: who signs (a role such as 申请人) and, when known, the
    name printed under it; the signature and the date are written by hand."""

    label: Any
    name: str = ""


def approval_steps(approval) -> list:
    """An approval's steps in order, with the people the trail prints, or []."""
    if approval is None:
        return []
    return list(
        approval.steps.select_related(
            "approver", "decided_by", "on_behalf_of"
        ).order_by("order")
    )


def approval_signatures(
    applicant_label: Any, applicant, steps: Iterable
) -> list[Signature]:
    """The applicant's line, then one per approval step (labelled as the step:
    部门负责人, 综合管理部, 总经理 ...) with whoever decided it."""
    lines = [Signature(applicant_label, getattr(applicant, "name", "") or "")]
    for step in steps:
        decided = getattr(step, "decided_by", None)
        lines.append(Signature(step.display_label, decided.name if decided else ""))
    return lines


def print_context(
    *,
    title: Any,
    number: Any = "",
    subtitle: Any = "",
    back_url: str = "",
    steps: list | None = None,
    signatures: Iterable[Signature] = (),
    **extra: Any,
) -> dict[str, Any]:
    """The context of a page extending ``core/print/page.html``; ``steps=None``
    leaves the approval trail out (a form no approval decides)."""
    return {
        "form_title": title,
        "form_number": number,
        "form_subtitle": subtitle,
        "back_url": back_url,
        "steps": steps,
        "signatures": list(signatures),
        **extra,
    }
