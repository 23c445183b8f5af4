"""Browser input for quotas, findings, private calls, fines and closing."""

from __future__ import annotations

from decimal import Decimal

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from billing.services import parse_month
from telephony_admin.core.widgets import PersonSelect
from telephony_admin.org.models import Department, Employee

from .models import FindingKind, FindingStatus, FineType, Rule, Violation

DATE = forms.DateInput(attrs={"type": "date"})
TIME = forms.TimeInput(attrs={"type": "time"})
MONTH = forms.TextInput(attrs={"type": "month"})


class MonthField(forms.CharField):
    widget = MONTH

    def clean(self, value):
        value = super().clean(value)
        if not value:
            return None
        from telephony_admin.errors import DomainError

        try:
            return parse_month(value)
        except DomainError as exc:
            raise forms.ValidationError(exc.message) from exc


class ProposeForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)


class LineQuotaForm(forms.Form):
    number = forms.CharField(label=_("Line number"), max_length=30)
    monthly_amount = forms.DecimalField(
        label=_("Monthly quota"), max_digits=12, decimal_places=2, min_value=0
    )
    is_duty = forms.BooleanField(label=_("Duty line"), required=False)


class QuotaMonthForm(forms.Form):
    department = forms.ModelChoiceField(
        label=_("Department"), queryset=Department.objects.order_by("code")
    )
    month = MonthField(label=_("Month"))
    amount = forms.DecimalField(
        label=_("Monthly quota"), max_digits=12, decimal_places=2, min_value=0
    )
    reason = forms.CharField(label=_("Reason"), max_length=300)


class FindingFilter(django_filters.FilterSet):
    month = django_filters.CharFilter(
        label=_("Month"), method="filter_month", widget=MONTH
    )
    rule = django_filters.ChoiceFilter(label=_("Rule"), choices=Rule.choices)
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=FindingKind.choices)
    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=FindingStatus.choices
    )
    department = django_filters.ModelChoiceFilter(
        label=_("Department"), queryset=Department.objects.order_by("code")
    )
    employee = django_filters.ModelChoiceFilter(
        label=_("Charged to"), queryset=Employee.objects.order_by("name")
    )
    line = django_filters.CharFilter(
        label=_("Line"), field_name="line_number", lookup_expr="startswith"
    )

    class Meta:
        model = Violation
        fields: list[str] = []

    def filter_month(self, queryset, name, value):
        from billing.selectors import period_id_of
        from telephony_admin.errors import DomainError

        try:
            period_id = period_id_of(parse_month(value))
        except DomainError:
            return queryset.none()
        # The id, not a join: the month's findings in time order from their index.
        if period_id is None:
            return queryset.none()
        return queryset.filter(period_id=period_id)


class DecisionForm(forms.Form):
    """No default choice: the person deciding must pick one (issue 15)."""

    status = forms.ChoiceField(label=_("Decision"), choices=FindingStatus.choices)

    def set_choices(self, allowed) -> None:
        self.fields["status"].choices = [("", _("Choose…"))] + [
            (value, label) for value, label in FindingStatus.choices if value in allowed
        ]
        self.fields["status"].initial = ""

    reason = forms.CharField(
        label=_("Reason"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class ReassignForm(forms.Form):
    employee = forms.ModelChoiceField(
        label=_("Charge to"),
        queryset=Employee.objects.filter(is_active=True).order_by("name"),
        widget=PersonSelect(),
    )
    reason = forms.CharField(label=_("Reason"), max_length=500)


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"), max_length=500, widget=forms.Textarea(attrs={"rows": 2})
    )


class RegistrationForm(forms.Form):
    call_date = forms.DateField(label=_("Date"), widget=DATE)
    approx_time = forms.TimeField(label=_("Approximate time"), widget=TIME)
    line_number = forms.CharField(label=_("Line"), max_length=30)
    called_number = forms.CharField(label=_("Number called"), max_length=40)
    duration_minutes = forms.IntegerField(
        label=_("Duration (min)"), min_value=1, max_value=600
    )
    reason = forms.CharField(label=_("Reason"), max_length=300)

    def __init__(self, *args, lines=(), **kwargs):
        super().__init__(*args, **kwargs)
        if lines:
            self.fields["line_number"].widget = forms.Select(
                choices=[(n, n) for n in lines]
            )


class FineForm(forms.Form):
    employee = forms.ModelChoiceField(
        label=_("Employee"),
        queryset=Employee.objects.filter(is_active=True).order_by("name"),
        widget=PersonSelect(),
    )
    fine_type = forms.ChoiceField(label=_("Type"), choices=FineType.choices)
    occurred_on = forms.DateField(label=_("Date"), widget=DATE)
    multiplier = forms.IntegerField(
        label=_("Multiple (severe cases)"), min_value=1, initial=1
    )
    base_amount = forms.DecimalField(
        label=_("Standard fine (empty: the setting)"),
        max_digits=12,
        decimal_places=2,
        min_value=Decimal(0),
        required=False,
    )
    reason = forms.CharField(label=_("Reason"), max_length=300)


class ExportForm(forms.Form):
    lang = forms.ChoiceField(
        label=_("Headers"),
        choices=[("zh-hans", _("Chinese")), ("en", _("English"))],
        required=False,
    )


class BulkForm(forms.Form):
    """One decision for every finding of the filter, with one reason."""

    action = forms.ChoiceField(
        label=_("Action"), widget=forms.Select(attrs={"class": "form-select"})
    )
    employee = forms.ModelChoiceField(
        label=_("Charge to"),
        queryset=Employee.objects.filter(is_active=True).order_by("name"),
        required=False,
        help_text=_("Only to re-assign."),
        widget=PersonSelect(attrs={"class": "form-select"}),
    )
    reason = forms.CharField(
        label=_("Reason"),
        max_length=500,
        widget=forms.TextInput(attrs={"class": "form-control"}),
    )

    def __init__(self, *args, **kwargs):
        from .services.bulk import ACTIONS, REASSIGN

        super().__init__(*args, **kwargs)
        self.fields["action"].choices = [("", _("Choose…")), *ACTIONS]
        self._reassign = REASSIGN

    def clean(self):
        data = super().clean()
        if data.get("action") == self._reassign and not data.get("employee"):
            self.add_error("employee", _("Choose the person to charge."))
        return data
