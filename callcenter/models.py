"""Switchboard and 400-hotline records: calls, messages, rosters, health, events API.

Rules: R-SWB-2..6, R-HOT-2..6 (rules.md). ``HotlineCall`` is referenced by the
``complaints`` app (nullable FK from its side): keep its name and app label stable.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Source(models.TextChoices):
    MANUAL = "manual", _("Entered by hand")
    API = "api", _("Telephony events API")


class Service(models.TextChoices):
    """The two lines a roster, an API token or a statistic is about."""

    SWITCHBOARD = "switchboard", _("Switchboard")
    HOTLINE = "hotline", _("400 hotline")


class LoggedCall(models.Model):
    """What every logged call keeps about its entry: by hand or by the events API
    (idempotent per external system and call id), who entered it and when."""

    source = models.CharField(
        _("source"), max_length=10, choices=Source.choices, default=Source.MANUAL
    )
    external_system = models.CharField(_("system"), max_length=50, blank=True)
    external_id = models.CharField(_("external call id"), max_length=100, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("entered by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("entered at"), auto_now_add=True)

    class Meta:
        abstract = True
        constraints = [
            models.UniqueConstraint(
                fields=["external_system", "external_id"],
                condition=~Q(external_id=""),
                name="%(class)s_unique_external_id",
            )
        ]


class HotlineCall(LoggedCall):
    """One call on the 400 line (R-HOT-3), logged by an agent or by the events API."""

    class Outcome(models.TextChoices):
        OFFERED = "offered", _("Ringing")
        ANSWERED = "answered", _("Answered")
        MISSED = "missed", _("Missed")
        ABANDONED = "abandoned", _("Abandoned by caller")
        TEST = "test", _("Test call")

    started_at = models.DateTimeField(_("started at"), db_index=True)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    ended_at = models.DateTimeField(_("ended at"), null=True, blank=True)
    duration_seconds = models.PositiveIntegerField(_("talk time (seconds)"), default=0)
    caller_number = models.CharField(_("caller number"), max_length=30, blank=True)
    caller_name = models.CharField(_("caller name"), max_length=100, blank=True)
    content = models.TextField(_("content"), blank=True)
    agent = models.ForeignKey(
        "org.Employee",
        verbose_name=_("agent"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="hotline_calls",
    )
    outcome = models.CharField(
        _("outcome"), max_length=20, choices=Outcome.choices, default=Outcome.ANSWERED
    )
    in_service_hours = models.BooleanField(_("in service hours"), default=True)
    entered_late = models.BooleanField(
        _("entered afterwards"),
        default=False,
        help_text=_("Logged after the call, e.g. a call outside service hours."),
    )

    class Meta(LoggedCall.Meta):
        ordering = ["-started_at", "-pk"]
        verbose_name = _("hotline call")
        verbose_name_plural = _("hotline calls")

    def __str__(self) -> str:
        return f"{self.started_at:%Y-%m-%d %H:%M} {self.caller_number}"

    @property
    def counts_as_offered(self) -> bool:
        # R-HOT-6: a test call or a call still ringing is not offered traffic.
        return self.outcome in (
            self.Outcome.ANSWERED,
            self.Outcome.MISSED,
            self.Outcome.ABANDONED,
        )


class SwitchboardCall(LoggedCall):
    """One incoming call at the switchboard (R-SWB-2), with its outcome."""

    class Outcome(models.TextChoices):
        OFFERED = "offered", _("Ringing")
        TRANSFERRED = "transferred", _("Transferred")
        MESSAGE = "message", _("Message taken")
        ANSWERED = "answered", _("Answered directly")
        REFUSED = "refused", _("Refused")
        MISSED = "missed", _("Missed")

    started_at = models.DateTimeField(_("started at"), db_index=True)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    ended_at = models.DateTimeField(_("ended at"), null=True, blank=True)
    duration_seconds = models.PositiveIntegerField(_("talk time (seconds)"), default=0)
    caller_name = models.CharField(_("caller name"), max_length=100, blank=True)
    caller_organisation = models.CharField(
        _("organisation"), max_length=150, blank=True
    )
    caller_number = models.CharField(_("phone"), max_length=30, blank=True)
    purpose = models.CharField(_("purpose"), max_length=500, blank=True)
    operator = models.ForeignKey(
        "org.Employee",
        verbose_name=_("handled by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="switchboard_calls_handled",
    )
    outcome = models.CharField(
        _("outcome"), max_length=20, choices=Outcome.choices, default=Outcome.ANSWERED
    )
    transferred_to = models.ForeignKey(
        "org.Employee",
        verbose_name=_("transferred to"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="switchboard_calls_received",
    )
    private_info_requested = models.BooleanField(
        _("asked for private information"),
        default=False,
        help_text=_("The caller asked for a mobile number or address."),
    )

    class Meta(LoggedCall.Meta):
        ordering = ["-started_at", "-pk"]
        verbose_name = _("switchboard call")
        verbose_name_plural = _("switchboard calls")

    def __str__(self) -> str:
        return (
            f"{self.started_at:%Y-%m-%d %H:%M} {self.caller_name or self.caller_number}"
        )


class Message(models.Model):
    """留言 or a missed call to return within the deadline (R-SWB-3)."""

    class Kind(models.TextChoices):
        MESSAGE = "message", _("Message")
        MISSED_CALL = "missed_call", _("Missed call")

    class Urgency(models.TextChoices):
        NORMAL = "normal", _("Normal")
        URGENT = "urgent", _("Urgent")

    kind = models.CharField(
        _("message kind"), max_length=20, choices=Kind.choices, default=Kind.MESSAGE
    )
    recipient = models.ForeignKey(
        "org.Employee",
        verbose_name=_("for"),
        on_delete=models.PROTECT,
        related_name="callcenter_messages",
    )
    caller_name = models.CharField(_("message from"), max_length=100, blank=True)
    caller_organisation = models.CharField(
        _("organisation"), max_length=150, blank=True
    )
    caller_number = models.CharField(_("call-back number"), max_length=30)
    content = models.TextField(_("message text"), blank=True)
    urgency = models.CharField(
        _("urgency"), max_length=10, choices=Urgency.choices, default=Urgency.NORMAL
    )
    switchboard_call = models.ForeignKey(
        SwitchboardCall,
        verbose_name=_("switchboard call"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="messages",
    )
    hotline_call = models.ForeignKey(
        HotlineCall,
        verbose_name=_("hotline call"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="messages",
    )
    taken_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("taken by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("taken at"), db_index=True)
    due_at = models.DateTimeField(_("return by"), db_index=True)
    reminded_at = models.DateTimeField(_("reminded at"), null=True, blank=True)
    escalated_at = models.DateTimeField(_("escalated at"), null=True, blank=True)
    escalated_to = models.ForeignKey(
        "org.Employee",
        verbose_name=_("escalated to"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    returned_at = models.DateTimeField(_("returned at"), null=True, blank=True)
    returned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("returned by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    return_note = models.CharField(_("note on the return"), max_length=500, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        indexes = [models.Index(fields=["returned_at", "due_at"])]

    def __str__(self) -> str:
        return f"{self.recipient.name}: {self.caller_name or self.caller_number}"

    @property
    def is_open(self) -> bool:
        return self.returned_at is None


class Shift(models.Model):
    """One duty shift on the switchboard or the hotline (R-SWB-4, R-HOT-4)."""

    service = models.CharField(_("line"), max_length=20, choices=Service.choices)
    date = models.DateField(_("date"), db_index=True)
    starts_at = models.DateTimeField(_("shift starts"))
    ends_at = models.DateTimeField(_("shift ends"))
    employee = models.ForeignKey(
        "org.Employee",
        verbose_name=_("on duty"),
        on_delete=models.PROTECT,
        related_name="duty_shifts",
    )
    delegate = models.ForeignKey(
        "org.Employee",
        verbose_name=_("delegate"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="delegate_shifts",
        help_text=_("Takes over when the agent on duty is away."),
    )
    away_since = models.DateTimeField(_("away since"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        ordering = ["date", "service", "starts_at"]
        verbose_name = _("shift")
        verbose_name_plural = _("shifts")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")),
                name="shift_ends_after_start",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_service_display()} {self.starts_at:%Y-%m-%d %H:%M} {self.employee.name}"


class Handover(models.Model):
    """A logged handover of a line from one person to another (R-SWB-4, R-HOT-4)."""

    service = models.CharField(_("line"), max_length=20, choices=Service.choices)
    at = models.DateTimeField(_("at"), db_index=True)
    from_employee = models.ForeignKey(
        "org.Employee",
        verbose_name=_("handed over by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    to_employee = models.ForeignKey(
        "org.Employee",
        verbose_name=_("handed over to"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    open_items = models.TextField(_("open items"), blank=True)
    shift = models.ForeignKey(
        Shift,
        verbose_name=_("shift"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="handovers",
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = _("handover")
        verbose_name_plural = _("handovers")

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.from_employee.name} → {self.to_employee.name}"


class DialPrompt(models.Model):
    """The hotline was quiet: the agent on duty was asked to test-dial (R-HOT-5).

    ``quiet_since`` is the last activity on the line; unique, so one prompt per span.
    """

    quiet_since = models.DateTimeField(_("quiet since"), unique=True)
    prompted_at = models.DateTimeField(_("asked at"))
    agent = models.ForeignKey(
        "org.Employee",
        verbose_name=_("asked"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        ordering = ["-prompted_at"]
        verbose_name = _("test-dial prompt")
        verbose_name_plural = _("test-dial prompts")

    def __str__(self) -> str:
        return f"{self.prompted_at:%Y-%m-%d %H:%M}"


class DialCheck(models.Model):
    """A test call to the hotline and its result (R-HOT-5)."""

    class Result(models.TextChoices):
        OK = "ok", _("Line works")
        FAULT = "fault", _("Fault")

    at = models.DateTimeField(_("at"), db_index=True)
    by = models.ForeignKey(
        "org.Employee",
        verbose_name=_("tested by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    result = models.CharField(_("result"), max_length=10, choices=Result.choices)
    note = models.CharField(_("note"), max_length=500, blank=True)
    prompt = models.ForeignKey(
        DialPrompt,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="dials",
    )

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = _("test dial")
        verbose_name_plural = _("test dials")

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.get_result_display()}"


class HotlineFault(models.Model):
    """A fault of the 400 line, from detection to repair (R-HOT-5)."""

    opened_at = models.DateTimeField(_("found at"), db_index=True)
    cause = models.CharField(_("cause of the fault"), max_length=500)
    reported_by = models.ForeignKey(
        "org.Employee",
        verbose_name=_("fault reported by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    test_dial = models.ForeignKey(
        DialCheck,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="faults",
    )
    closed_at = models.DateTimeField(_("repaired at"), null=True, blank=True)
    repair_note = models.CharField(_("repair"), max_length=500, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        ordering = ["-opened_at", "-pk"]
        verbose_name = _("hotline fault")
        verbose_name_plural = _("hotline faults")

    def __str__(self) -> str:
        return f"{self.opened_at:%Y-%m-%d %H:%M} {self.cause}"

    @property
    def is_open(self) -> bool:
        return self.closed_at is None


class AnswerRateReport(models.Model):
    """A day or month whose answer rate fell below the target was reported (R-HOT-6)."""

    class Period(models.TextChoices):
        DAY = "day", _("Day")
        MONTH = "month", _("Calendar month")

    period = models.CharField(
        _("reporting period"), max_length=10, choices=Period.choices
    )
    start = models.DateField(_("period start"))
    offered = models.PositiveIntegerField(_("offered"))
    answered = models.PositiveIntegerField(_("answered"))
    reported_at = models.DateTimeField(_("reported at"))

    class Meta:
        ordering = ["-start"]
        verbose_name = _("answer-rate report")
        verbose_name_plural = _("answer-rate reports")
        constraints = [
            models.UniqueConstraint(
                fields=["period", "start"], name="answerratereport_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.period} {self.start}"


class ApiToken(models.Model):
    """A telephony system's token for the events API; only its hash is stored."""

    system = models.SlugField(
        _("system"),
        max_length=50,
        help_text=_("A short name of the PBX or CTI system, e.g. pbx-main."),
    )
    prefix = models.CharField(_("prefix"), max_length=12, db_index=True)
    token_hash = models.CharField(max_length=64, unique=True)
    allow_hotline = models.BooleanField(_("may post hotline events"), default=True)
    allow_switchboard = models.BooleanField(
        _("may post switchboard events"), default=True
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    class Meta:
        ordering = ["system", "-created_at"]
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.system} ({self.prefix}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


class CallEvent(models.Model):
    """One event received by the API, kept once (idempotency by call id and event)."""

    token = models.ForeignKey(ApiToken, on_delete=models.PROTECT, related_name="events")
    system = models.CharField(max_length=50)
    line = models.CharField(max_length=20, choices=Service.choices)
    event = models.CharField(max_length=20)
    external_id = models.CharField(max_length=100)
    occurred_at = models.DateTimeField()
    received_at = models.DateTimeField(auto_now_add=True)
    payload = models.JSONField(default=dict)

    class Meta:
        ordering = ["-received_at", "-pk"]
        verbose_name = _("call event")
        verbose_name_plural = _("call events")
        constraints = [
            models.UniqueConstraint(
                fields=["system", "line", "external_id", "event"],
                name="callevent_once",
            )
        ]

    def __str__(self) -> str:
        return f"{self.system} {self.external_id} {self.event}"
