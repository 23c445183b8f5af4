"""The settings page's form: each setting in words, grouped by area.

A setting shows its label and what it does (``help_text``), its default, and a choice
setting its choices' labels with a short explanation, never the raw stored value.
"""

from __future__ import annotations

from datetime import time

from django import forms
from django.core.exceptions import ValidationError
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from . import config

# Areas of the settings page, by the keys' first part, in this order.
AREAS = {
    "extensions": gettext_lazy("Lines and requests"),
    "approvals": gettext_lazy("Approvals"),
    "billing": gettext_lazy("Carrier bills"),
    "deductions": gettext_lazy("Quotas, audits and deductions"),
    "callcenter": gettext_lazy("Switchboard and hotline"),
    "complaints": gettext_lazy("Complaints"),
}


def _default_text(setting: config.Setting) -> str:
    value = setting.default
    choice = setting.choice(value) if setting.choices else None
    if choice is not None:
        shown = str(choice.label)
    elif isinstance(value, bool):
        shown = _("Yes") if value else _("No")
    elif isinstance(value, list):
        shown = ", ".join(str(v) for v in value) or "—"
    else:
        shown = setting.render(value) or "—"
    return _("Default: %(value)s") % {"value": shown}


def _field(setting: config.Setting) -> forms.Field:
    initial = setting.render(config.get(setting.key))
    help_text = format_html(
        "{}{}<span class='d-block'>{}</span>",
        setting.help_text or "",
        " " if setting.help_text else "",
        _default_text(setting),
    )
    common = {"label": setting.label, "help_text": help_text, "initial": initial}
    if setting.choices:
        return forms.ChoiceField(
            choices=[
                (
                    c.value,
                    format_html(
                        "<strong>{}</strong><span class='d-block small text-muted'>"
                        "{}</span>",
                        c.label,
                        c.explanation,
                    ),
                )
                for c in setting.choices
            ],
            widget=forms.RadioSelect,
            **common,
        )
    if isinstance(setting.default, bool):
        return forms.ChoiceField(
            choices=[("true", _("Yes")), ("false", _("No"))],
            widget=forms.RadioSelect(attrs={"class": "form-check-inline"}),
            **common,
        )
    if isinstance(setting.default, time):
        return forms.CharField(widget=forms.TextInput(attrs={"type": "time"}), **common)
    if isinstance(setting.default, list):
        common["help_text"] = format_html(
            "{} <span class='d-block'>{}</span>",
            help_text,
            _("Several values: separate them with commas."),
        )
    return forms.CharField(
        required=not isinstance(setting.default, list | str), **common
    )


class SettingsForm(forms.Form):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for key, setting in sorted(config.REGISTRY.items()):
            self.fields[key] = _field(setting)

    def areas(self) -> list[tuple[str, list]]:
        """(area label, bound fields) in the page's order; unknown areas last."""
        order = list(AREAS)
        grouped: dict[str, list] = {}
        for name in self.fields:
            grouped.setdefault(name.split(".", 1)[0], []).append(self[name])
        keys = sorted(grouped, key=lambda a: (order.index(a) if a in order else 99, a))
        return [(str(AREAS.get(a, _("Other settings"))), grouped[a]) for a in keys]

    def clean(self):
        cleaned = super().clean()
        for key, raw in list(cleaned.items()):
            try:
                config.REGISTRY[key].parse(raw)
            except ValidationError as exc:
                self.add_error(key, exc)
        return cleaned
