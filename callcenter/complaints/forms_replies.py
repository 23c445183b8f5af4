"""Forms of the reply templates: administration's edit form and the agents' picker."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import ReplyTemplate, ReplyUse
from .replies import PLACEHOLDERS, placeholder_errors


def _known() -> str:
    return ", ".join(f"{{{n}}}" for n in PLACEHOLDERS)


class ReplyTemplateForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)
    use = forms.ChoiceField(label=_("Use"), choices=ReplyUse.choices)
    subject = forms.CharField(label=_("E-mail subject"), max_length=200, required=False)
    body = forms.CharField(label=_("Text"), widget=forms.Textarea(attrs={"rows": 8}))
    active = forms.BooleanField(label=_("Active"), required=False, initial=True)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["body"].help_text = _("Placeholders: %(names)s") % {
            "names": _known()
        }

    def _placeholders(self, field: str) -> str:
        text = self.cleaned_data.get(field, "")
        unknown = placeholder_errors(text)
        if unknown:
            raise forms.ValidationError(
                _("Unknown placeholder %(names)s. Use only: %(known)s."),
                params={
                    "names": ", ".join(f"{{{n}}}" for n in unknown),
                    "known": _known(),
                },
                code="placeholder",
            )
        return text

    def clean_subject(self):
        return self._placeholders("subject")

    def clean_body(self):
        return self._placeholders("body")


class TemplatePickMixin:
    """Adds a ``template`` choice to a step's form: picking one fills ``text_field``
    on the page (placeholders filled from the case, still editable); without
    JavaScript, an empty text takes the template's filled text when saved."""

    template_uses: tuple[str, ...] = ()
    text_field = ""

    def add_template_field(self):
        self.fields["template"] = forms.ModelChoiceField(
            label=_("Reply template"),
            queryset=ReplyTemplate.objects.filter(
                active=True, use__in=self.template_uses
            ),
            required=False,
            empty_label=_("— write it yourself —"),
        )
        self.fields["template"].widget.attrs.update(
            {"data-reply-template": self.text_field}
        )
        self.fields[self.text_field].required = False
        self.order_fields(["template", *[k for k in self.fields if k != "template"]])

    def clean_template_text(self, data: dict, *, required: bool = True) -> dict:
        if data.get(self.text_field, "").strip() or data.get("template"):
            return data
        if required:
            self.add_error(self.text_field, _("This field is required."))
        return data


def text_from_template(form, data: dict, complaint, user) -> dict:
    """An empty text with a template picked takes the template, filled from the case
    (the page fills it as soon as the template is picked; this is the fallback)."""
    from telephony_admin.org.access import employee_of

    from .replies import filled

    field = getattr(form, "text_field", "")
    template = data.get("template")
    if field and template is not None and not data.get(field, "").strip():
        data[field] = filled(template, complaint, agent=employee_of(user))["body"]
    return data
