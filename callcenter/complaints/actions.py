"""The workflow steps a page offers: form, service, who may see the button.

Whether a step shows is only a convenience; the service checks state and permission
again and refuses a stale or foreign step.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from . import forms as f
from . import permissions as perm
from . import services as s
from .models import Complaint, Kind, Status


@dataclass(frozen=True)
class Action:
    name: str
    title: Any
    form: type[forms.Form]
    run: Callable[..., Any]
    allowed: Callable[[Any, Complaint], bool]
    done: Any
    primary: bool = True
    button_class: str = "primary"
    # A step with a confirmation page: the case page links to it (GET shows what
    # the step locks, POST acts); the generic step URL only sends you there.
    confirm_url: str = ""
    confirm_intro: Any = ""


def _state(complaint: Complaint, action: str) -> bool:
    return complaint.status in s.allowed_from(action)


def _cs(action: str, *, complaint_only: bool | None = None):
    def check(user, complaint: Complaint) -> bool:
        if complaint_only is True and complaint.kind != Kind.COMPLAINT:
            return False
        if complaint_only is False and complaint.kind == Kind.COMPLAINT:
            return False
        return perm.is_customer_service(user) and _state(complaint, action)

    return check


def _dept(action: str):
    def check(user, complaint: Complaint) -> bool:
        if complaint.serious and action == "solve":
            return perm.is_department_manager(user, complaint) and _state(
                complaint, action
            )
        return perm.is_department_side(user, complaint) and _state(complaint, action)

    return check


def _any_side(statuses):
    def check(user, complaint: Complaint) -> bool:
        sides = perm.is_customer_service(user) or perm.is_department_side(
            user, complaint
        )
        return sides and complaint.status in statuses

    return check


def _take_over(user, complaint: Complaint) -> bool:
    return (
        not complaint.serious
        and perm.is_department_manager(user, complaint)
        and _state(complaint, "take_over")
    )


def _sign_off(user, complaint: Complaint) -> bool:
    return perm.may_sign_off(user) and _state(complaint, "sign_off")


def _complexity(user, complaint: Complaint) -> bool:
    return complaint.kind == Kind.COMPLAINT and _any_side(
        [st for st in Status.values if st != Status.CLOSED]
    )(user, complaint)


def _reopen(user, complaint: Complaint) -> bool:
    return complaint.department_id is not None and _cs("reopen", complaint_only=True)(
        user, complaint
    )


def _without_template(data: dict) -> dict:
    return {k: v for k, v in data.items() if k != "template"}


OPEN = [st for st in Status.values if st != Status.CLOSED]

ACTIONS: dict[str, Action] = {
    a.name: a
    for a in [
        Action(
            "answer",
            _("Record the answer"),
            f.AnswerForm,
            lambda user, c, d: s.complaint_answer(user=user, complaint_id=c.pk, **d),
            _cs("answer", complaint_only=False),
            _("The answer was recorded and the case closed."),
        ),
        Action(
            "send",
            _("Send to the responsible department"),
            f.SendForm,
            lambda user, c, d: s.complaint_send(
                user=user,
                complaint_id=c.pk,
                department_id=d["department"].pk,
                note=d["note"],
            ),
            _cs("send", complaint_only=True),
            _("The handling form was sent to the department."),
        ),
        Action(
            "verify",
            _("Verify the complaint"),
            f.VerifyForm,
            lambda user, c, d: s.complaint_verify(user=user, complaint_id=c.pk, **d),
            _dept("verify"),
            _("The verification was recorded."),
        ),
        Action(
            "solve",
            _("Record findings and solution"),
            f.SolveForm,
            lambda user, c, d: s.complaint_solve(user=user, complaint_id=c.pk, **d),
            _dept("solve"),
            _("The solution was recorded."),
        ),
        Action(
            "return",
            _("Return to customer service"),
            f.NoteForm,
            lambda user, c, d: s.complaint_return(user=user, complaint_id=c.pk, **d),
            _dept("return"),
            _("The case was returned to customer service."),
        ),
        Action(
            "tell_result",
            _("Tell the customer the result"),
            f.TellResultForm,
            lambda user, c, d: s.complaint_tell_result(
                user=user, complaint_id=c.pk, **d
            ),
            _cs("tell_result"),
            _("The result told to the customer was recorded."),
        ),
        Action(
            "callback",
            _("Callback visit"),
            f.CallbackForm,
            lambda user, c, d: s.complaint_callback(
                user=user, complaint_id=c.pk, **_without_template(d)
            ),
            _cs("callback"),
            _("The callback visit was recorded."),
        ),
        Action(
            "sign_off",
            _("Sign off and close"),
            f.NoteForm,
            lambda user, c, d: s.complaint_sign_off(user=user, complaint_id=c.pk, **d),
            _sign_off,
            _("The case was signed off, closed and archived."),
            button_class="success",
            confirm_url="complaints:sign_off",
            confirm_intro=_(
                "Signing off closes and archives the case; the next page shows what "
                "it locks before you confirm."
            ),
        ),
        Action(
            "take_over",
            _("Take over (serious case)"),
            f.NoteForm,
            lambda user, c, d: s.complaint_take_over(user=user, complaint_id=c.pk, **d),
            _take_over,
            _("You took over the case."),
            primary=False,
            button_class="outline-danger",
        ),
        Action(
            "contact",
            _("Log a contact with the customer"),
            f.ContactForm,
            lambda user, c, d: s.contact_log(
                user=user, complaint_id=c.pk, **_without_template(d)
            ),
            _any_side(OPEN),
            _("The contact was logged."),
            primary=False,
            button_class="outline-primary",
        ),
        Action(
            "wait",
            _("Wait for the customer"),
            f.WaitForm,
            lambda user, c, d: s.complaint_wait(user=user, complaint_id=c.pk, **d),
            _any_side(s.allowed_from("wait")),
            _("The case waits for the customer; its clocks are paused."),
            primary=False,
            button_class="outline-secondary",
        ),
        Action(
            "resume",
            _("Customer answered: resume"),
            f.NoteForm,
            lambda user, c, d: s.complaint_resume(user=user, complaint_id=c.pk, **d),
            _any_side([Status.WAITING]),
            _("The case resumed; its due times moved by the pause."),
        ),
        Action(
            "complexity",
            _("Change the complexity"),
            f.ComplexityForm,
            lambda user, c, d: s.complaint_set_complexity(
                user=user, complaint_id=c.pk, **d
            ),
            _complexity,
            _("The complexity was changed and the due times recomputed."),
            primary=False,
            button_class="outline-secondary",
        ),
        Action(
            "reopen",
            _("Reopen"),
            f.ReopenForm,
            lambda user, c, d: s.complaint_reopen(user=user, complaint_id=c.pk, **d),
            _reopen,
            _("The case was reopened and sent back to the department."),
            primary=False,
            button_class="outline-danger",
        ),
        Action(
            "note",
            _("Add an internal note"),
            f.RequiredNoteForm,
            lambda user, c, d: s.complaint_note(user=user, complaint_id=c.pk, **d),
            _any_side(Status.values),
            _("The note was added."),
            primary=False,
            button_class="outline-secondary",
        ),
    ]
}


def available(user, complaint: Complaint) -> list[Action]:
    return [a for a in ACTIONS.values() if a.allowed(user, complaint)]
