from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrgConfig(AppConfig):
    name = "telephony_admin.org"
    label = "org"
    verbose_name = _("Organisation")

    def ready(self) -> None:
        from . import conf  # noqa: F401
