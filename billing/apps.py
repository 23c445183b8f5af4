from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BillingConfig(AppConfig):
    name = "billing"
    verbose_name = _("Billing")

    def ready(self) -> None:
        from telephony_admin.core.exports import export_kind_register

        from . import conf  # noqa: F401  (registers the billing settings)

        export_kind_register(
            key="calls",  # billing.exports.EXPORT_KIND
            capability="calls.view",
            write="billing.exports.calls_export_job_write",
        )
