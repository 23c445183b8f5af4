"""The administrator's form for one date override (crispy layout)."""

from __future__ import annotations

from datetime import time

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .models import OverrideKind, parse_time


def parse_interval_text(text: str) -> list[tuple[time, time]]:
    """``"08:30-12:00, 13:00-17:30"`` as time pairs; an empty text is no interval."""
    pairs = []
    for chunk in text.replace("，", ",").split(","):
        chunk = chunk.strip()
        if not chunk:
            continue
        parts = chunk.replace("–", "-").split("-")
        if len(parts) != 2:
            raise ValidationError(
                _("“%(value)s” is not an interval like 08:30-12:00."),
                params={"value": chunk},
            )
        pairs.append((parse_time(parts[0]), parse_time(parts[1])))
    return pairs


class DateOverrideForm(forms.Form):
    date = forms.DateField(
        label=_("Date"), widget=forms.DateInput(attrs={"type": "date"})
    )
    kind = forms.ChoiceField(label=_("Kind"), choices=OverrideKind.choices)
    intervals = forms.CharField(
        label=_("Service intervals"),
        required=False,
        help_text=_(
            "For example 08:30-12:00, 13:00-17:30. Leave empty for a holiday; a "
            "make-up working day left empty works the standard day's hours."
        ),
    )
    name = forms.CharField(label=_("Name"), max_length=100, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", _("Save")))

    def clean_intervals(self) -> list[tuple[time, time]]:
        return parse_interval_text(self.cleaned_data.get("intervals", ""))


class SeedYearForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=2004, max_value=2100)
