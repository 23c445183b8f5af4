from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkcalConfig(AppConfig):
    name = "telephony_admin.workcal"
    label = "workcal"
    verbose_name = _("Working calendar")
