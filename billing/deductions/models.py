"""Quotas (限额), audit findings (违规), private calls (私人电话), fines (罚款), closing.

Amounts are yuan with two decimals (R-BIL-7). Call records belong to billing; a
corrected bill replaces a month's records, so links to them carry no database
constraint and keep the call's natural key to be re-attached (see ``audits``).
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from billing.models import BillingPeriod, CallRecord, PeriodStatus
from telephony_admin.org.models import Department, Employee

MONEY = {"max_digits": 12, "decimal_places": 2}


class PlanStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PENDING = "pending", _("Waiting for approval")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")


class QuotaPlan(models.Model):
    """A year's phone-charge quota plan (年度话费限额), approved by the GM (R-BIL-1)."""

    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    status = models.CharField(
        _("status"), max_length=10, choices=PlanStatus.choices, default="draft"
    )
    approval = models.OneToOneField(
        "approvals.ApprovalRequest",
        verbose_name=_("approval"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("proposed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)

    class Meta:
        ordering = ["-year"]
        verbose_name = _("quota plan")
        verbose_name_plural = _("quota plans")

    def __str__(self) -> str:
        return _("Quota plan %(year)s") % {"year": self.year}

    @property
    def editable(self) -> bool:
        return self.status in (PlanStatus.DRAFT, PlanStatus.REJECTED)


class DepartmentQuota(models.Model):
    """One department's monthly amount in a plan, with the figures it came from."""

    plan = models.ForeignKey(
        QuotaPlan, on_delete=models.CASCADE, related_name="departments"
    )
    department = models.ForeignKey(
        Department,
        verbose_name=_("department"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    staff_count = models.PositiveSmallIntegerField(_("staff"), default=0)
    manager_count = models.PositiveSmallIntegerField(_("managers"), default=0)
    duty_amount = models.DecimalField(_("duty lines"), default=0, **MONEY)
    proposed_amount = models.DecimalField(_("proposed"), default=0, **MONEY)
    monthly_amount = models.DecimalField(_("monthly quota"), **MONEY)

    class Meta:
        ordering = ["department__code"]
        verbose_name = _("department quota")
        verbose_name_plural = _("department quotas")
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "department"], name="deductions_quota_unique"
            ),
            models.CheckConstraint(
                condition=Q(monthly_amount__gte=0), name="deductions_quota_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.department} {self.monthly_amount}"


class LineQuota(models.Model):
    """An optional quota for one line; a duty line's amount adds to its department."""

    plan = models.ForeignKey(QuotaPlan, on_delete=models.CASCADE, related_name="lines")
    line = models.ForeignKey(
        "extensions.Line",
        verbose_name=_("line"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    monthly_amount = models.DecimalField(_("monthly quota"), **MONEY)
    is_duty = models.BooleanField(_("duty line"), default=False)

    class Meta:
        ordering = ["line__number"]
        verbose_name = _("line quota")
        verbose_name_plural = _("line quotas")
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "line"], name="deductions_line_quota_unique"
            ),
            models.CheckConstraint(
                condition=Q(monthly_amount__gte=0),
                name="deductions_line_quota_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.line} {self.monthly_amount}"


class QuotaOverride(models.Model):
    """A department's quota changed for one month of an approved plan."""

    department = models.ForeignKey(
        Department, verbose_name=_("department"), on_delete=models.PROTECT
    )
    month = models.DateField(_("month"))
    amount = models.DecimalField(_("monthly quota"), **MONEY)
    reason = models.CharField(_("reason"), max_length=300)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    changed_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("quota change for a month")
        verbose_name_plural = _("quota changes for a month")
        constraints = [
            models.UniqueConstraint(
                fields=["department", "month"], name="deductions_override_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.department} {self.month:%Y-%m} {self.amount}"


class QuotaAlert(models.Model):
    """A department passed a threshold of its month's quota; sent once (R-BIL-1)."""

    department = models.ForeignKey(
        Department, on_delete=models.CASCADE, related_name="+"
    )
    month = models.DateField(_("month"))
    threshold = models.PositiveSmallIntegerField(_("threshold (%)"))
    actual = models.DecimalField(_("actual"), **MONEY)
    quota = models.DecimalField(_("quota"), **MONEY)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-month", "department"]
        constraints = [
            models.UniqueConstraint(
                fields=["department", "month", "threshold"],
                name="deductions_alert_once",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.department} {self.month:%Y-%m} {self.threshold}%"


class Rule(models.TextChoices):
    PREMIUM = "premium", _("Premium number")  # R-BIL-5
    LD_UNAUTHORISED = "ld_unauthorised", _("Long distance without right")  # R-LD-4
    LD_LAPSED = "ld_lapsed", _("Lapsed urgent long distance")  # R-LD-2
    PRIVATE_UNREGISTERED = "private", _("Unregistered private call")  # R-PRV-3
    NO_IP_PREFIX = "no_ip", _("Long distance without IP prefix")  # R-LD-3
    NIGHT_WEEKEND = "night", _("Night or weekend call")
    LONG_CALL = "long", _("Very long call")
    REPEATED = "repeated", _("Repeated calls to one number")
    HOTLINE_OUTBOUND = "hotline_out", _("Outgoing call from the 400 line")  # R-HOT-1


#: Rules whose findings are charged unless waived; the others are review flags.
UNAMBIGUOUS = frozenset(
    {Rule.PREMIUM, Rule.LD_UNAUTHORISED, Rule.LD_LAPSED, Rule.PRIVATE_UNREGISTERED}
)


class FindingKind(models.TextChoices):
    VIOLATION = "violation", _("Violation")
    REVIEW = "review", _("Review flag")


class FindingStatus(models.TextChoices):
    """A finding's status: these labels are the words every page, notice and the
    workbook show (one set of words everywhere)."""

    OPEN = "open", _("To review")
    #: Held (待确认): an abnormal number of new findings of a rule that depends on
    #: the company's own set-up; charges and tells nobody until confirmed.
    HELD = "held", _("Held for confirmation")
    CHARGED = "charged", _("Charged")
    WAIVED = "waived", _("Waived")
    DISMISSED = "dismissed", _("Dismissed")


#: Rules whose findings depend on the company's own set-up (the class-of-service
#: table, the long-distance approvals): held when a run finds abnormally many
#: (R-LD-4, R-LD-2). Premium numbers (R-BIL-5) are charged whatever their number.
HOLDABLE = frozenset({Rule.LD_UNAUTHORISED, Rule.LD_LAPSED})


class ViolationQuerySet(models.QuerySet):
    def charged(self):
        return self.filter(status=FindingStatus.CHARGED)


class Violation(models.Model):
    """An audit finding on one call record (违规 or review flag), unique per rule."""

    # No database constraints and only the indexes the pages and the audit read: a
    # million-call month has some 440,000 findings, written by one INSERT ... SELECT
    # per rule (see ``services.audit_sql``); each index and deferred foreign-key
    # check costs every one of them. On PostgreSQL the table is partitioned by month
    # (migration 0004): a month's first audit fills its partition unindexed and
    # attaches it, building each index in one sort (``services.findings_partition``). The audit writes ids it has just read from the
    # tables, and Django still enforces PROTECT when those rows are deleted.
    call = models.ForeignKey(
        CallRecord,
        verbose_name=_("call"),
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        db_index=False,  # the unique (call, rule) constraint serves look-ups by call
        related_name="+",
    )
    period = models.ForeignKey(
        BillingPeriod,
        verbose_name=_("month"),
        on_delete=models.PROTECT,
        db_constraint=False,
        db_index=False,  # every index below starts with the month
    )
    rule = models.CharField(_("rule"), max_length=20, choices=Rule.choices)
    kind = models.CharField(_("kind"), max_length=10, choices=FindingKind.choices)
    status = models.CharField(_("status"), max_length=10, choices=FindingStatus.choices)
    employee = models.ForeignKey(
        Employee,
        verbose_name=_("charged to"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        db_constraint=False,
        db_index=False,
        related_name="+",
    )
    department = models.ForeignKey(
        Department,
        verbose_name=_("department"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        db_constraint=False,
        db_index=False,
        related_name="+",
    )
    line_number = models.CharField(_("line"), max_length=30)
    called_number = models.CharField(_("called number"), max_length=40)
    started_at = models.DateTimeField(_("start"))
    duration_seconds = models.PositiveIntegerField(_("duration (s)"), default=0)
    call_class = models.CharField(_("call type"), max_length=20, blank=True)
    charge = models.DecimalField(_("charge"), **MONEY)
    multiplier = models.DecimalField(
        _("multiplier"), max_digits=6, decimal_places=2, default=Decimal(1)
    )
    fine = models.DecimalField(_("fine"), default=0, **MONEY)
    amount = models.DecimalField(_("amount"), **MONEY)
    ld_request_id = models.PositiveIntegerField(null=True, blank=True)
    note = models.CharField(_("reason"), max_length=300, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        db_index=False,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_reason = models.CharField(_("decision reason"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("found at"), auto_now_add=True)

    objects = ViolationQuerySet.as_manager()

    class Meta:
        ordering = ["-started_at", "-pk"]
        verbose_name = _("audit finding")
        verbose_name_plural = _("audit findings")
        constraints = [
            # Audits are idempotent: one finding per call and rule. The month is
            # part of the key because PostgreSQL partitions findings by month (a
            # call belongs to one month, so the key is the same).
            models.UniqueConstraint(
                fields=["call", "rule", "period"], name="deductions_violation_once"
            ),
            models.CheckConstraint(
                condition=Q(amount__gte=0), name="deductions_violation_amount"
            ),
        ]
        indexes = [
            # The findings list: a month in time order (no sort of the month).
            models.Index(
                fields=["period", "-started_at", "-id"], name="violation_period_time"
            ),
            # A person's own findings. No (period, rule) or (period, department)
            # index: counts and sums per rule and department come from
            # FindingTotal, and a head's list reads the month in time order (a
            # department is a large share of it). Each index cost some 2 s per
            # 450,000 findings inserted.
            models.Index(fields=["period", "employee"], name="violation_period_emp"),
        ]

    def __str__(self) -> str:
        return f"{self.get_rule_display()} {self.line_number} → {self.called_number}"

    @property
    def is_unambiguous(self) -> bool:
        return self.rule in UNAMBIGUOUS


class RegistrationStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for the head's consent")
    CONSENTED = "consented", _("Consented")
    REFUSED = "refused", _("Refused")
    CANCELLED = "cancelled", _("Withdrawn")


class PrivateCallRegistration(models.Model):
    """私人电话登记: a private call the employee declares (R-PRV-1), matched to the
    bill after import and charged to them (R-PRV-2)."""

    employee = models.ForeignKey(
        Employee,
        verbose_name=_("employee"),
        on_delete=models.PROTECT,
        related_name="private_calls",
    )
    department = models.ForeignKey(
        Department,
        verbose_name=_("department"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    call_date = models.DateField(_("date"))
    approx_time = models.TimeField(_("approximate time"))
    line_number = models.CharField(_("line"), max_length=30)
    called_number = models.CharField(_("number called"), max_length=40)
    duration_minutes = models.PositiveSmallIntegerField(_("duration (min)"))
    reason = models.CharField(_("reason"), max_length=300)
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=RegistrationStatus.choices,
        default=RegistrationStatus.PENDING,
    )
    approval = models.OneToOneField(
        "approvals.ApprovalRequest",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    period = models.ForeignKey(
        BillingPeriod, verbose_name=_("month"), on_delete=models.PROTECT
    )
    call = models.ForeignKey(
        CallRecord,
        verbose_name=_("matched call"),
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    charge = models.DecimalField(_("charge"), null=True, blank=True, **MONEY)
    matched_at = models.DateTimeField(_("matched at"), null=True, blank=True)
    created_at = models.DateTimeField(_("registered at"), auto_now_add=True)

    class Meta:
        ordering = ["-call_date", "-approx_time", "-pk"]
        verbose_name = _("private call registration")
        verbose_name_plural = _("private call registrations")
        constraints = [
            models.UniqueConstraint(
                fields=["call"],
                condition=Q(call__isnull=False),
                name="deductions_registration_one_call",
            ),
            models.CheckConstraint(
                condition=Q(duration_minutes__gte=1),
                name="deductions_registration_duration",
            ),
        ]

    def __str__(self) -> str:
        return _("Private call %(number)s on %(date)s") % {
            "number": self.called_number,
            "date": self.call_date,
        }


class FineType(models.TextChoices):
    ETIQUETTE = "etiquette", _("Etiquette")
    USE = "use", _("Phone use")
    CHARGES = "charges", _("Charges")


class Fine(models.Model):
    """A conduct fine (R-PEN-1) with the direct supervisor's joint share (80%)."""

    employee = models.ForeignKey(
        Employee,
        verbose_name=_("employee"),
        on_delete=models.PROTECT,
        related_name="fines",
    )
    supervisor = models.ForeignKey(
        Employee,
        verbose_name=_("direct supervisor"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="supervised_fines",
    )
    fine_type = models.CharField(_("type"), max_length=12, choices=FineType.choices)
    occurred_on = models.DateField(_("date"))
    period = models.ForeignKey(
        BillingPeriod, verbose_name=_("month"), on_delete=models.PROTECT
    )
    base_amount = models.DecimalField(_("standard fine"), **MONEY)
    multiplier = models.PositiveSmallIntegerField(_("multiple"), default=1)
    amount = models.DecimalField(_("fine"), **MONEY)
    supervisor_amount = models.DecimalField(_("supervisor's share"), **MONEY)
    reason = models.CharField(_("reason"), max_length=300)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        ordering = ["-occurred_on", "-pk"]
        verbose_name = _("fine")
        verbose_name_plural = _("fines")
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__gte=0, supervisor_amount__gte=0),
                name="deductions_fine_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(multiplier__gte=1), name="deductions_fine_multiple"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.employee} {self.get_fine_type_display()} {self.amount}"


class PeriodAction(models.TextChoices):
    EXPORTED = "exported", _("Workbook exported")
    # The month's own word for closed (one set of status words everywhere).
    CLOSED = "closed", PeriodStatus.CLOSED.label
    REOPENED = "reopened", _("Reopened")


class PeriodEvent(models.Model):
    """Append-only history of a month's exports, closing and reopening (R-PRV-4)."""

    period = models.ForeignKey(
        BillingPeriod, on_delete=models.CASCADE, related_name="deduction_events"
    )
    action = models.CharField(_("action"), max_length=10, choices=PeriodAction.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reason = models.CharField(_("reason"), max_length=500, blank=True)
    total = models.DecimalField(_("total deductions"), null=True, **MONEY)
    #: An export's figures (``workbook.WorkbookFigures``): closing compares them.
    fingerprint = models.CharField(max_length=64, blank=True, editable=False)
    at = models.DateTimeField(_("at"), auto_now_add=True)

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = _("month event")
        verbose_name_plural = _("month events")

    def __str__(self) -> str:
        return f"{self.period} {self.get_action_display()}"


class AuditRunStatus(models.TextChoices):
    IDLE = "idle", pgettext_lazy("audit", "Not run")
    QUEUED = "queued", pgettext_lazy("audit", "Queued")
    RUNNING = "running", pgettext_lazy("audit", "Running")
    DONE = "done", pgettext_lazy("audit", "Done")
    FAILED = "failed", pgettext_lazy("audit", "Failed")


class MonthAudit(models.Model):
    """Whether a month's audit is current, and its last or running job.

    The audit is current when it started after the month's last import and after
    the last change of the inputs it reads (``inputs_changed_at``: long-distance
    requests, private-call registrations, class-of-service history, the 400 lines,
    department heads, the working calendar, the audit settings). The deduction
    export and closing refuse a month whose audit is not current (R-PRV-4).
    """

    period = models.OneToOneField(
        BillingPeriod,
        verbose_name=_("month"),
        primary_key=True,
        on_delete=models.CASCADE,
        related_name="audit_state",
    )
    inputs_changed_at = models.DateTimeField(
        _("inputs changed at"), null=True, blank=True
    )
    audited_at = models.DateTimeField(
        _("last audit started at"),
        null=True,
        blank=True,
        help_text=_("The audit saw every change made before this time."),
    )
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=AuditRunStatus.choices,
        default=AuditRunStatus.IDLE,
    )
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    queued_at = models.DateTimeField(_("queued at"), null=True, blank=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    created = models.JSONField(_("new findings per rule"), default=dict, blank=True)
    #: Why findings were held, per rule: the last run that held them
    #: (``services.holds``: count, month's calls, share, thresholds, when).
    held = models.JSONField(_("held findings per rule"), default=dict, blank=True)
    message = models.CharField(_("message"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("month audit")
        verbose_name_plural = _("month audits")

    def __str__(self) -> str:
        return f"{self.period} {self.get_status_display()}"


class FindingTotal(models.Model):
    """Findings per month x rule x status x department: count and amount.

    Kept in the same transaction by the audit and by every decision, and read by
    the findings and home pages instead of summing a month's findings per request.
    """

    period = models.ForeignKey(
        BillingPeriod, on_delete=models.CASCADE, related_name="+"
    )
    rule = models.CharField(_("rule"), max_length=20, choices=Rule.choices)
    status = models.CharField(_("status"), max_length=10, choices=FindingStatus.choices)
    department = models.ForeignKey(
        Department,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        db_constraint=False,
        db_index=False,
        related_name="+",
    )
    count = models.PositiveIntegerField(_("findings"), default=0)
    amount = models.DecimalField(_("amount"), max_digits=14, decimal_places=2)

    class Meta:
        verbose_name = _("finding total")
        verbose_name_plural = _("finding totals")
        indexes = [
            models.Index(fields=["period", "rule"], name="findingtotal_period_rule")
        ]

    def __str__(self) -> str:
        return f"{self.period} {self.rule} {self.status} {self.count}"
