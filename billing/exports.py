"""The call list's Excel export (通话记录导出), streamed from a server-side cursor.

The page writes a small export at once in the response; above
``EXPORT_INLINE_MAX_ROWS`` it queues an export job (``core.exports``) that the
worker builds as the requester, with the same filter and scope.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO, Any

from django.db import transaction
from django.db.models import QuerySet
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from telephony_admin.core.excel import (
    DATETIME,
    MONEY,
    NUMBER,
    Column,
    Sheet,
    write_workbook,
)
from telephony_admin.core.models import ExportJob

from .forms import CallFilter
from .models import CallClass, CallFlag, CallRecord
from .selectors import calls_visible_to, export_rows

EXPORT_KIND = "calls"


def call_filter(user, params: dict[str, Any]) -> CallFilter:
    """The calls ``user`` may see, filtered by the call list's parameters."""
    return CallFilter(params, queryset=calls_visible_to(user), user=user)


def _columns() -> list[Column]:
    return [
        Column(_("Start"), 18, DATETIME),
        Column(_("Line"), 16),
        Column(_("Called number"), 18),
        Column(_("Duration (s)"), 10, NUMBER),
        Column(_("Charge"), 10, MONEY),
        Column(pgettext("call class", "Class"), 12),
        Column(_("Carrier call type"), 14),
        Column(_("IP prefix"), 10),
        Column(_("Flags"), 16),
        Column(_("Department"), 16),
        Column(_("Owner"), 12),
        Column(_("Month"), 9),
        Column(_("Source file"), 24),
        Column(_("Row"), 8, NUMBER),
    ]


def _rows(calls: QuerySet[CallRecord]) -> Iterator[tuple]:
    flags = CallFlag.labels()
    classes = {key: str(label) for key, label in CallClass.choices}
    flag_labels: dict[int, str] = {}
    for row in export_rows(calls):
        (start, line, called, seconds, charge, cls, ctype, ip, bits, dept, owner,
         month, source, number) = row  # fmt: skip
        if bits not in flag_labels:
            flag_labels[bits] = ", ".join(
                str(label) for bit, label in flags.items() if bits & bit
            )
        yield (
            start,
            line,
            called,
            seconds,
            charge,
            classes.get(cls, cls),
            ctype,
            ip,
            flag_labels[bits],
            dept or "",
            owner or "",
            month.strftime("%Y-%m"),
            source,
            number,
        )


def calls_export_write(
    target: str | IO[bytes],
    calls: QuerySet[CallRecord],
    *,
    progress: Callable[[int], None] | None = None,
) -> int:
    """Stream the calls into ``target``; returns the rows written.

    In a transaction: on PostgreSQL the server-side cursor then needs no ``WITH
    HOLD`` copy of the result (which autocommit would make it build first).
    """
    with transaction.atomic():
        [rows] = write_workbook(
            target, [Sheet(_("Calls"), _columns(), _rows(calls))], progress=progress
        )
    return rows


def calls_export_job_write(
    job: ExportJob, path: Path, progress: Callable[[int], Any]
) -> int:
    """The export task's writer: the requester's scope and filter, their language."""
    params = dict(job.params)
    lang = params.pop("lang", None) or "zh-hans"
    with translation.override(lang):
        filterset = call_filter(job.requested_by, params)
        return calls_export_write(str(path), filterset.qs, progress=progress)
