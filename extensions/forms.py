"""Browser input for the extensions pages; services hold the rules."""

from __future__ import annotations

import django_filters
from django import forms
from django.core.validators import FileExtensionValidator
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from telephony_admin.approvals.forms import DecisionForm
from telephony_admin.core import config
from telephony_admin.core.widgets import PersonSelect
from telephony_admin.org.models import Department, Employee

from .models import (
    ClassOfService,
    Fault,
    FaultStatus,
    Feature,
    LDRegion,
    LDStatus,
    Line,
    LineKind,
    LongDistanceRequest,
    RequestStatus,
)

DATE = {"type": "date"}
DATETIME = {"type": "datetime-local"}


def _active_employees():
    return Employee.objects.filter(is_active=True).select_related("department")


class LineFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label=_("Number, owner or location"))
    kind = django_filters.ChoiceFilter(choices=LineKind.choices, label=_("Kind"))
    department = django_filters.ModelChoiceFilter(
        queryset=Department.objects.all(), label=_("Department")
    )
    class_of_service = django_filters.ChoiceFilter(
        choices=ClassOfService.choices, label=_("Class of service")
    )
    is_active = django_filters.BooleanFilter(
        label=_("Active"),
        widget=forms.Select(
            choices=[("", _("All")), ("true", _("Active")), ("false", _("Inactive"))]
        ),
    )

    class Meta:
        model = Line
        fields = ["q", "kind", "department", "class_of_service", "is_active"]

    def search(self, queryset, name, value):
        from django.db.models import Q

        value = value.strip()
        return queryset.filter(
            Q(number__contains=value)
            | Q(owner__name__contains=value)
            | Q(owner__pinyin_initials__startswith=value.lower())
            | Q(location__icontains=value)
        )


class LineCreateForm(forms.Form):
    number = forms.CharField(label=_("Number"), max_length=30)
    kind = forms.ChoiceField(label=_("Kind"), choices=LineKind.choices)
    department = forms.ModelChoiceField(
        label=_("Department"), queryset=Department.objects.all()
    )
    owner = forms.ModelChoiceField(
        label=_("Owner"),
        queryset=_active_employees(),
        required=False,
        help_text=_("Leave empty for a shared line: the department head owns it."),
        widget=PersonSelect(),
    )
    location = forms.CharField(label=_("Location"), required=False, max_length=100)
    device = forms.CharField(
        label=_("Handset / device"), required=False, max_length=100
    )
    notes = forms.CharField(
        label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class LineEditForm(forms.ModelForm):
    class Meta:
        model = Line
        fields = ["kind", "location", "device", "notes", "is_active"]
        widgets = {"notes": forms.Textarea(attrs={"rows": 2})}


class LineAssignForm(forms.Form):
    owner = forms.ModelChoiceField(
        label=_("New owner"), queryset=_active_employees(), widget=PersonSelect()
    )
    department = forms.ModelChoiceField(
        label=_("Department"),
        queryset=Department.objects.all(),
        required=False,
        help_text=_("Empty: the new owner's department."),
    )
    when = forms.DateTimeField(
        label=_("From"),
        widget=forms.DateTimeInput(attrs=DATETIME, format="%Y-%m-%dT%H:%M"),
    )
    reason = forms.CharField(label=_("Reason"), max_length=200, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["when"].initial = timezone.localtime().strftime("%Y-%m-%dT%H:%M")


class ClassReduceForm(forms.Form):
    to_class = forms.TypedChoiceField(
        label=_("Class of service"), choices=ClassOfService.choices, coerce=int
    )
    features = forms.MultipleChoiceField(
        label=_("Paid features"),
        choices=Feature.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    reason = forms.CharField(label=_("Reason"), max_length=300)


class LimitForm(forms.Form):
    department = forms.ModelChoiceField(
        label=_("Department"), queryset=Department.objects.all()
    )
    local_lines = forms.IntegerField(label=_("Local lines"), min_value=0)
    long_distance_lines = forms.IntegerField(
        label=_("Long-distance lines"), min_value=0
    )


class ApplicationForm(forms.Form):
    line = forms.ModelChoiceField(label=_("Line"), queryset=Line.objects.none())
    requested_class = forms.TypedChoiceField(
        label=_("Class of service wanted"),
        choices=ClassOfService.choices,
        coerce=int,
    )
    requested_features = forms.MultipleChoiceField(
        label=_("Paid features wanted"),
        choices=Feature.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    reason = forms.CharField(
        label=_("Business reason"), widget=forms.Textarea(attrs={"rows": 3})
    )
    effective_from = forms.DateField(
        label=_("Effective from"),
        required=False,
        widget=forms.DateInput(attrs=DATE, format="%Y-%m-%d"),
        help_text=_("Empty: as soon as it is approved."),
    )

    def __init__(self, *args, lines=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["line"].queryset = (
            lines if lines is not None else Line.objects.none()
        )


class AdminDecisionForm(DecisionForm):
    """The administration step: may approve beyond the department's limit."""

    override = forms.BooleanField(
        label=_("Approve beyond the department's limit (override)"), required=False
    )

    def clean(self):
        # The box is there only when approving exceeds the limit (R-EXT-3): say so
        # here, next to it, rather than send the approver to this same page.
        cleaned = super().clean()
        if (
            "override" in self.fields
            and cleaned.get("decision") == "approve"
            and not cleaned.get("override")
        ):
            self.add_error(
                "override",
                _(
                    "Approving exceeds the department's limit: tick this box to "
                    "approve beyond it, or reject the application."
                ),
            )
        return cleaned


class EquipmentForm(forms.Form):
    department = forms.ModelChoiceField(
        label=_("Department"), queryset=Department.objects.none()
    )
    kind = forms.ChoiceField(label=_("Kind of line"), choices=LineKind.choices)
    quantity = forms.IntegerField(label=_("Quantity"), min_value=1, max_value=500)
    needed_by = forms.DateField(
        label=_("Needed by"), widget=forms.DateInput(attrs=DATE, format="%Y-%m-%d")
    )
    reason = forms.CharField(
        label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, departments=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = departments


class FulfilForm(forms.Form):
    new_numbers = forms.CharField(
        label=_("New line numbers"),
        required=False,
        help_text=_("One per line or separated by commas."),
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    existing_lines = forms.ModelMultipleChoiceField(
        label=_("Existing lines to assign"),
        queryset=Line.objects.filter(is_active=True),
        required=False,
    )
    owner = forms.ModelChoiceField(
        label=_("Owner"),
        queryset=_active_employees(),
        required=False,
        widget=PersonSelect(),
    )
    location = forms.CharField(label=_("Location"), required=False)
    notes = forms.CharField(
        label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def clean_new_numbers(self):
        raw = self.cleaned_data["new_numbers"].replace(",", "\n")
        return [n.strip() for n in raw.splitlines() if n.strip()]


class FaultForm(forms.Form):
    line = forms.ModelChoiceField(label=_("Line"), queryset=Line.objects.none())
    reported_at = forms.DateTimeField(
        label=_("Fault noticed at"),
        widget=forms.DateTimeInput(attrs=DATETIME, format="%Y-%m-%dT%H:%M"),
    )
    symptom = forms.CharField(
        label=_("Symptom"), widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, lines=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["line"].queryset = (
            lines if lines is not None else Line.objects.none()
        )
        self.fields["reported_at"].initial = timezone.localtime().strftime(
            "%Y-%m-%dT%H:%M"
        )


class FaultAssignForm(forms.Form):
    assigned_to = forms.ModelChoiceField(
        label=_("Responsible"), queryset=_active_employees(), widget=PersonSelect()
    )


class FaultCloseForm(forms.Form):
    cause = forms.CharField(label=_("Cause"), widget=forms.Textarea(attrs={"rows": 2}))
    repair = forms.CharField(
        label=_("Repair done"), widget=forms.Textarea(attrs={"rows": 2})
    )


UNRESOLVED = "unresolved"


class FaultFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(
        choices=[(UNRESOLVED, _("Not closed"))] + FaultStatus.choices,
        method="by_status",
        label=_("Status"),
        empty_label=_("All"),
    )
    line__department = django_filters.ModelChoiceFilter(
        queryset=Department.objects.all(), label=_("Department")
    )

    class Meta:
        model = Fault
        fields = ["status", "line__department"]

    def by_status(self, queryset, name, value):
        if value == UNRESOLVED:
            return queryset.exclude(status=FaultStatus.CLOSED)
        return queryset.filter(status=value)


class RequestStatusFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(
        choices=RequestStatus.choices, label=_("Status")
    )
    department = django_filters.ModelChoiceFilter(
        queryset=Department.objects.all(), label=_("Department")
    )


class LDFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=LDStatus.choices, label=_("Status"))
    department = django_filters.ModelChoiceFilter(
        queryset=Department.objects.all(), label=_("Department")
    )
    urgent = django_filters.BooleanFilter(
        label=_("Urgent"),
        widget=forms.Select(
            choices=[("", _("All")), ("true", _("Urgent")), ("false", _("Not urgent"))]
        ),
    )

    class Meta:
        model = LongDistanceRequest
        fields = ["status", "department", "urgent"]


class LDRequestForm(forms.Form):
    caller = forms.ModelChoiceField(
        label=_("Caller"),
        queryset=Employee.objects.none(),
        widget=PersonSelect(scope="requests.file"),
    )
    line = forms.ModelChoiceField(label=_("Line"), queryset=Line.objects.none())
    region = forms.ChoiceField(label=_("Destination kind"), choices=LDRegion.choices)
    destination_region = forms.CharField(
        label=_("Destination region"), max_length=100, help_text=_("e.g. 北京, 香港")
    )
    destination_org = forms.CharField(label=_("Organisation called"), max_length=200)
    destination_number = forms.CharField(
        label=_("Number (if known)"), max_length=40, required=False
    )
    reason = forms.CharField(
        label=_("Business reason"), widget=forms.Textarea(attrs={"rows": 3})
    )
    expected_minutes = forms.IntegerField(
        label=_("Expected duration (min)"), min_value=1, max_value=600
    )
    call_on = forms.DateField(
        label=_("Call date"), widget=forms.DateInput(attrs=DATE, format="%Y-%m-%d")
    )
    urgent = forms.BooleanField(
        label=_("Urgent"),
        required=False,
        help_text=_(
            "If the head and the supervising leader are absent, administration can let "
            "the call be placed now."
        ),
    )

    def __init__(self, *args, callers=None, lines=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["caller"].queryset = callers
        self.fields["line"].queryset = lines
        self.fields["call_on"].initial = timezone.localdate()


class TransferForm(forms.Form):
    employee = forms.ModelChoiceField(
        label=_("Employee"), queryset=_active_employees(), widget=PersonSelect()
    )
    department = forms.ModelChoiceField(
        label=_("New department"), queryset=Department.objects.all()
    )
    when = forms.DateTimeField(
        label=_("Effective from"),
        widget=forms.DateTimeInput(attrs=DATETIME, format="%Y-%m-%dT%H:%M"),
    )

    def __init__(self, *args, lines=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["when"].initial = timezone.localtime().strftime("%Y-%m-%dT%H:%M")
        self.line_fields = []
        for line in lines:
            name = f"line_{line.pk}"
            self.fields[name] = forms.ModelChoiceField(
                label=_("Line %(number)s") % {"number": line.number},
                queryset=_active_employees(),
                required=False,
                empty_label=_("Moves with the employee"),
                help_text=_("Or choose who takes the line over (administration)."),
                widget=PersonSelect(),
            )
            self.line_fields.append((line, name))

    def reassignments(self) -> dict:
        return {
            line.pk: self.cleaned_data[name]
            for line, name in self.line_fields
            if self.cleaned_data.get(name) is not None
        }


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("Excel line list (.xlsx)"),
        validators=[FileExtensionValidator(["xlsx"])],
        help_text=_(
            "Columns: number, kind, owner employee number, department code, class, "
            "location. Chinese headers are understood."
        ),
    )

    def clean_file(self):
        file = self.cleaned_data["file"]
        limit_mb = config.get("extensions.import_max_upload_mb")
        if file.size > limit_mb * 1024 * 1024:
            raise forms.ValidationError(
                _("The file is larger than %(mb)s MB.") % {"mb": limit_mb}
            )
        return file
