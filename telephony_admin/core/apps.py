from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "telephony_admin.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self) -> None:
        from . import conf  # noqa: F401  (registers settings)
