"""What makes a month's audit stale: changes of the inputs the audit reads.

Connected in ``DeductionsConfig.ready``. Saves and deletions of the rows the rules
read mark the open months they touch (``audit_inputs_changed``), whichever path
made them (services, Django admin, commands). Long-distance requests also change
by conditional UPDATEs (decisions, lapses); their timestamps are compared by
``audit_state`` instead. Calls re-attributed by billing arrive through its
``CALLS_CHANGED`` hook.
"""

from __future__ import annotations

from datetime import date

from django.db.models.signals import post_delete, post_save, pre_save
from django.utils import timezone

from .services.audit_state import audit_inputs_changed


def _months_of_request(request) -> list[date]:
    months = [request.call_on]
    if request.placed_at:
        months.append(timezone.localtime(request.placed_at).date())
    return months


def _request_changed(sender, instance, **kwargs) -> None:
    audit_inputs_changed(months=_months_of_request(instance))


def _registration_changed(sender, instance, update_fields=None, **kwargs) -> None:
    # Matching writes only these fields, from inside the audit.
    if update_fields and set(update_fields) <= {"call", "charge", "matched_at"}:
        return
    audit_inputs_changed(months=[instance.call_date])


def _everything_changed(sender, instance, **kwargs) -> None:
    audit_inputs_changed()


def _remember(fields: tuple[str, ...]):
    """pre_save: keep the stored values of ``fields`` to compare after the save."""

    def receiver(sender, instance, **kwargs) -> None:
        stored = None
        if instance.pk is not None:
            stored = sender.objects.filter(pk=instance.pk).values(*fields).first()
        instance._audit_inputs_before = stored

    return receiver


def _if_changed(fields: tuple[str, ...]):
    def receiver(sender, instance, created=False, **kwargs) -> None:
        before = getattr(instance, "_audit_inputs_before", None)
        if created or before is None:
            audit_inputs_changed()
            return
        if any(before[f] != getattr(instance, f) for f in fields):
            audit_inputs_changed()

    return receiver


def calls_changed(months: list[date] | None) -> None:
    """billing's hook: calls of these months (all open: ``None``) were attributed
    again."""
    audit_inputs_changed(months=months)


def _setting_changed(sender, instance, **kwargs) -> None:
    if str(instance.key).startswith("deductions."):
        audit_inputs_changed()


#: Fields of the directory the rules read: the 400 lines (R-HOT-1), the class a
#: line had (R-LD-4), who a shared line's calls are charged to (R-EXT-1).
LINE_FIELDS = ("number", "kind", "class_of_service")
DEPARTMENT_FIELDS = ("head_id",)


def connect() -> None:
    from extensions.models import ClassChange, Line, LongDistanceRequest
    from telephony_admin.core.models import ConfigValue
    from telephony_admin.org.models import Department
    from telephony_admin.workcal.models import DateOverride

    from .models import PrivateCallRegistration

    pairs = [
        (post_save, LongDistanceRequest, _request_changed),
        (post_delete, LongDistanceRequest, _request_changed),
        (post_save, PrivateCallRegistration, _registration_changed),
        (post_delete, PrivateCallRegistration, _registration_changed),
        (post_save, ClassChange, _everything_changed),
        (post_delete, ClassChange, _everything_changed),
        (post_delete, Line, _everything_changed),
        (post_save, ConfigValue, _setting_changed),
        (post_delete, ConfigValue, _setting_changed),
        (post_save, DateOverride, _everything_changed),
        (post_delete, DateOverride, _everything_changed),
        (pre_save, Line, _remember(LINE_FIELDS)),
        (post_save, Line, _if_changed(LINE_FIELDS)),
        (pre_save, Department, _remember(DEPARTMENT_FIELDS)),
        (post_save, Department, _if_changed(DEPARTMENT_FIELDS)),
    ]
    names = {pre_save: "pre_save", post_save: "post_save", post_delete: "delete"}
    for signal, model, receiver in pairs:
        signal.connect(
            receiver,
            sender=model,
            weak=False,
            dispatch_uid=f"audit-inputs-{names[signal]}-{model.__name__}",
        )
