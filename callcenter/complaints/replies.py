"""Reply templates: placeholders, filling from a case, and administration's edits.

Placeholders are ``{name}`` with a name from ``PLACEHOLDERS``; anything else between
braces is refused when a template is saved, naming the unknown placeholder. Filling
replaces the known names only (no ``str.format``: a template can never reach an
attribute of the case).
"""

from __future__ import annotations

import re

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from telephony_admin.core import config
from telephony_admin.core.services import audit_record
from telephony_admin.org.access import require

from .errors import ComplaintError
from .models import Complaint, ReplyTemplate

PLACEHOLDERS = {
    "customer": gettext_lazy("the customer's name"),
    "ticket": gettext_lazy("the case number"),
    "result": gettext_lazy("the department's solution (or why it is unfounded)"),
    "department": gettext_lazy("the responsible department"),
    "agent": gettext_lazy("the agent's name"),
    "hotline": gettext_lazy("the hotline number"),
    "accepted": gettext_lazy("the date the case was accepted"),
}

_TOKEN = re.compile(r"\{([^{}]*)\}")


def placeholder_errors(text: str) -> list[str]:
    """The unknown placeholders in ``text``, in order of appearance, once each."""
    unknown: list[str] = []
    for name in _TOKEN.findall(text or ""):
        if name not in PLACEHOLDERS and name not in unknown:
            unknown.append(name)
    return unknown


def placeholders_help() -> str:
    return ", ".join(f"{{{name}}} {label}" for name, label in PLACEHOLDERS.items())


def case_values(complaint: Complaint, *, agent=None) -> dict[str, str]:
    """What each placeholder stands for on this case (``agent``: who speaks)."""
    if complaint.founded is False:
        result = complaint.verification
    else:
        result = complaint.solution or complaint.verification
    speaker = agent or complaint.agent
    return {
        "customer": complaint.customer_name,
        "ticket": complaint.number,
        "result": result,
        "department": complaint.department.name if complaint.department_id else "",
        "agent": getattr(speaker, "name", "") or "",
        "hotline": config.get("complaints.hotline_number"),
        "accepted": timezone.localtime(complaint.accepted_at).strftime("%Y-%m-%d"),
    }


def fill(text: str, values: dict[str, str]) -> str:
    return _TOKEN.sub(
        lambda m: str(values[m.group(1)]) if m.group(1) in values else m.group(0),
        text or "",
    )


def filled(template: ReplyTemplate, complaint: Complaint, *, agent=None) -> dict:
    values = case_values(complaint, agent=agent)
    return {
        "name": template.name,
        "use": template.use,
        "subject": fill(template.subject, values),
        "body": fill(template.body, values),
    }


def _check(name: str, subject: str, body: str, *, pk: int | None = None) -> None:
    if not name.strip():
        raise ComplaintError(_("Give the template a name."), field="name")
    if ReplyTemplate.objects.filter(name=name.strip()).exclude(pk=pk).exists():
        raise ComplaintError(
            _("A template with this name exists already."), field="name"
        )
    if not body.strip():
        raise ComplaintError(_("Write the text."), field="body")
    for field, text in (("subject", subject), ("body", body)):
        unknown = placeholder_errors(text)
        if unknown:
            raise ComplaintError(
                _("Unknown placeholder %(names)s. Use only: %(known)s.")
                % {
                    "names": ", ".join(f"{{{n}}}" for n in unknown),
                    "known": ", ".join(f"{{{n}}}" for n in PLACEHOLDERS),
                },
                field=field,
            )


@transaction.atomic
def reply_template_save(
    *,
    user,
    name: str,
    use: str,
    subject: str,
    body: str,
    active: bool = True,
    template_id: int | None = None,
) -> ReplyTemplate:
    """Create or change a reply template (administration only, audited)."""
    require(user, "complaints.templates")
    _check(name, subject, body, pk=template_id)
    if template_id is None:
        template = ReplyTemplate(active=active)
        action = "complaints.template_create"
        before = {}
    else:
        template = ReplyTemplate.objects.select_for_update().get(pk=template_id)
        action = "complaints.template_update"
        before = {"name": template.name, "use": template.use, "body": template.body}
    template.name, template.use = name.strip(), use
    template.subject, template.body, template.active = subject, body, active
    template.save()
    audit_record(
        actor=user,
        action=action,
        target=template,
        details={
            "use": use,
            "active": active,
            **({"before": before} if before else {}),
        },
    )
    return template


@transaction.atomic
def reply_template_set_active(*, user, template_id: int, active: bool) -> ReplyTemplate:
    """Deactivate a template (agents no longer see it) or bring it back; audited."""
    require(user, "complaints.templates")
    template = ReplyTemplate.objects.select_for_update().get(pk=template_id)
    template.active = active
    template.save(update_fields=["active", "updated_at"])
    audit_record(
        actor=user,
        action="complaints.template_activate"
        if active
        else "complaints.template_deactivate",
        target=template,
    )
    return template
