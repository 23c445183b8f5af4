from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ExtensionsConfig(AppConfig):
    name = "extensions"
    verbose_name = _("Extensions")

    def ready(self) -> None:
        from telephony_admin.approvals import registry

        from . import conf  # noqa: F401  (registers settings)
        from .services import approvals_hooks as hooks

        registry.register(
            hooks.PERMISSION_KIND,
            label=_("Line permission application"),
            on_approved=hooks.permission_on_approved,
            on_rejected=hooks.permission_on_rejected,
            summary=registry.field_summary(
                "line",
                "requested_class",
                (_("paid features"), "feature_labels"),
                "effective_from",
                "exceeds_limit",
                "reason",
            ),
        )
        registry.register(
            hooks.EQUIPMENT_KIND,
            label=_("Equipment request"),
            on_approved=hooks.equipment_on_approved,
            on_rejected=hooks.equipment_on_rejected,
            summary=registry.field_summary("kind", "quantity", "needed_by", "reason"),
        )
        registry.register(
            hooks.LD_KIND,
            label=_("Long-distance request"),
            on_approved=hooks.ld_on_approved,
            on_rejected=hooks.ld_on_rejected,
            guard=hooks.ld_request_guard,
            summary=registry.field_summary(
                "caller",
                "line",
                "destination_region",
                "destination_org",
                "destination_number",
                "call_on",
                "expected_minutes",
                "urgent",
                "reason",
            ),
        )
