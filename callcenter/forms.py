from __future__ import annotations

from datetime import datetime, timedelta

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from telephony_admin.core.widgets import PersonSelect
from telephony_admin.org.models import Employee

from .models import DialCheck, HotlineCall, Message, Service, SwitchboardCall


def active_employees():
    return Employee.objects.filter(is_active=True).select_related("department")


class EmployeeChoiceField(forms.ModelChoiceField):
    widget = PersonSelect

    def label_from_instance(self, obj: Employee) -> str:
        return f"{obj.name} · {obj.department.name}"


class SwitchboardCallForm(forms.Form):
    """The console: one form, the pressed button says the outcome (R-SWB-2)."""

    caller_name = forms.CharField(
        label=_("Caller's name"), max_length=100, required=False
    )
    caller_organisation = forms.CharField(
        label=_("Caller's organisation"), max_length=150, required=False
    )
    caller_number = forms.CharField(label=_("Phone"), max_length=30, required=False)
    purpose = forms.CharField(label=_("Purpose"), max_length=500, required=False)
    private_info_requested = forms.BooleanField(
        label=_("Asked for private information (mobile, address): refused"),
        required=False,
    )
    transferred_to = forms.ModelChoiceField(
        queryset=Employee.objects.filter(is_active=True),
        required=False,
        widget=forms.HiddenInput,
    )
    outcome = forms.ChoiceField(
        choices=[
            c for c in SwitchboardCall.Outcome.choices if c[0] not in ("offered",)
        ],
        widget=forms.HiddenInput,
    )
    content = forms.CharField(
        label=_("Message"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    urgency = forms.ChoiceField(
        label=_("Urgency"),
        choices=Message.Urgency.choices,
        initial="normal",
        required=False,
    )


class MessageForm(forms.Form):
    recipient = EmployeeChoiceField(label=_("For"), queryset=active_employees())
    caller_name = forms.CharField(
        label=_("Message from"), max_length=100, required=False
    )
    caller_organisation = forms.CharField(
        label=_("Caller's organisation"), max_length=150, required=False
    )
    caller_number = forms.CharField(label=_("Call-back number"), max_length=30)
    content = forms.CharField(
        label=_("Message"), widget=forms.Textarea(attrs={"rows": 3})
    )
    urgency = forms.ChoiceField(
        label=_("Urgency"), choices=Message.Urgency.choices, initial="normal"
    )


class MessageAfterCallForm(forms.Form):
    """A message for the person a just-logged call was transferred to (R-SWB-1/3)."""

    content = forms.CharField(
        label=_("Message"), widget=forms.Textarea(attrs={"rows": 2})
    )
    caller_number = forms.CharField(label=_("Call-back number"), max_length=30)
    urgency = forms.ChoiceField(
        label=_("Urgency"), choices=Message.Urgency.choices, initial="normal"
    )


class ReturnForm(forms.Form):
    note = forms.CharField(label=_("Note"), max_length=500, required=False)


class LocalDateTimeField(forms.DateTimeField):
    widget = forms.DateTimeInput(
        attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"
    )

    def __init__(self, **kwargs):
        kwargs.setdefault("input_formats", ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"])
        super().__init__(**kwargs)


class HotlineCallForm(forms.Form):
    started_at = LocalDateTimeField(label=_("Call time"))
    caller_number = forms.CharField(label=_("Caller number"), max_length=30)
    caller_name = forms.CharField(
        label=_("Caller name"), max_length=100, required=False
    )
    outcome = forms.ChoiceField(
        label=_("Outcome"),
        choices=[
            (HotlineCall.Outcome.ANSWERED, HotlineCall.Outcome.ANSWERED.label),
            (HotlineCall.Outcome.MISSED, HotlineCall.Outcome.MISSED.label),
            (HotlineCall.Outcome.ABANDONED, HotlineCall.Outcome.ABANDONED.label),
        ],
    )
    duration_minutes = forms.DecimalField(
        label=_("Talk time (minutes)"),
        min_value=0,
        max_value=600,
        decimal_places=1,
        required=False,
    )
    content = forms.CharField(
        label=_("Content"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class ShiftForm(forms.Form):
    service = forms.ChoiceField(label=_("Line"), choices=Service.choices)
    date = forms.DateField(
        label=_("Date"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    start = forms.TimeField(
        label=_("Starts"),
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
    )
    end = forms.TimeField(
        label=_("Ends"),
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        help_text=_("An end before the start means the next day."),
    )
    employee = EmployeeChoiceField(label=_("On duty"), queryset=active_employees())
    delegate = EmployeeChoiceField(
        label=_("Delegate"), queryset=active_employees(), required=False
    )
    note = forms.CharField(label=_("Note"), max_length=200, required=False)

    def interval(self) -> tuple[datetime, datetime]:
        data = self.cleaned_data
        starts = timezone.make_aware(datetime.combine(data["date"], data["start"]))
        ends = timezone.make_aware(datetime.combine(data["date"], data["end"]))
        if ends <= starts:
            ends = timezone.make_aware(
                datetime.combine(data["date"] + timedelta(days=1), data["end"])
            )
        return starts, ends


class HandoverForm(forms.Form):
    service = forms.ChoiceField(label=_("Line"), choices=Service.choices)
    from_employee = EmployeeChoiceField(
        label=_("Handed over by"), queryset=active_employees(), required=False
    )
    to_employee = EmployeeChoiceField(
        label=_("Handed over to"), queryset=active_employees()
    )
    open_items = forms.CharField(
        label=_("Open items"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class AwayForm(forms.Form):
    open_items = forms.CharField(
        label=_("Open items"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class DialCheckForm(forms.Form):
    result = forms.ChoiceField(
        label=_("Result"), choices=DialCheck.Result.choices, widget=forms.RadioSelect
    )
    note = forms.CharField(
        label=_("What happened / cause"), max_length=500, required=False
    )


class FaultForm(forms.Form):
    cause = forms.CharField(label=_("Cause of the fault"), max_length=500)


class FaultCloseForm(forms.Form):
    repair_note = forms.CharField(label=_("Repair"), max_length=500)


class ApiTokenForm(forms.Form):
    system = forms.SlugField(
        label=_("System"),
        max_length=50,
        help_text=_("A short name of the PBX or CTI system, e.g. pbx-main."),
    )
    allow_hotline = forms.BooleanField(
        label=_("May post hotline events"), required=False, initial=True
    )
    allow_switchboard = forms.BooleanField(
        label=_("May post switchboard events"), required=False, initial=True
    )
