from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ComplaintsConfig(AppConfig):
    name = "callcenter.complaints"
    label = "complaints"
    verbose_name = _("Complaints")

    def ready(self) -> None:
        from . import conf  # noqa: F401  (registers the settings)
