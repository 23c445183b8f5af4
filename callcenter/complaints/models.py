"""Complaint tickets (投诉登记表/投诉处理表) and their SLA clocks (R-CMP-1..7).

A clock is a row with its own state and stored due times (architecture.md "Timers"):
nothing depends on a message surviving in the broker. The sweep in ``services``
turns due rows into ``SlaEvent`` rows, one per clock and level.
"""

from __future__ import annotations

from datetime import timedelta

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from telephony_admin.org.models import Department, Employee


class Kind(models.TextChoices):
    CONSULTATION = "consultation", _("Consultation")
    QUERY = "query", _("Query")
    COMPLAINT = "complaint", _("Complaint")


class Complexity(models.TextChoices):
    SIMPLE = "simple", _("Simple")
    GENERAL = "general", _("General")
    COMPLEX = "complex", _("Complex")


class Channel(models.TextChoices):
    HOTLINE = "hotline", _("400 hotline")
    PHONE = "phone", _("Other phone")
    WALK_IN = "walk_in", _("Walk-in")
    EMAIL = "email", _("Email")
    LETTER = "letter", _("Letter")
    WEB = "web", _("Website")


class Satisfaction(models.IntegerChoices):
    """The customer's satisfaction at the callback (回访, R-CMP-5), 5 the best."""

    VERY_SATISFIED = 5, _("Very satisfied")
    SATISFIED = 4, _("Satisfied")
    NEUTRAL = 3, _("Neither satisfied nor dissatisfied")
    DISSATISFIED = 2, _("Dissatisfied")
    VERY_DISSATISFIED = 1, _("Very dissatisfied")


class Status(models.TextChoices):
    REGISTERED = "registered", _("Registered")
    SENT = "sent", _("Sent to department")
    VERIFIED = "verified", _("Verified")
    SOLVED = "solved", _("Solved")
    RETURNED = "returned", _("Returned to customer service")
    CUSTOMER_TOLD = "customer_told", _("Customer told the result")
    CALLBACK_DONE = "callback_done", _("Callback done")
    WAITING = "waiting", _("Waiting for customer")
    CLOSED = "closed", _("Closed and archived")


OPEN_STATUSES = [s for s in Status.values if s != Status.CLOSED]


class Complaint(models.Model):
    """One customer contact on the 400 hotline or elsewhere: 投诉登记表 (R-CMP-1)."""

    number = models.CharField(_("number"), max_length=20, unique=True)
    accepted_at = models.DateTimeField(_("accepted at"), db_index=True)
    customer_name = models.CharField(_("customer name"), max_length=100)
    unit = models.CharField(
        _("unit or product serial number"), max_length=100, blank=True
    )
    contact_phone = models.CharField(_("contact phone"), max_length=30, db_index=True)
    email = models.EmailField(_("customer e-mail"), blank=True)
    channel = models.CharField(
        _("channel"), max_length=16, choices=Channel.choices, default=Channel.HOTLINE
    )
    agent = models.ForeignKey(
        Employee,
        verbose_name=_("receiving agent"),
        on_delete=models.PROTECT,
        related_name="complaints_received",
    )
    kind = models.CharField(
        _("kind"), max_length=16, choices=Kind.choices, default=Kind.COMPLAINT
    )
    complexity = models.CharField(
        _("complexity"), max_length=16, choices=Complexity.choices, blank=True
    )
    content = models.TextField(_("content"))
    hotline_call = models.ForeignKey(
        "callcenter.HotlineCall",
        verbose_name=_("hotline call"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="complaints",
    )
    department = models.ForeignKey(
        Department,
        verbose_name=_("responsible department"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="complaints",
    )
    assignee = models.ForeignKey(
        Employee,
        verbose_name=_("handled by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="complaints_assigned",
    )
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=Status.choices,
        default=Status.REGISTERED,
        db_index=True,
    )
    status_before_wait = models.CharField(
        max_length=16, choices=Status.choices, blank=True
    )
    serious = models.BooleanField(
        _("serious (taken over by the department manager)"), default=False
    )
    founded = models.BooleanField(_("founded"), null=True, blank=True)
    verification = models.TextField(_("verification"), blank=True)
    findings = models.TextField(_("findings"), blank=True)
    solution = models.TextField(_("solution"), blank=True)
    result_text = models.TextField(_("result told to the customer"), blank=True)
    satisfaction = models.PositiveSmallIntegerField(
        _("satisfaction"),
        choices=Satisfaction.choices,
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(5)],
    )
    satisfaction_comment = models.TextField(_("customer's comment"), blank=True)
    signed_off_by = models.ForeignKey(
        Employee,
        verbose_name=_("signed off by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    signed_off_at = models.DateTimeField(_("signed off at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    reopen_count = models.PositiveSmallIntegerField(_("times reopened"), default=0)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["-accepted_at", "-pk"]
        verbose_name = _("complaint")
        verbose_name_plural = _("complaints")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(satisfaction__isnull=True)
                | models.Q(satisfaction__gte=1, satisfaction__lte=5),
                name="complaint_satisfaction_1_to_5",
            ),
            models.CheckConstraint(
                condition=~models.Q(kind="complaint") | ~models.Q(complexity=""),
                name="complaint_has_complexity",
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=Status.values),
                name="complaint_status_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.customer_name}"

    @property
    def is_open(self) -> bool:
        return self.status != Status.CLOSED


class ComplaintSequence(models.Model):
    """The last number given in a year (TS-2026-000123); one row per year."""

    year = models.PositiveIntegerField(primary_key=True)
    last = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.year}: {self.last}"


class EventAction(models.TextChoices):
    REGISTERED = "registered", _("Registered")
    SENT = "sent", _("Sent to department")
    TAKEN_OVER = "taken_over", _("Taken over by the department manager")
    VERIFIED = "verified", _("Verified")
    SOLVED = "solved", _("Solved")
    RETURNED = "returned", _("Returned to customer service")
    CUSTOMER_TOLD = "customer_told", _("Customer told the result")
    EMAILED = "emailed", _("Result e-mailed to the customer")
    CALLBACK = "callback", _("Callback visit")
    SIGNED_OFF = "signed_off", _("Signed off and closed")
    REOPENED = "reopened", _("Reopened")
    WAITING = "waiting", _("Waiting for customer")
    RESUMED = "resumed", _("Resumed")
    COMPLEXITY = "complexity", _("Complexity changed")
    CONTACT = "contact", _("Customer contacted")
    ANSWERED = "answered", pgettext_lazy("complaint answered", "Answered")
    NOTE = "note", _("Internal note")
    ATTACHMENT = "attachment", _("Attachment added")
    ESCALATED = "escalated", _("Escalated")


class ComplaintEvent(models.Model):
    """Append-only history: who, when, what (R-CMP-7).

    ``internal_note`` stays inside the company; ``customer_text`` is what the customer
    was (or will be) told.
    """

    complaint = models.ForeignKey(
        Complaint, on_delete=models.CASCADE, related_name="events"
    )
    at = models.DateTimeField(_("at"), db_index=True)
    actor = models.ForeignKey(
        Employee,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    action = models.CharField(_("action"), max_length=16, choices=EventAction.choices)
    from_status = models.CharField(max_length=16, choices=Status.choices, blank=True)
    to_status = models.CharField(max_length=16, choices=Status.choices, blank=True)
    internal_note = models.TextField(_("internal note"), blank=True)
    customer_text = models.TextField(_("said to the customer"), blank=True)
    details = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("complaint event")
        verbose_name_plural = _("complaint events")

    def __str__(self) -> str:
        return f"{self.complaint_id} {self.action}"

    @property
    def note_display(self) -> str:
        """The internal note; an escalation reads in the viewer's language."""
        if self.action == EventAction.ESCALATED and self.details.get("clock"):
            return escalation_text(self.details["clock"], self.details.get("level"))
        return self.internal_note


class ContactChannel(models.TextChoices):
    PHONE = "phone", _("Phone call")
    SMS = "sms", _("Text message")
    EMAIL = "email", _("Email")
    VISIT = "visit", _("Visit")


class ContactPurpose(models.TextChoices):
    REPLY = "reply", _("First reply with status")
    UPDATE = "update", _("Progress update")
    RESULT = "result", _("Result")
    CALLBACK = "callback", _("Callback visit")
    ANSWER = "answer", _("Answer")


class CustomerContact(models.Model):
    """A logged contact with the customer: the only thing that meets a first reply."""

    complaint = models.ForeignKey(
        Complaint, on_delete=models.CASCADE, related_name="contacts"
    )
    at = models.DateTimeField(_("at"))
    by = models.ForeignKey(
        Employee, verbose_name=_("by"), on_delete=models.PROTECT, related_name="+"
    )
    channel = models.CharField(
        _("how"),
        max_length=16,
        choices=ContactChannel.choices,
        default=ContactChannel.PHONE,
    )
    purpose = models.CharField(
        _("purpose"), max_length=16, choices=ContactPurpose.choices
    )
    summary = models.TextField(_("what the customer was told"))

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("customer contact")
        verbose_name_plural = _("customer contacts")

    def __str__(self) -> str:
        return f"{self.complaint_id} {self.at:%Y-%m-%d %H:%M}"


class WaitingPeriod(models.Model):
    """A named "waiting for customer" period: who, why, from, until (R-CMP-3 pauses)."""

    complaint = models.ForeignKey(
        Complaint, on_delete=models.CASCADE, related_name="waiting_periods"
    )
    started_at = models.DateTimeField(_("from"))
    ended_at = models.DateTimeField(_("until"), null=True, blank=True)
    started_by = models.ForeignKey(
        Employee, verbose_name=_("by"), on_delete=models.PROTECT, related_name="+"
    )
    ended_by = models.ForeignKey(
        Employee, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reason = models.TextField(_("reason"))

    class Meta:
        ordering = ["started_at", "pk"]
        verbose_name = _("waiting period")
        verbose_name_plural = _("waiting periods")
        constraints = [
            models.UniqueConstraint(
                fields=["complaint"],
                condition=models.Q(ended_at__isnull=True),
                name="complaint_one_open_wait",
            ),
            models.CheckConstraint(
                condition=models.Q(ended_at__isnull=True)
                | models.Q(ended_at__gte=models.F("started_at")),
                name="complaint_wait_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.complaint_id} {self.started_at:%Y-%m-%d %H:%M}"


class ClockKind(models.TextChoices):
    FIRST_REPLY = "first_reply", _("First reply")
    RESOLUTION_TARGET = "resolution_target", _("Resolution target")
    RESOLUTION_MAX = "resolution_max", _("Resolution maximum")
    ANSWER = "answer", _("Answer")


class ClockBasis(models.TextChoices):
    SERVICE = "service", _("Service time")
    WALL = "wall", _("Wall-clock time")


class ClockState(models.TextChoices):
    RUNNING = "running", _("Running")
    PAUSED = "paused", _("Paused")
    MET = "met", _("Met")
    BREACHED = "breached", _("Breached")
    CANCELLED = "cancelled", pgettext_lazy("clock no longer needed", "Cancelled")


class SlaClockQuerySet(models.QuerySet):
    def live(self):
        """Clocks still counting (breached ones count on until met)."""
        return self.filter(
            state__in=[ClockState.RUNNING, ClockState.PAUSED, ClockState.BREACHED],
            met_at__isnull=True,
        )

    def overdue(self, now):
        return self.live().filter(due_at__lte=now)


class SlaClock(models.Model):
    """One service-level timer of a complaint (R-CMP-2, R-CMP-3).

    ``due_at`` and ``warn_at`` are computed once from the working calendar and stored;
    they move only when the clock pauses and resumes or the complexity changes.
    ``next_check_at`` is when the sweep must next look at the row (the warning, then
    the due time); it is null once nothing more can fire.
    """

    complaint = models.ForeignKey(
        Complaint, on_delete=models.CASCADE, related_name="clocks"
    )
    kind = models.CharField(_("clock"), max_length=20, choices=ClockKind.choices)
    cycle = models.PositiveSmallIntegerField(_("cycle"), default=0)
    basis = models.CharField(_("basis"), max_length=8, choices=ClockBasis.choices)
    budget = models.DurationField(_("allowed time"))
    state = models.CharField(
        _("state"),
        max_length=12,
        choices=ClockState.choices,
        default=ClockState.RUNNING,
        db_index=True,
    )
    started_at = models.DateTimeField(_("started at"))
    due_at = models.DateTimeField(_("due at"), db_index=True)
    warn_at = models.DateTimeField(_("warning at"))
    next_check_at = models.DateTimeField(null=True, blank=True, db_index=True)
    paused_at = models.DateTimeField(_("paused since"), null=True, blank=True)
    paused_time = models.DurationField(_("paused time"), default=timedelta)
    met_at = models.DateTimeField(_("met at"), null=True, blank=True)
    consumed = models.DurationField(_("time consumed"), null=True, blank=True)
    escalates = models.BooleanField(default=True)

    objects = SlaClockQuerySet.as_manager()

    class Meta:
        ordering = ["complaint", "cycle", "due_at"]
        verbose_name = _("SLA clock")
        verbose_name_plural = _("SLA clocks")
        constraints = [
            models.UniqueConstraint(
                fields=["complaint", "kind", "cycle"], name="sla_clock_unique_kind"
            ),
            models.CheckConstraint(
                condition=models.Q(due_at__gte=models.F("started_at")),
                name="sla_clock_due_after_start",
            ),
        ]
        indexes = [models.Index(fields=["state", "next_check_at"])]

    def __str__(self) -> str:
        return f"{self.complaint_id} {self.kind}"

    @property
    def on_time(self) -> bool | None:
        if self.met_at is None:
            return None
        return self.met_at <= self.due_at


class EventLevel(models.TextChoices):
    WARNING = "warning", _("Warning")
    TARGET = "target", _("Target passed")
    MAXIMUM = "maximum", _("Maximum passed")


class SlaEvent(models.Model):
    """An escalation that happened, recorded once per clock and level."""

    clock = models.ForeignKey(SlaClock, on_delete=models.CASCADE, related_name="events")
    level = models.CharField(_("level"), max_length=10, choices=EventLevel.choices)
    at = models.DateTimeField(_("at"))
    notified = models.JSONField(_("notified"), default=list, blank=True)

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("SLA event")
        verbose_name_plural = _("SLA events")
        constraints = [
            models.UniqueConstraint(
                fields=["clock", "level"], name="sla_event_once_per_level"
            )
        ]

    def __str__(self) -> str:
        return f"{self.clock_id} {self.level}"


class FollowUpTask(models.Model):
    """A mandatory task for the agent to update the customer past the target (R-CMP-3)."""

    complaint = models.ForeignKey(
        Complaint, on_delete=models.CASCADE, related_name="follow_ups"
    )
    event = models.OneToOneField(
        SlaEvent, null=True, blank=True, on_delete=models.CASCADE, related_name="task"
    )
    assignee = models.ForeignKey(
        Employee,
        verbose_name=_("for"),
        on_delete=models.PROTECT,
        related_name="complaint_follow_ups",
    )
    created_at = models.DateTimeField(_("created at"))
    text = models.CharField(_("task"), max_length=300)
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)
    contact = models.ForeignKey(
        CustomerContact, null=True, blank=True, on_delete=models.SET_NULL
    )

    class Meta:
        ordering = ["done_at", "created_at"]
        verbose_name = _("follow-up task")
        verbose_name_plural = _("follow-up tasks")

    def __str__(self) -> str:
        return self.text

    @property
    def summary(self) -> str:
        """What to do, in the viewer's language (R-CMP-3)."""
        if self.event_id is None:
            return self.text
        return gettext("Update the customer on %(number)s: %(clock)s passed") % {
            "number": self.complaint.number,
            "clock": self.event.clock.get_kind_display(),
        }


def escalation_text(clock: str, level: str | None) -> str:
    clock_label = dict(ClockKind.choices).get(clock, clock)
    level_label = dict(EventLevel.choices).get(level, level or "")
    return gettext("%(clock)s: %(level)s") % {
        "clock": clock_label,
        "level": level_label,
    }


def attachment_path(instance: ComplaintAttachment, filename: str) -> str:
    return f"complaints/{instance.complaint.number}/{filename}"


class ComplaintAttachment(models.Model):
    complaint = models.ForeignKey(
        Complaint, on_delete=models.CASCADE, related_name="attachments"
    )
    file = models.FileField(_("file"), upload_to=attachment_path, max_length=300)
    name = models.CharField(_("name"), max_length=200)
    size = models.PositiveIntegerField(_("size"))
    uploaded_by = models.ForeignKey(
        Employee, verbose_name=_("by"), on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("at"))

    class Meta:
        ordering = ["uploaded_at", "pk"]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self) -> str:
        return self.name


# Reply templates live in their own module (this one is long enough).
from .models_replies import ReplyTemplate, ReplyUse  # noqa: E402, F401
