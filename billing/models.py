"""Number plan, billing periods, carrier bill imports and call records (R-BIL-2/3/7).

A ``CallRecord`` is one line of a carrier's itemised bill (话费详单). It keeps both the
class of the called number from our number plan and the carrier's own call-type text;
when they disagree the record is flagged (carriers label premium calls as local).
Department and owner are those of the line *at the time of the call* (R-BIL-3).
"""

from __future__ import annotations

import enum
from datetime import date

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from telephony_admin.org.models import Department, Employee


class CallClass(models.TextChoices):
    """Class of a called number by our number plan."""

    INTERNAL = "internal", _("Internal")
    LOCAL = "local", _("Local")
    MOBILE = "mobile", _("Mobile")
    DOMESTIC = "domestic", _("Domestic long distance")
    HK_MO_TW = "hk_mo_tw", _("Hong Kong, Macau, Taiwan")
    INTERNATIONAL = "international", _("International")
    TOLL_FREE = "toll_free", _("Toll-free / 400 / 800")
    PREMIUM = "premium", _("Premium voice information")
    EMERGENCY = "emergency", _("Emergency")
    SERVICE = "service", _("Public service number")
    UNKNOWN = "unknown", _("Unknown")


LONG_DISTANCE = (CallClass.DOMESTIC, CallClass.HK_MO_TW, CallClass.INTERNATIONAL)


class CallFlag(enum.IntFlag):
    """Bits of ``CallRecord.flags``: what the import found worth a second look."""

    TYPE_MISMATCH = 1  # carrier's call type disagrees with the number plan
    NO_IP_PREFIX = 2  # long distance dialled without an IP prefix (R-LD-3)
    UNATTRIBUTED = 4  # calling line not in the directory at the call time (R-BIL-3)
    PREMIUM = 8  # premium voice-information number (R-BIL-5)
    UNKNOWN_NUMBER = 16  # the number plan does not know the called number

    @classmethod
    def labels(cls) -> dict[int, str]:
        return {
            cls.TYPE_MISMATCH: _("Carrier type differs"),
            cls.NO_IP_PREFIX: _("Long distance without IP prefix"),
            cls.UNATTRIBUTED: _("Unattributed"),
            cls.PREMIUM: _("Premium number"),
            cls.UNKNOWN_NUMBER: _("Unknown number"),
        }

    @classmethod
    def choices(cls) -> list[tuple[int, str]]:
        return [(int(k), v) for k, v in cls.labels().items()]


class RuleKind(models.TextChoices):
    CLASS = "class", _("Number class")
    IP_PREFIX = "ip_prefix", _("IP long-distance prefix")


class NumberRuleQuerySet(models.QuerySet):
    def effective_on(self, day: date):
        return self.filter(valid_from__lte=day).filter(
            Q(valid_until__isnull=True) | Q(valid_until__gte=day)
        )

    def overlapping(self, start: date, end: date):
        """Rules effective on some day of ``[start, end]``."""
        return self.filter(valid_from__lte=end).filter(
            Q(valid_until__isnull=True) | Q(valid_until__gte=start)
        )


class NumberRule(models.Model):
    """One rule of the number plan (号码规则): a prefix and a length range.

    The longest matching prefix whose length range fits wins. IP-prefix rules
    (17909, 17951, ...) are stripped before classifying and mark the call as dialled
    with an IP prefix (R-LD-3). Rules are data with effective dates.
    """

    kind = models.CharField(
        _("kind"), max_length=20, choices=RuleKind.choices, default=RuleKind.CLASS
    )
    prefix = models.CharField(
        _("prefix"),
        max_length=30,
        blank=True,
        help_text=_("Digits the called number starts with (empty matches any)."),
    )
    call_class = models.CharField(
        _("class"),
        max_length=20,
        choices=CallClass.choices,
        blank=True,
        help_text=_("Class of the numbers this rule matches (number-class rules)."),
    )
    min_length = models.PositiveSmallIntegerField(_("minimum length"), default=1)
    max_length = models.PositiveSmallIntegerField(_("maximum length"), default=30)
    valid_from = models.DateField(_("valid from"), default=date(2000, 1, 1))
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = NumberRuleQuerySet.as_manager()

    class Meta:
        ordering = ["kind", "call_class", "prefix", "valid_from"]
        verbose_name = _("number rule")
        verbose_name_plural = _("number plan")
        constraints = [
            models.CheckConstraint(
                condition=Q(max_length__gte=F("min_length")),
                name="numberrule_length_range",
            ),
            models.CheckConstraint(
                condition=Q(valid_until__isnull=True)
                | Q(valid_until__gte=F("valid_from")),
                name="numberrule_valid_range",
            ),
            models.CheckConstraint(
                condition=Q(kind=RuleKind.IP_PREFIX) | ~Q(call_class=""),
                name="numberrule_class_needed",
            ),
        ]

    def __str__(self) -> str:
        label = self.get_call_class_display() or self.get_kind_display()
        return f"{self.prefix or '*'} → {label}"


class PeriodStatus(models.TextChoices):
    # A context of their own: "Closed" of a fault or a complaint reads 已关闭.
    OPEN = "open", pgettext_lazy("billing period status", "Open")
    CLOSED = "closed", pgettext_lazy("billing period status", "Closed")


class BillingPeriod(models.Model):
    """A billing month (账期). Closed months refuse imports (R-PRV-4; issue 5 closes)."""

    month = models.DateField(_("month"), unique=True, help_text=_("First day."))
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=PeriodStatus.choices,
        default=PeriodStatus.OPEN,
    )
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("closed by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        ordering = ["-month"]
        verbose_name = _("billing period")
        verbose_name_plural = _("billing periods")
        constraints = [
            models.CheckConstraint(
                condition=Q(month__day=1), name="billingperiod_first_day"
            ),
        ]

    def __str__(self) -> str:
        return self.month.strftime("%Y-%m")

    @property
    def is_closed(self) -> bool:
        return self.status == PeriodStatus.CLOSED


class Carrier(models.Model):
    """A telephone carrier whose bills are imported, with its column mapping profile.

    ``column_map`` maps our field names (``line``, ``called``, ``start``,
    ``duration``, ``call_type``, ``charge``) to the carrier's header texts, for
    headers the built-in aliases do not know.
    """

    name = models.CharField(_("name"), max_length=100, unique=True)
    column_map = models.JSONField(_("column mapping"), default=dict, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("carrier")
        verbose_name_plural = _("carriers")

    def __str__(self) -> str:
        return self.name


class ImportStatus(models.TextChoices):
    PENDING = "pending", _("Waiting")
    RUNNING = "running", _("Importing")
    SUCCEEDED = "succeeded", _("Imported")
    CHECKED = "checked", _("Checked (dry run)")
    UNCHANGED = "unchanged", _("Already imported")
    FAILED = "failed", _("Refused")


def import_upload_to(instance: BillImport, filename: str) -> str:
    return f"billing/imports/{instance.period.month:%Y-%m}/{filename}"


class BillImport(models.Model):
    """One carrier bill file and its import (or dry run), with progress and errors."""

    period = models.ForeignKey(
        BillingPeriod,
        verbose_name=_("period"),
        on_delete=models.PROTECT,
        related_name="imports",
    )
    carrier = models.ForeignKey(
        Carrier,
        verbose_name=_("carrier"),
        on_delete=models.PROTECT,
        related_name="imports",
    )
    file = models.FileField(_("file"), upload_to=import_upload_to, max_length=255)
    original_name = models.CharField(_("file name"), max_length=255)
    sha256 = models.CharField(_("SHA-256"), max_length=64, db_index=True)
    size = models.PositiveBigIntegerField(_("size"), default=0)
    dry_run = models.BooleanField(_("dry run"), default=False)
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=ImportStatus.choices,
        default=ImportStatus.PENDING,
        db_index=True,
    )
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    rows_read = models.PositiveIntegerField(_("rows read"), default=0)
    rows_imported = models.PositiveIntegerField(_("calls imported"), default=0)
    rows_duplicate = models.PositiveIntegerField(_("duplicate calls"), default=0)
    rows_skipped = models.PositiveIntegerField(
        _("skipped lines"), default=0, help_text=_("Blank lines and totals rows.")
    )
    rows_replaced = models.PositiveIntegerField(_("calls replaced"), default=0)
    rows_unattributed = models.PositiveIntegerField(_("unattributed calls"), default=0)
    rows_flagged = models.PositiveIntegerField(_("flagged calls"), default=0)
    total_charge = models.DecimalField(
        _("total charge"), max_digits=14, decimal_places=2, default=0
    )
    error_count = models.PositiveIntegerField(_("errors"), default=0)
    errors = models.JSONField(_("errors"), default=list, blank=True)
    message = models.CharField(_("message"), max_length=500, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("imported by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("bill import")
        verbose_name_plural = _("bill imports")
        indexes = [
            models.Index(fields=["carrier", "period", "status"], name="import_cps"),
        ]

    def __str__(self) -> str:
        return f"{self.carrier} {self.period} {self.original_name}"

    @property
    def is_finished(self) -> bool:
        return self.status not in (ImportStatus.PENDING, ImportStatus.RUNNING)

    @property
    def seconds(self) -> float | None:
        if self.started_at and self.finished_at:
            return (self.finished_at - self.started_at).total_seconds()
        return None


class CallRecordQuerySet(models.QuerySet):
    def with_flag(self, flag: int):
        return self.alias(_flag=F("flags").bitand(int(flag))).filter(_flag__gt=0)

    def unattributed(self):
        return self.filter(department__isnull=True)

    def with_people(self):
        return self.select_related("department", "owner", "carrier")


class CallRecord(models.Model):
    """One call of a carrier bill, classified and attributed (R-BIL-2, R-BIL-3).

    The foreign keys have no database constraint: a bill is a million rows and
    PostgreSQL would check five deferred foreign keys per row at commit (tens of
    seconds). The importer writes ids it has just validated (its own period, carrier
    and import; department and owner from the extensions selector), and ``PROTECT``
    is still enforced by Django when the referenced rows are deleted.

    On PostgreSQL the table is partitioned by ``bill_import`` (migration 0006): each
    import is loaded into a table of its own, its indexes are built once, and it is
    attached as a partition; rows written through the ORM land in the default
    partition. A unique constraint of a partitioned table must hold the partition
    key, so the natural key is unique per import in the database; the importer
    drops a call that another import of the same carrier already holds (calls in the
    days two months' bills share, R-BIL-2) before the new rows become visible.
    """

    period = models.ForeignKey(
        BillingPeriod,
        verbose_name=_("period"),
        on_delete=models.PROTECT,
        related_name="calls",
        db_index=False,
        db_constraint=False,
    )
    carrier = models.ForeignKey(
        Carrier,
        verbose_name=_("carrier"),
        on_delete=models.PROTECT,
        related_name="calls",
        db_index=False,
        db_constraint=False,
    )
    bill_import = models.ForeignKey(
        BillImport,
        verbose_name=_("source file"),
        on_delete=models.PROTECT,
        related_name="calls",
        db_index=False,
        db_constraint=False,
    )
    row_number = models.PositiveIntegerField(_("row"))
    line_number = models.CharField(_("line"), max_length=30)
    called_number = models.CharField(_("called number"), max_length=40)
    started_at = models.DateTimeField(_("start"))
    duration_seconds = models.PositiveIntegerField(_("duration (s)"))
    charge = models.DecimalField(_("charge"), max_digits=12, decimal_places=2)
    carrier_call_type = models.CharField(
        _("carrier call type"), max_length=40, blank=True
    )
    # No index of its own: with eleven values, an index on the class alone is rarely
    # better than the month/department/owner indexes (the audits filter it within one
    # period), and its two B-trees (plain and LIKE) cost every imported call.
    call_class = models.CharField(_("class"), max_length=20, choices=CallClass.choices)
    ip_prefix = models.CharField(_("IP prefix"), max_length=10, blank=True)
    flags = models.PositiveIntegerField(_("flags"), default=0)
    department = models.ForeignKey(
        Department,
        verbose_name=_("department"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
        db_constraint=False,
    )
    owner = models.ForeignKey(
        Employee,
        verbose_name=_("owner"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
        db_constraint=False,
    )
    raw = models.TextField(_("raw row"), blank=True)

    objects = CallRecordQuerySet.as_manager()

    class Meta:
        ordering = ["-started_at", "-pk"]
        verbose_name = _("call record")
        verbose_name_plural = _("call records")
        constraints = [
            # R-BIL-2: the same call imported twice is stored once (within an import
            # here; across imports the importer checks, see the class docstring).
            models.UniqueConstraint(
                # The call time first: comparing it settles almost every
                # comparison, so building this index for a million-call bill takes
                # half the time it took with the line number (a text) first.
                fields=[
                    "started_at",
                    "line_number",
                    "called_number",
                    "duration_seconds",
                    "carrier",
                    "bill_import",
                ],
                name="callrecord_natural_key",
            ),
            models.CheckConstraint(
                condition=Q(charge__gte=0), name="callrecord_charge_not_negative"
            ),
        ]
        indexes = [
            # No (period, started_at) index: on PostgreSQL each import's partition
            # holds one month, says so in a CHECK constraint (constraint exclusion
            # skips the other months) and is read in time order through the
            # natural key. Its build cost a second per million imported calls.
            # One column each: the scoped lists filter by month first (the index
            # above orders them), these pick a department's or a person's calls
            # (bitmaps, with B-tree deduplication: a fifth of the size). Their
            # two-column forms took 0.6 s more each to build per million calls.
            models.Index(fields=["department"], name="call_department"),
            models.Index(fields=["owner"], name="call_owner"),
        ]

    def __str__(self) -> str:
        return f"{self.line_number} → {self.called_number} {self.started_at:%Y-%m-%d}"

    @property
    def flag_labels(self) -> list[str]:
        return [
            str(label) for bit, label in CallFlag.labels().items() if self.flags & bit
        ]


class CallSummary(models.Model):
    """The month's calls added up (月度话费汇总): one row per carrier, department,
    owner, line, call type and flags, with calls, seconds and charge.

    Kept by every write that changes a month's calls, in the same transaction
    (``billing.summaries``): the import and re-import of a carrier's month, the
    attribution of calls again and the resolution of unattributed lines, changes and
    deletions in the admin. The statement, department, call list and home pages and
    the quota alerts read these rows instead of adding up the month's calls per
    request. Charges are to the fen (R-BIL-7).
    """

    period = models.ForeignKey(
        BillingPeriod,
        verbose_name=_("period"),
        on_delete=models.CASCADE,
        related_name="+",
        db_index=False,  # the unique key starts with it
    )
    carrier = models.ForeignKey(
        Carrier,
        verbose_name=_("carrier"),
        on_delete=models.CASCADE,
        related_name="+",
        db_index=False,
    )
    department = models.ForeignKey(
        Department,
        verbose_name=_("department"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        db_constraint=False,
        db_index=False,
    )
    owner = models.ForeignKey(
        Employee,
        verbose_name=_("owner"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        db_constraint=False,
        db_index=False,
    )
    line_number = models.CharField(_("line"), max_length=30)
    call_class = models.CharField(_("class"), max_length=20, choices=CallClass.choices)
    flags = models.PositiveIntegerField(_("flags"), default=0)
    calls = models.PositiveIntegerField(_("calls"), default=0)
    seconds = models.PositiveBigIntegerField(_("seconds"), default=0)
    charge = models.DecimalField(_("charge"), max_digits=14, decimal_places=2)

    class Meta:
        verbose_name = _("call summary")
        verbose_name_plural = _("call summaries")
        constraints = [
            # Unattributed rows (no department, no owner) are unique by the code
            # that writes them: NULLs are distinct in a unique constraint.
            models.UniqueConstraint(
                fields=[
                    "period",
                    "carrier",
                    "department",
                    "owner",
                    "line_number",
                    "call_class",
                    "flags",
                ],
                name="callsummary_group",
            ),
            models.CheckConstraint(
                condition=Q(charge__gte=0), name="callsummary_charge_not_negative"
            ),
        ]
        indexes = [
            # A department's month (statement, department page, heads' lists) and
            # a person's month (home panel, employees' lists); the unique key
            # above serves the whole month.
            models.Index(fields=["department", "period"], name="callsummary_dept"),
            models.Index(fields=["owner", "period"], name="callsummary_owner"),
        ]

    def __str__(self) -> str:
        return f"{self.period} {self.line_number} {self.call_class} {self.calls}"
