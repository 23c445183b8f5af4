"""What happens when a request of a kind is decided.

Domain apps register their kinds in ``AppConfig.ready``::

    registry.register("ld_request", label=_("Long-distance request"),
                      on_approved=ld_request_on_approved)

Handlers run inside the deciding transaction with ``(request, actor)``.

``guard(request, approve)`` runs before anything of a decision (or a withdrawal,
``approve=False``) is written and raises a ``DomainError`` to refuse it: a subject
that may not change now (an item of a closed month, R-PRV-4) is refused whole,
never left with its approval decided and itself unchanged.

``summary(request)`` returns the subject's key facts as ``[(label, value), ...]`` for
the inbox, where several requests are decided at once; ``field_summary("line",
"reason", (_("paid features"), "feature_labels"))`` builds one from field names (the
label is the field's verbose name) or ``(label, attribute)`` pairs.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any

from django.core.exceptions import FieldDoesNotExist, ObjectDoesNotExist
from django.db import models
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.text import capfirst
from django.utils.translation import gettext as _

Handler = Callable[[Any, Any], None]
Guard = Callable[[Any, bool], None]
Summary = Callable[[Any], list[tuple[Any, Any]]]


@dataclass(frozen=True)
class Kind:
    code: str
    label: Any
    on_approved: Handler | None = None
    on_rejected: Handler | None = None
    on_step_approved: Handler | None = None
    guard: Guard | None = None
    summary: Summary | None = None


KINDS: dict[str, Kind] = {}


def register(
    code: str,
    *,
    label: Any,
    on_approved: Handler | None = None,
    on_rejected: Handler | None = None,
    on_step_approved: Handler | None = None,
    guard: Guard | None = None,
    summary: Summary | None = None,
) -> Kind:
    kind = Kind(code, label, on_approved, on_rejected, on_step_approved, guard, summary)
    KINDS[code] = kind
    return kind


def get(code: str) -> Kind:
    return KINDS.get(code) or Kind(code, code)


def _display(value: Any) -> str:
    if value is None or value == "" or value == []:
        return "—"
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, datetime):
        return date_format(timezone.localtime(value), "Y-m-d H:i")
    if isinstance(value, date):
        return date_format(value, "Y-m-d")
    if isinstance(value, time):
        return value.strftime("%H:%M")
    if isinstance(value, list | tuple):
        return ", ".join(str(item) for item in value)
    return str(value)


def _field_row(subject: models.Model, name: str) -> tuple[Any, str]:
    field = subject._meta.get_field(name)
    if field.many_to_many:
        return capfirst(field.verbose_name), _display(
            list(getattr(subject, name).all())
        )
    if getattr(field, "choices", None):
        return capfirst(field.verbose_name), _display(
            getattr(subject, f"get_{name}_display")()
        )
    return capfirst(field.verbose_name), _display(getattr(subject, name))


def field_summary(*items: str | tuple[Any, str]) -> Summary:
    """A summary of the subject's fields (by name) or ``(label, attribute)`` pairs."""

    def summary(request) -> list[tuple[Any, Any]]:
        subject = request.subject
        if subject is None:
            return []
        rows = []
        for item in items:
            if isinstance(item, tuple):
                label, attribute = item
                value = getattr(subject, attribute)
                rows.append((label, _display(value() if callable(value) else value)))
                continue
            try:
                rows.append(_field_row(subject, item))
            except FieldDoesNotExist:
                rows.append((item, _display(getattr(subject, item, None))))
        return rows

    return summary


def summary_of(request) -> list[tuple[Any, Any]]:
    """The request's key facts from its kind's ``summary``; none when not registered."""
    kind = get(request.kind)
    if kind.summary is None:
        return []
    try:
        return kind.summary(request)
    except ObjectDoesNotExist:
        return []
