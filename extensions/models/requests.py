"""Applications and records around lines (R-EXT-3..7, R-LD-1..4).

电话申请表 ``PermissionApplication``, 电话配置申请表 ``EquipmentRequest``,
故障记录单 ``Fault``, 长途电话申请单 ``LongDistanceRequest``. Each request owns one
shared ``approvals.ApprovalRequest``; the approval handlers move its status.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from telephony_admin.org.models import Department, Employee

from .lines import ClassOfService, Line, LineKind, feature_labels


class RequestStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    CANCELLED = "cancelled", _("Withdrawn")
    FULFILLED = "fulfilled", _("Fulfilled")


class ApprovalSubject(models.Model):
    """A request decided through its one shared ``approvals.ApprovalRequest``."""

    approval = models.OneToOneField(
        "approvals.ApprovalRequest",
        verbose_name=_("approval"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        abstract = True


class PendingRequest(ApprovalSubject):
    """A request whose status follows its approval (pending, approved, ...)."""

    status = models.CharField(
        _("status"),
        max_length=20,
        choices=RequestStatus.choices,
        default=RequestStatus.PENDING,
        db_index=True,
    )

    class Meta:
        abstract = True


class DepartmentLineLimit(models.Model):
    """How many local and long-distance lines a department may have (R-EXT-3).

    Without a row, the defaults of the settings apply.
    """

    department = models.OneToOneField(
        Department,
        verbose_name=_("department"),
        on_delete=models.CASCADE,
        related_name="line_limit",
    )
    local_lines = models.PositiveSmallIntegerField(_("local lines"))
    long_distance_lines = models.PositiveSmallIntegerField(_("long-distance lines"))
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("department line limit")
        verbose_name_plural = _("department line limits")

    def __str__(self) -> str:
        return str(self.department)


class PermissionApplication(PendingRequest):
    """电话申请表: a higher class of service or a paid feature for a line (R-EXT-4)."""

    line = models.ForeignKey(
        Line,
        verbose_name=_("line"),
        on_delete=models.PROTECT,
        related_name="applications",
    )
    requester = models.ForeignKey(
        Employee,
        verbose_name=_("applicant"),
        on_delete=models.PROTECT,
        related_name="line_applications",
    )
    department = models.ForeignKey(
        Department,
        verbose_name=_("department"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    requested_class = models.PositiveSmallIntegerField(
        _("requested class"), choices=ClassOfService.choices
    )
    requested_features = models.JSONField(_("paid features"), default=list, blank=True)
    reason = models.TextField(_("reason"))
    effective_from = models.DateField(_("effective from"), null=True, blank=True)
    exceeds_limit = models.BooleanField(
        _("exceeds the department limit"), default=False
    )
    override_granted = models.BooleanField(_("limit override granted"), default=False)
    override_by = models.ForeignKey(
        Employee,
        verbose_name=_("override granted by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    class_change = models.ForeignKey(
        "ClassChange",
        verbose_name=_("resulting change"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("filed at"), auto_now_add=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("permission application")
        verbose_name_plural = _("permission applications")

    def __str__(self) -> str:
        return _("Application %(pk)s for line %(number)s") % {
            "pk": self.pk,
            "number": self.line.number,
        }

    @property
    def requested_class_label(self) -> str:
        return str(ClassOfService(self.requested_class).label)

    @property
    def feature_labels(self) -> list[str]:
        return feature_labels(self.requested_features)


class EquipmentRequest(PendingRequest):
    """电话配置申请表: new phones for a department (R-EXT-5)."""

    department = models.ForeignKey(
        Department,
        verbose_name=_("department"),
        on_delete=models.PROTECT,
        related_name="equipment_requests",
    )
    requester = models.ForeignKey(
        Employee,
        verbose_name=_("applicant"),
        on_delete=models.PROTECT,
        related_name="equipment_requests",
    )
    kind = models.CharField(
        _("kind of line"),
        max_length=20,
        choices=LineKind.choices,
        default=LineKind.EXTENSION,
    )
    quantity = models.PositiveSmallIntegerField(_("quantity"))
    needed_by = models.DateField(_("needed by"))
    reason = models.TextField(_("reason"))
    lines = models.ManyToManyField(
        Line, verbose_name=_("lines provided"), blank=True, related_name="+"
    )
    fulfilled_at = models.DateTimeField(_("fulfilled at"), null=True, blank=True)
    fulfilled_by = models.ForeignKey(
        Employee,
        verbose_name=_("fulfilled by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    fulfilment_notes = models.TextField(_("fulfilment notes"), blank=True)
    created_at = models.DateTimeField(_("filed at"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("equipment request")
        verbose_name_plural = _("equipment requests")
        constraints = [
            models.CheckConstraint(
                condition=Q(quantity__gte=1), name="equipment_quantity_positive"
            )
        ]

    def __str__(self) -> str:
        return _("Equipment request %(pk)s (%(department)s)") % {
            "pk": self.pk,
            "department": self.department.name,
        }


class FaultStatus(models.TextChoices):
    OPEN = "open", _("Reported")
    ASSIGNED = "assigned", _("In repair")
    CLOSED = "closed", _("Repaired and closed")


class Fault(models.Model):
    """故障记录单: a fault on a line, from report to repair (R-EXT-7)."""

    line = models.ForeignKey(
        Line, verbose_name=_("line"), on_delete=models.PROTECT, related_name="faults"
    )
    reported_by = models.ForeignKey(
        Employee,
        verbose_name=_("reported by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    reported_at = models.DateTimeField(_("fault noticed at"), db_index=True)
    symptom = models.TextField(_("symptom"))
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=FaultStatus.choices,
        default=FaultStatus.OPEN,
        db_index=True,
    )
    assigned_to = models.ForeignKey(
        Employee,
        verbose_name=_("responsible"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="assigned_faults",
    )
    cause = models.TextField(_("cause"), blank=True)
    repair = models.TextField(_("repair done"), blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    closed_by = models.ForeignKey(
        Employee,
        verbose_name=_("closed by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-reported_at", "-pk"]
        verbose_name = _("fault record")
        verbose_name_plural = _("fault records")
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="closed") | Q(closed_at__isnull=False),
                name="closed_fault_has_time",
            )
        ]

    def __str__(self) -> str:
        return _("Fault %(pk)s on %(number)s") % {
            "pk": self.pk,
            "number": self.line.number,
        }


class LDStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    CANCELLED = "cancelled", _("Withdrawn")
    LAPSED = "lapsed", _("Lapsed (approval not completed in time)")


class LDRegion(models.TextChoices):
    """Where the call goes; decides the class needed and the fine (R-LD-4)."""

    DOMESTIC = "domestic", _("Mainland China")
    HK_MACAU = "hk_macau", _("Hong Kong or Macau")
    INTERNATIONAL = "international", _("International")


class LongDistanceRequest(ApprovalSubject):
    """长途电话申请单 (R-LD-1..3).

    ``placed_now`` marks an urgent call administration let through while the head
    and the supervising leader were absent; the approval must then be completed by
    ``complete_by`` or the request lapses and billing charges the call double (R-LD-2).
    """

    requester = models.ForeignKey(
        Employee,
        verbose_name=_("filed by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    caller = models.ForeignKey(
        Employee,
        verbose_name=_("caller"),
        on_delete=models.PROTECT,
        related_name="ld_requests",
    )
    line = models.ForeignKey(
        Line,
        verbose_name=_("line"),
        on_delete=models.PROTECT,
        related_name="ld_requests",
    )
    department = models.ForeignKey(
        Department,
        verbose_name=_("department"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    region = models.CharField(
        _("destination kind"),
        max_length=20,
        choices=LDRegion.choices,
        default=LDRegion.DOMESTIC,
    )
    destination_region = models.CharField(_("destination region"), max_length=100)
    destination_org = models.CharField(_("organisation called"), max_length=200)
    destination_number = models.CharField(
        _("number (if known)"), max_length=40, blank=True
    )
    reason = models.TextField(_("business reason"))
    expected_minutes = models.PositiveSmallIntegerField(_("expected duration (min)"))
    call_on = models.DateField(_("call date"), db_index=True)
    urgent = models.BooleanField(_("urgent"), default=False)
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=LDStatus.choices,
        default=LDStatus.PENDING,
        db_index=True,
    )
    placed_now = models.BooleanField(_("placed before approval"), default=False)
    placed_at = models.DateTimeField(_("allowed at"), null=True, blank=True)
    placed_by = models.ForeignKey(
        Employee,
        verbose_name=_("allowed by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    complete_by = models.DateTimeField(
        _("approval due by"), null=True, blank=True, db_index=True
    )
    lapsed_at = models.DateTimeField(_("lapsed at"), null=True, blank=True)
    created_at = models.DateTimeField(_("filed at"), auto_now_add=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("long-distance request")
        verbose_name_plural = _("long-distance requests")
        constraints = [
            models.CheckConstraint(
                condition=Q(placed_now=False)
                | Q(placed_at__isnull=False, complete_by__isnull=False),
                name="placed_ld_request_has_deadline",
            ),
            models.CheckConstraint(
                condition=Q(expected_minutes__gte=1),
                name="ld_expected_minutes_positive",
            ),
        ]

    def __str__(self) -> str:
        return _("Long-distance request %(pk)s: %(org)s") % {
            "pk": self.pk,
            "org": self.destination_org,
        }

    @property
    def required_class(self) -> ClassOfService:
        if self.region == LDRegion.DOMESTIC:
            return ClassOfService.DOMESTIC
        return ClassOfService.INTERNATIONAL
