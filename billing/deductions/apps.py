from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DeductionsConfig(AppConfig):
    """Billing II: quotas, statements, audits, private calls, deductions, closing."""

    name = "billing.deductions"
    label = "deductions"
    verbose_name = _("Quotas and deductions")
