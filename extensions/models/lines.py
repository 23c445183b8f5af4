"""Lines (分机/直线), class of service and its history, assignment periods (R-EXT-1..3).

A line's owner and department change over time; ``LineAssignment`` keeps the periods so
that a call is attributed to whoever held the line at the time (R-BIL-3). A change of
class of service is kept in ``ClassChange`` with who, when, why and the approval that
allowed it (R-EXT-4).
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from telephony_admin.org.models import Department, Employee


class LineKind(models.TextChoices):
    EXTENSION = "extension", _("Extension")
    DIRECT = "direct", _("Direct line")
    HOTLINE_400 = "hotline_400", _("400 hotline")
    FAX = "fax", _("Fax")
    PREPAID = "prepaid", _("Prepaid-card phone")


class ClassOfService(models.IntegerChoices):
    """Ordered trunk permissions (R-EXT-2): a higher value allows everything below."""

    INTERNAL = 0, _("Internal only")
    LOCAL = 1, _("Local")
    DOMESTIC = 2, _("Domestic long distance")
    INTERNATIONAL = 3, _("International")


class Feature(models.TextChoices):
    """Paid extras on a line (R-EXT-2)."""

    CALLER_ID = "caller_id", _("Caller ID")
    VOICEMAIL = "voicemail", _("Voicemail")
    CALL_FORWARDING = "call_forwarding", _("Call forwarding")
    CONFERENCE = "conference", _("Conference calling")


def feature_labels(codes) -> list[str]:
    labels = dict(Feature.choices)
    return [str(labels.get(code, code)) for code in codes or []]


class LineQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_active=True)

    def with_people(self):
        return self.select_related("department", "owner", "owner__department")


class Line(models.Model):
    """A telephone line: extension, direct line, 400 hotline, fax or prepaid phone."""

    number = models.CharField(_("number"), max_length=30, unique=True)
    kind = models.CharField(
        _("kind"), max_length=20, choices=LineKind.choices, default=LineKind.EXTENSION
    )
    location = models.CharField(_("location"), max_length=100, blank=True)
    device = models.CharField(_("handset / device"), max_length=100, blank=True)
    department = models.ForeignKey(
        Department,
        verbose_name=_("department"),
        on_delete=models.PROTECT,
        related_name="lines",
    )
    owner = models.ForeignKey(
        Employee,
        verbose_name=_("owner"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="lines",
    )
    notes = models.TextField(_("notes"), blank=True)
    is_active = models.BooleanField(_("active"), default=True, db_index=True)
    # R-EXT-3: deny by default, new lines are internal only.
    class_of_service = models.PositiveSmallIntegerField(
        _("class of service"),
        choices=ClassOfService.choices,
        default=ClassOfService.INTERNAL,
        db_index=True,
    )
    features = models.JSONField(_("paid features"), default=list, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = LineQuerySet.as_manager()

    class Meta:
        ordering = ["number"]
        verbose_name = _("line")
        verbose_name_plural = _("lines")
        indexes = [
            models.Index(fields=["department", "number"], name="line_dept_number"),
            models.Index(fields=["owner"], name="line_owner"),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def class_label(self) -> str:
        return str(ClassOfService(self.class_of_service).label)

    @property
    def feature_labels(self) -> list[str]:
        return feature_labels(self.features)


class LineAssignment(models.Model):
    """Who held a line for which department over ``[starts_at, ends_at)`` (R-EXT-1)."""

    line = models.ForeignKey(
        Line,
        verbose_name=_("line"),
        on_delete=models.CASCADE,
        related_name="assignments",
    )
    owner = models.ForeignKey(
        Employee,
        verbose_name=_("owner"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="line_assignments",
    )
    department = models.ForeignKey(
        Department,
        verbose_name=_("department"),
        on_delete=models.PROTECT,
        related_name="line_assignments",
    )
    starts_at = models.DateTimeField(_("from"))
    ends_at = models.DateTimeField(_("until"), null=True, blank=True)
    reason = models.CharField(_("reason"), max_length=200, blank=True)

    class Meta:
        ordering = ["line", "-starts_at"]
        verbose_name = _("line assignment")
        verbose_name_plural = _("line assignments")
        constraints = [
            models.UniqueConstraint(
                fields=["line"],
                condition=Q(ends_at__isnull=True),
                name="one_open_assignment_per_line",
            ),
            models.CheckConstraint(
                condition=Q(ends_at__isnull=True)
                | Q(ends_at__gt=models.F("starts_at")),
                name="assignment_ends_after_start",
            ),
        ]
        indexes = [
            models.Index(fields=["line", "starts_at"], name="assignment_line_start"),
        ]

    def __str__(self) -> str:
        return f"{self.line_id} {self.starts_at:%Y-%m-%d}"

    def covers(self, when) -> bool:
        return self.starts_at <= when and (self.ends_at is None or when < self.ends_at)


class ClassChange(models.Model):
    """One change of a line's class of service or features (R-EXT-4 history)."""

    line = models.ForeignKey(
        Line,
        verbose_name=_("line"),
        on_delete=models.CASCADE,
        related_name="class_changes",
    )
    from_class = models.PositiveSmallIntegerField(
        _("from class"), choices=ClassOfService.choices
    )
    to_class = models.PositiveSmallIntegerField(
        _("to class"), choices=ClassOfService.choices
    )
    from_features = models.JSONField(_("features before"), default=list, blank=True)
    features = models.JSONField(_("features after"), default=list, blank=True)
    effective_at = models.DateTimeField(_("effective from"), db_index=True)
    changed_by = models.ForeignKey(
        Employee,
        verbose_name=_("changed by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    approval = models.ForeignKey(
        "approvals.ApprovalRequest",
        verbose_name=_("approval"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    override = models.BooleanField(
        _("limit override"),
        default=False,
        help_text=_("Administration allowed exceeding the department's limit."),
    )
    applied = models.BooleanField(
        _("applied to the line"),
        default=True,
        help_text=_("False while the effective date is still in the future."),
    )
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        ordering = ["line", "-effective_at", "-pk"]
        verbose_name = _("class of service change")
        verbose_name_plural = _("class of service changes")
        indexes = [
            models.Index(fields=["line", "effective_at"], name="classchange_line_eff"),
        ]

    def __str__(self) -> str:
        return f"{self.line_id}: {self.from_class} -> {self.to_class}"

    @property
    def from_label(self) -> str:
        return str(ClassOfService(self.from_class).label)

    @property
    def to_label(self) -> str:
        return str(ClassOfService(self.to_class).label)

    @property
    def feature_labels(self) -> list[str]:
        return feature_labels(self.features)
