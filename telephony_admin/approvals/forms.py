from django import forms
from django.utils.translation import gettext_lazy as _

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
        label=_("Delegate"), queryset=Employee.objects.filter(is_active=True)
    )
    reason = forms.CharField(label=_("Reason"), required=False)

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("starts_on"), cleaned.get("ends_on")
        if start and end and end < start:
            self.add_error("ends_on", _("The absence must end on or after its start."))
        return cleaned
