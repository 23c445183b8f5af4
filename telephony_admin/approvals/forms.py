from django import forms
from django.utils.translation import gettext_lazy as _

from telephony_admin.core.widgets import PersonSelect
from telephony_admin.org.models import Employee


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[("approve", _("Approve")), ("reject", _("Reject"))],
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("Comment"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def clean(self):
        cleaned = super().clean()
        if (
            cleaned.get("decision") == "reject"
            and not cleaned.get("comment", "").strip()
        ):
            self.add_error("comment", _("Give a reason for the rejection."))
        return cleaned


class AbsenceForm(forms.Form):
    starts_on = forms.DateField(
        label=_("From"), widget=forms.DateInput(attrs={"type": "date"})
    )
    ends_on = forms.DateField(
        label=_("To"), widget=forms.DateInput(attrs={"type": "date"})
    )
    delegate = forms.ModelChoiceField(
        label=_("Delegate"),
        queryset=Employee.objects.filter(is_active=True),
        widget=PersonSelect(),
    )
    reason = forms.CharField(label=_("Reason"), required=False)

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("starts_on"), cleaned.get("ends_on")
        if start and end and end < start:
            self.add_error("ends_on", _("The absence must end on or after its start."))
        return cleaned


class StepIdsField(forms.Field):
    """The ticked requests of the inbox (step ids; the checkboxes are in the table)."""

    widget = forms.MultipleHiddenInput

    def to_python(self, value):
        if not value:
            return []
        try:
            return list(dict.fromkeys(int(v) for v in value))
        except (TypeError, ValueError) as exc:
            raise forms.ValidationError(_("Choose requests from the list.")) from exc

    def validate(self, value):
        if not value:
            raise forms.ValidationError(
                _("Tick at least one request."), code="required"
            )


class BulkDecisionForm(forms.Form):
    """One comment and one decision for every ticked request of the inbox."""

    steps = StepIdsField(label=_("Requests"))
    comment = forms.CharField(
        label=_("Comment (for every ticked request)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    action = forms.ChoiceField(
        choices=[("approve", _("Approve")), ("reject", _("Reject"))],
        widget=forms.HiddenInput,
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("action") == "reject" and not cleaned.get("comment", "").strip():
            self.add_error("comment", _("Give a reason for the rejection."))
        return cleaned
