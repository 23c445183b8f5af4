"""Approval requests and their ordered steps, shared by every request type (R-ORG-3).

A domain object (permission application, equipment request, long-distance request,
private-call registration ...) owns one ``ApprovalRequest``; its ``kind`` names the
handler that reacts when the request is decided (see ``approvals.registry``).
"""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from telephony_admin.org.models import Employee, Role


class ApprovalStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    CANCELLED = "cancelled", _("Cancelled")


class StepStatus(models.TextChoices):
    WAITING = "waiting", _("Waiting for an earlier step")
    PENDING = "pending", _("Pending")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    SKIPPED = "skipped", _("Skipped")


class ApprovalRequest(models.Model):
    kind = models.CharField(_("kind"), max_length=50, db_index=True)
    # ``title`` is the text as written when filed (the requester's language); a
    # request filed with a msgid keeps it with its parameters, and pages show
    # ``shown_title`` in the reader's language (issue 15).
    title = models.CharField(_("title"), max_length=200)
    title_msgid = models.CharField(max_length=200, blank=True, default="")
    title_params = models.JSONField(default=dict, blank=True)
    requester = models.ForeignKey(
        Employee,
        verbose_name=_("requester"),
        on_delete=models.PROTECT,
        related_name="approval_requests",
    )
    department = models.ForeignKey(
        "org.Department",
        verbose_name=_("department"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    subject_type = models.ForeignKey(ContentType, on_delete=models.CASCADE)
    subject_id = models.PositiveBigIntegerField()
    subject = GenericForeignKey("subject_type", "subject_id")
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=ApprovalStatus.choices,
        default=ApprovalStatus.PENDING,
        db_index=True,
    )
    url = models.CharField(_("link"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("filed at"), auto_now_add=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("approval request")
        verbose_name_plural = _("approval requests")
        constraints = [
            models.UniqueConstraint(
                fields=["subject_type", "subject_id"], name="one_approval_per_subject"
            )
        ]

    def __str__(self) -> str:
        return self.shown_title

    @property
    def shown_title(self) -> str:
        """The title in the reader's language (the stored text if no msgid)."""
        from .titles import title_text

        return title_text(self.title_msgid, self.title_params) or self.title

    @property
    def current_step(self):
        return self.steps.filter(status=StepStatus.PENDING).first()


class ApprovalStep(models.Model):
    """One signature in the chain. Either a named approver or any holder of a role.

    ``approver`` is set for person steps (a head, a supervisor); ``role`` for role steps
    (administration, general manager) that any holder except the requester may decide.
    """

    request = models.ForeignKey(
        ApprovalRequest, on_delete=models.CASCADE, related_name="steps"
    )
    order = models.PositiveSmallIntegerField(_("step"))
    label = models.CharField(_("step name"), max_length=100)
    approver = models.ForeignKey(
        Employee,
        verbose_name=_("approver"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="approval_steps",
    )
    role = models.CharField(
        _("approving role"), max_length=20, choices=Role.choices, blank=True
    )
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=StepStatus.choices,
        default=StepStatus.WAITING,
        db_index=True,
    )
    pending_since = models.DateTimeField(null=True, blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        Employee,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    on_behalf_of = models.ForeignKey(
        Employee,
        verbose_name=_("on behalf of"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Set when a delegate decided for an absent approver."),
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    comment = models.TextField(_("comment"), blank=True)

    class Meta:
        ordering = ["request", "order"]
        verbose_name = _("approval step")
        verbose_name_plural = _("approval steps")
        constraints = [
            models.UniqueConstraint(
                fields=["request", "order"], name="unique_step_order"
            ),
            models.CheckConstraint(
                condition=(
                    models.Q(approver__isnull=False, role="")
                    | models.Q(approver__isnull=True) & ~models.Q(role="")
                ),
                name="step_has_approver_or_role",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.request} #{self.order} {self.label}"

    @property
    def display_label(self) -> str:
        """The label in the reader's language (stored as the English msgid)."""
        return gettext(self.label)


class Absence(models.Model):
    """An approver's absence (leave, business trip) with the delegate who decides."""

    employee = models.ForeignKey(
        Employee,
        verbose_name=_("absent employee"),
        on_delete=models.CASCADE,
        related_name="absences",
    )
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("to"))
    delegate = models.ForeignKey(
        Employee,
        verbose_name=_("delegate"),
        on_delete=models.PROTECT,
        related_name="delegations",
    )
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )

    class Meta:
        ordering = ["-starts_on"]
        verbose_name = _("absence")
        verbose_name_plural = _("absences")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")),
                name="absence_ends_after_start",
            ),
            models.CheckConstraint(
                condition=~models.Q(delegate=models.F("employee")),
                name="absence_delegate_not_self",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.employee} {self.starts_on}–{self.ends_on}"
