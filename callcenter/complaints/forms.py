"""Browser input for intake and each workflow step (the services hold the rules)."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from telephony_admin.org.models import Department

from .forms_replies import TemplatePickMixin
from .models import (
    Channel,
    Complexity,
    ContactChannel,
    ContactPurpose,
    Kind,
    ReplyUse,
    Satisfaction,
)

TEXTAREA = {"rows": 3}


class IntakeForm(forms.Form):
    """投诉登记表: fast to fill while the customer is on the line (R-CMP-1)."""

    contact_phone = forms.CharField(
        label=_("Contact phone"),
        max_length=30,
        widget=forms.TextInput(attrs={"autofocus": True, "inputmode": "tel"}),
    )
    customer_name = forms.CharField(label=_("Customer name"), max_length=100)
    email = forms.EmailField(
        label=_("Customer e-mail"),
        required=False,
        help_text=_("Only if the customer wants the result by e-mail."),
    )
    unit = forms.CharField(
        label=_("Unit or product serial number"), max_length=100, required=False
    )
    channel = forms.ChoiceField(
        label=_("Channel"), choices=Channel.choices, initial=Channel.HOTLINE
    )
    kind = forms.ChoiceField(
        label=_("Kind"),
        choices=Kind.choices,
        initial=Kind.COMPLAINT,
        widget=forms.RadioSelect,
    )
    complexity = forms.ChoiceField(
        label=_("Complexity"),
        choices=Complexity.choices,
        required=False,
        initial=Complexity.GENERAL,
        widget=forms.RadioSelect,
    )
    content = forms.CharField(
        label=_("Content"), widget=forms.Textarea(attrs={"rows": 5})
    )
    answer = forms.CharField(
        label=_("Answer given now (consultation or query)"),
        required=False,
        widget=forms.Textarea(attrs=TEXTAREA),
    )
    accepted_at = forms.DateTimeField(
        label=_("Accepted at"),
        # To the second: a query is to be answered within a minute (R-CMP-2).
        widget=forms.DateTimeInput(
            attrs={"type": "datetime-local", "step": 1}, format="%Y-%m-%dT%H:%M:%S"
        ),
    )
    hotline_call = forms.TypedChoiceField(
        label=_("Hotline call"), required=False, coerce=int, empty_value=None
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["accepted_at"].initial = timezone.localtime().replace(microsecond=0)
        # The linked call stays a valid choice when the form comes back with an
        # error, even if it is older than the recent calls offered.
        linked = self.initial.get("hotline_call") or self.data.get("hotline_call")
        linked = int(linked) if str(linked or "").isdigit() else None
        self.fields["hotline_call"].choices = [("", "—"), *_recent_calls(linked)]

    def clean(self):
        data = super().clean()
        if data.get("kind") == Kind.COMPLAINT and not data.get("complexity"):
            self.add_error("complexity", _("Choose the complexity of the complaint."))
        return data


def _recent_calls(linked: int | None = None) -> list[tuple[int, str]]:
    """The last two days' hotline calls (and a linked one), to link the case."""
    from django.db.models import Q

    from callcenter.models import HotlineCall

    since = timezone.now() - timezone.timedelta(days=2)
    calls = HotlineCall.objects.filter(
        Q(started_at__gte=since) | Q(pk=linked or 0)
    ).order_by("-started_at")
    return [
        (
            call.pk,
            f"{timezone.localtime(call.started_at):%m-%d %H:%M} "
            f"{call.caller_number} {call.caller_name}".strip(),
        )
        for call in calls[:50]
    ]


class NoteForm(forms.Form):
    note = forms.CharField(
        label=_("Internal note"), required=False, widget=forms.Textarea(attrs=TEXTAREA)
    )


class RequiredNoteForm(forms.Form):
    note = forms.CharField(
        label=_("Internal note"), widget=forms.Textarea(attrs=TEXTAREA)
    )


class SendForm(NoteForm):
    department = forms.ModelChoiceField(
        label=_("Responsible department"), queryset=Department.objects.all()
    )

    field_order = ["department", "note"]


class VerifyForm(NoteForm):
    founded = forms.TypedChoiceField(
        label=_("Verification"),
        choices=[("yes", _("Founded")), ("no", _("Unfounded"))],
        coerce=lambda v: v == "yes",
        widget=forms.RadioSelect,
    )
    explanation = forms.CharField(
        label=_("Explanation"), widget=forms.Textarea(attrs=TEXTAREA)
    )

    field_order = ["founded", "explanation", "note"]


class SolveForm(NoteForm):
    findings = forms.CharField(
        label=_("Findings"), widget=forms.Textarea(attrs=TEXTAREA)
    )
    solution = forms.CharField(
        label=_("Solution"), widget=forms.Textarea(attrs=TEXTAREA)
    )
    return_now = forms.BooleanField(
        label=_("Return it to customer service now"), required=False, initial=True
    )

    field_order = ["findings", "solution", "note", "return_now"]


class TellResultForm(TemplatePickMixin, NoteForm):
    template_uses = (ReplyUse.RESULT, ReplyUse.APOLOGY)
    text_field = "result"

    result = forms.CharField(
        label=_("What the customer was told"), widget=forms.Textarea(attrs=TEXTAREA)
    )
    channel = forms.ChoiceField(label=_("How"), choices=ContactChannel.choices)
    send_email = forms.BooleanField(
        label=_("Also e-mail this text to the customer"), required=False
    )
    email = forms.EmailField(
        label=_("Customer e-mail"),
        required=False,
        help_text=_("Fill in only if the customer gives a new address now."),
    )

    field_order = ["result", "channel", "send_email", "email", "note"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.add_template_field()

    def clean(self):
        return self.clean_template_text(super().clean())


class CallbackForm(TemplatePickMixin, forms.Form):
    template_uses = (ReplyUse.CALLBACK,)
    text_field = "script"

    script = forms.CharField(
        label=_("What you said to the customer"),
        required=False,
        widget=forms.Textarea(attrs=TEXTAREA),
    )
    satisfaction = forms.TypedChoiceField(
        label=_("Satisfaction"),
        choices=Satisfaction.choices,
        coerce=int,
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("Customer's comment"),
        required=False,
        widget=forms.Textarea(attrs=TEXTAREA),
    )
    channel = forms.ChoiceField(label=_("How"), choices=ContactChannel.choices)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.add_template_field()

    def clean(self):
        return self.clean_template_text(super().clean(), required=False)


class ContactForm(TemplatePickMixin, forms.Form):
    template_uses = (ReplyUse.ACKNOWLEDGEMENT, ReplyUse.APOLOGY)
    text_field = "summary"

    purpose = forms.ChoiceField(
        label=_("Purpose"),
        choices=[
            (ContactPurpose.REPLY, ContactPurpose.REPLY.label),
            (ContactPurpose.UPDATE, ContactPurpose.UPDATE.label),
        ],
    )
    channel = forms.ChoiceField(label=_("How"), choices=ContactChannel.choices)
    summary = forms.CharField(
        label=_("What the customer was told"), widget=forms.Textarea(attrs=TEXTAREA)
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.add_template_field()

    def clean(self):
        return self.clean_template_text(super().clean())


class WaitForm(forms.Form):
    reason = forms.CharField(
        label=_("What we wait for from the customer"),
        widget=forms.Textarea(attrs=TEXTAREA),
    )


class ComplexityForm(forms.Form):
    complexity = forms.ChoiceField(
        label=_("New complexity"), choices=Complexity.choices
    )
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs=TEXTAREA))


class ReopenForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for reopening"), widget=forms.Textarea(attrs=TEXTAREA)
    )


class AnswerForm(forms.Form):
    answer = forms.CharField(
        label=_("Answer given to the customer"), widget=forms.Textarea(attrs=TEXTAREA)
    )


class AttachmentForm(forms.Form):
    file = forms.FileField(label=_("File"))


class ReportFilterForm(forms.Form):
    month = forms.CharField(
        label=_("Month"),
        widget=forms.DateInput(attrs={"type": "month"}),
        required=False,
    )
