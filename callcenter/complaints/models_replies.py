"""Reply templates: the customer-facing texts administration keeps (issue 15).

A template's subject and body carry named placeholders (``{customer}``,
``{ticket}``, ...) that fill from the case when an agent picks it; the agent may
still edit the text before saving. Only the placeholders of ``PLACEHOLDERS`` are
accepted (``replies.placeholder_errors``).
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class ReplyUse(models.TextChoices):
    ACKNOWLEDGEMENT = "acknowledgement", _("Acknowledgement (first reply)")
    RESULT = "result", _("Result told to the customer")
    CALLBACK = "callback", _("Callback script")
    APOLOGY = "apology", _("Apology")


class ReplyTemplate(models.Model):
    name = models.CharField(_("name"), max_length=100, unique=True)
    use = models.CharField(_("use"), max_length=20, choices=ReplyUse.choices)
    subject = models.CharField(_("e-mail subject"), max_length=200, blank=True)
    body = models.TextField(_("text"))
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["use", "name"]
        verbose_name = _("reply template")
        verbose_name_plural = _("reply templates")

    def __str__(self) -> str:
        return self.name
