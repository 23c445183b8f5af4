from django.utils.translation import gettext_lazy as _

from telephony_admin.core import config

config.register(
    "approvals.reminder_working_hours",
    8,
    _("Approval reminder after (working hours)"),
    _(
        "An approver who has not decided within this many working hours gets a "
        "reminder."
    ),
)
config.register(
    "approvals.waiting_alert_working_days",
    2,
    _("Management home: approvals waiting longer than (working days)"),
    _(
        "The general manager and department heads see the requests whose current "
        "step has waited longer than this."
    ),
)
