"""Settings of the switchboard and the hotline (rules.md gives the defaults)."""

from datetime import time
from decimal import Decimal

from django.utils.translation import gettext_lazy as _

from telephony_admin.core import config

config.register(
    "callcenter.message_return_minutes",
    120,
    _("Messages and missed calls: return within (minutes)"),
    _("a message or missed call is returned within 2 hours."),
)
# R-SWB-3: the 2 hours are the recipient's working hours unless set to "wall".
config.register(
    "callcenter.message_return_basis",
    "service",
    _("Messages and missed calls: deadline clock basis"),
    _(
        "“service” counts the recipient's working hours (a message taken at night "
        "is due after the next opening); “wall” counts every hour."
    ),
)
config.register(
    "callcenter.message_reminder_minutes",
    30,
    _("Messages: remind the recipient this many minutes before the deadline"),
    _("The recipient is reminded this long before a message's return deadline."),
)
config.register(
    "callcenter.switchboard_day_start",
    time(8, 0),
    _("Switchboard staffed from (roster coverage)"),
    _("the roster must cover the switchboard from this time."),
)
config.register(
    "callcenter.switchboard_day_end",
    time(18, 0),
    _("Switchboard staffed until (roster coverage)"),
    _("The roster must cover the switchboard until this time."),
)
config.register(
    "callcenter.switchboard_working_days_only",
    True,
    _("Switchboard staffed on working days only"),
    _("Off: the switchboard hours apply every day, weekends and holidays too."),
)
config.register(
    "callcenter.roster_lookahead_days",
    14,
    _("Roster: show coverage gaps this many days ahead"),
    _("The roster page warns of switchboard hours nobody covers in the coming days."),
)
config.register(
    "callcenter.hotline_quiet_minutes",
    120,
    _("Hotline: ask for a test dial after this much quiet service time (minutes)"),
    _("if no call has come for a long time, an agent test-dials the line."),
)
config.register(
    "callcenter.hotline_late_entry_minutes",
    30,
    _("Hotline: a call logged this many minutes after it started is marked late"),
    _("calls outside service hours are always marked as entered afterwards."),
)
config.register(
    "callcenter.answer_rate_target",
    Decimal("85"),
    _("Hotline: answer-rate target (%)"),
    _("answered calls / offered calls above this share."),
)
config.register(
    "callcenter.technical_contact",
    "",
    _("Hotline faults: technical contact (employee number)"),
    _("this employee is told of every fault of the 400 line."),
)
