"""Billing forms: bill upload, call filters, number-plan rules, line resolution."""

from __future__ import annotations

import zipfile
from pathlib import Path

import django_filters
from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from telephony_admin.core import config
from telephony_admin.core.widgets import PersonSelect
from telephony_admin.org.access import filter_by_scope
from telephony_admin.org.models import Department, Employee

from .errors import BillingError
from .importers.readers import (
    CSV_EXTENSIONS,
    EXTENSIONS,
    UnreadableFile,
    detect_encoding,
)
from .models import (
    BillingPeriod,
    CallClass,
    CallFlag,
    CallRecord,
    Carrier,
    NumberRule,
    RuleKind,
)
from .selectors import period_id_of
from .services import parse_month


class MonthField(forms.CharField):
    widget = forms.TextInput(attrs={"type": "month", "placeholder": "YYYY-MM"})

    def clean(self, value):
        value = super().clean(value)
        if not value:
            return None
        try:
            return parse_month(value)
        except BillingError as exc:
            raise forms.ValidationError(exc.message) from exc


class BillUploadForm(forms.Form):
    file = forms.FileField(
        label=_("Itemised bill (CSV or XLSX)"),
        help_text=_("UTF-8 or GB18030/GBK CSV, or an Excel workbook."),
    )
    period = MonthField(label=_("Billing month"))
    carrier = forms.CharField(label=_("Carrier"), max_length=100, required=False)
    dry_run = forms.BooleanField(
        label=_("Dry run: check the file and show the errors, import nothing"),
        required=False,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            today = timezone.localdate()
            last = (today.replace(day=1) - timezone.timedelta(days=1)).strftime("%Y-%m")
            self.initial.setdefault("period", last)
            self.initial.setdefault("carrier", config.get("billing.default_carrier"))
        self.fields["carrier"].widget.attrs["list"] = "carriers"
        self.helper = FormHelper()
        self.helper.attrs = {"enctype": "multipart/form-data"}
        self.helper.add_input(Submit("submit", _("Upload"), css_class="btn-primary"))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        suffix = Path(upload.name).suffix.lower()
        if suffix not in EXTENSIONS:
            raise forms.ValidationError(
                _("Unsupported file type “%(suffix)s”: use CSV or XLSX.")
                % {"suffix": suffix or upload.name}
            )
        limit = config.get("billing.import_max_upload_mb")
        if upload.size > limit * 1024 * 1024:
            raise forms.ValidationError(
                _("The file is larger than %(mb)s MB.") % {"mb": limit}
            )
        if upload.size == 0:
            raise forms.ValidationError(_("The file is empty."))
        if suffix in CSV_EXTENSIONS:
            try:
                detect_encoding(upload.file)
            except UnreadableFile as exc:
                raise forms.ValidationError(str(exc)) from exc
        elif not zipfile.is_zipfile(upload.file):
            raise forms.ValidationError(_("The file is not a readable Excel workbook."))
        upload.file.seek(0)
        return upload

    def clean_period(self):
        month = self.cleaned_data["period"]
        period = BillingPeriod.objects.filter(month=month).first()
        if period and period.is_closed and not self.data.get("dry_run"):
            raise forms.ValidationError(
                _("The billing month %(month)s is closed; its bill cannot be imported.")
                % {"month": period}
            )
        return month


def _flag_filter(queryset, name, value):
    return queryset.with_flag(int(value)) if value else queryset


class CallFilter(django_filters.FilterSet):
    month = django_filters.CharFilter(
        label=_("Month"), method="filter_month", widget=MonthField.widget
    )
    line = django_filters.CharFilter(
        label=_("Line"), field_name="line_number", lookup_expr="startswith"
    )
    called = django_filters.CharFilter(
        label=_("Called number"), field_name="called_number", lookup_expr="startswith"
    )
    owner = django_filters.ModelChoiceFilter(
        label=_("Person"), queryset=Employee.objects.order_by("name")
    )
    department = django_filters.ModelChoiceFilter(
        label=_("Department"), queryset=Department.objects.order_by("code")
    )
    call_class = django_filters.ChoiceFilter(
        label=_("Call type"), choices=CallClass.choices
    )
    carrier = django_filters.ModelChoiceFilter(
        label=_("Carrier"), queryset=Carrier.objects.all()
    )
    flag = django_filters.ChoiceFilter(
        label=_("Flag"), choices=CallFlag.choices, method=_flag_filter
    )

    class Meta:
        model = CallRecord
        fields: list[str] = []

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        if user is not None:
            # Offer only the people and departments whose calls the user may see.
            people = self.filters["owner"]
            people.queryset = filter_by_scope(
                user, "calls.view", people.queryset, department="department", owner="pk"
            )
            departments = self.filters["department"]
            departments.queryset = filter_by_scope(
                user, "calls.view", departments.queryset, department="pk", owner=None
            )
            if not departments.queryset.exists():
                del self.filters["department"]
        for field in self.form.fields.values():
            css = (
                "form-select"
                if isinstance(field.widget, forms.Select)
                else "form-control"
            )
            field.widget.attrs["class"] = f"{css} {css}-sm"

    def filter_month(self, queryset, name, value):
        try:
            month = parse_month(value)
        except BillingError:
            return queryset.none()
        # The month's id, not a join: the planner then reads only the month's
        # partitions and knows how many calls they hold (in time order from the
        # natural key instead of sorting the month for one page).
        period_id = period_id_of(month)
        if period_id is None:
            return queryset.none()
        return queryset.filter(period_id=period_id)


class NumberRuleForm(forms.ModelForm):
    class Meta:
        model = NumberRule
        fields = [
            "kind",
            "prefix",
            "call_class",
            "min_length",
            "max_length",
            "valid_from",
            "valid_until",
            "note",
        ]
        widgets = {
            "valid_from": forms.DateInput(attrs={"type": "date"}),
            "valid_until": forms.DateInput(attrs={"type": "date"}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", _("Save"), css_class="btn-primary"))

    def clean_prefix(self):
        prefix = self.cleaned_data["prefix"].strip()
        if prefix and not prefix.isdigit():
            raise forms.ValidationError(_("A prefix is digits only."))
        return prefix

    def clean(self):
        """The model's check constraints, said in words next to the field."""
        data = super().clean()
        low, high = data.get("min_length"), data.get("max_length")
        if low is not None and high is not None and high < low:
            self.add_error(
                "max_length", _("The maximum length is below the minimum length.")
            )
        start, end = data.get("valid_from"), data.get("valid_until")
        if start and end and end < start:
            self.add_error("valid_until", _("The rule cannot end before it starts."))
        if data.get("kind") != RuleKind.IP_PREFIX and not data.get("call_class"):
            self.add_error("call_class", _("Choose the class these numbers belong to."))
        return data


class ClassifyForm(forms.Form):
    number = forms.CharField(
        label=_("Called number"),
        max_length=40,
        widget=forms.TextInput(attrs={"class": "form-control", "inputmode": "tel"}),
    )
    day = forms.DateField(
        label=_("On"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date", "class": "form-control"}),
    )


class ResolveLineForm(forms.Form):
    department = forms.ModelChoiceField(
        label=_("Department"), queryset=Department.objects.order_by("code")
    )
    owner = forms.ModelChoiceField(
        label=_("Owner"),
        queryset=Employee.objects.filter(is_active=True).order_by("name"),
        required=False,
        help_text=_("Empty: a shared line, held by the department head."),
        widget=PersonSelect(),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.add_input(
            Submit("submit", _("Assign the line"), css_class="btn-primary")
        )
