"""Settings of quotas, audits, private calls and fines (rules.md defaults, never constants)."""

from datetime import time
from decimal import Decimal

from django.utils.translation import gettext_lazy as _

from telephony_admin.core import config

# R-BIL-1: quota standards.
config.register(
    "deductions.quota_per_staff",
    Decimal("30.00"),
    _("Monthly quota per staff member (yuan)"),
    _(
        "Monthly allowance suggested for each staff member when the quota plan "
        "is drawn up."
    ),
)
config.register(
    "deductions.quota_per_manager",
    Decimal("50.00"),
    _("Monthly quota per manager (yuan)"),
    _("Monthly allowance suggested for each manager when the quota plan is drawn up."),
)
config.register(
    "deductions.quota_per_duty_line",
    Decimal("50.00"),
    _("Monthly quota of a duty line (yuan)"),
    _("Proposed for each line marked as a duty line in the plan."),
)
config.register(
    "deductions.quota_alert_thresholds",
    [80, 100],
    _("Quota alert thresholds (% of the month's quota)"),
    _("Departments are notified once per threshold and month."),
)
# R-BIL-5 / R-LD-2 / R-LD-4.
config.register(
    "deductions.premium_multiplier",
    Decimal("5"),
    _("Premium-number call: times the charge the person pays"),
    _("The caller pays a call to a premium-rate number at this many times its cost."),
)
config.register(
    "deductions.lapsed_ld_multiplier",
    Decimal("2"),
    _("Lapsed urgent long-distance call: times the charge the person pays"),
    _(
        "When an urgent long-distance call's approval is not completed in time, "
        "the caller pays this many times its cost."
    ),
)
config.register(
    "deductions.ld_fine_domestic",
    Decimal("50.00"),
    _("Fine per unapproved domestic long-distance call (yuan)"),
    _("Charged for each domestic long-distance call made without approval."),
)
config.register(
    "deductions.ld_fine_hk_macau",
    Decimal("100.00"),
    _("Fine per unapproved Hong Kong / Macau call (yuan)"),
    _("Charged for each call to Hong Kong or Macau made without approval."),
)
config.register(
    "deductions.ld_fine_international",
    Decimal("500.00"),
    _("Fine per unapproved international call (yuan)"),
    _("Charged for each international call made without approval."),
)
config.register(
    "deductions.review_multiplier",
    Decimal("1"),
    _("Confirmed review flag: times the charge the person pays"),
    _("When a flagged call is confirmed, the caller pays this many times its cost."),
)
# Review flag thresholds.
config.register(
    "deductions.night_starts",
    time(22, 0),
    _("Night calls start at"),
    _("Calls from this time in the evening count as night calls."),
)
config.register(
    "deductions.night_ends",
    time(6, 0),
    _("Night calls end at"),
    _("Calls before this time in the morning count as night calls."),
)
config.register(
    "deductions.off_hours_min_minutes",
    10,
    _("Night or weekend calls are flagged from this many minutes"),
    _(
        "A shorter call is flagged only if it costs at least the amount below; "
        "0 flags every charged call outside working time."
    ),
)
config.register(
    "deductions.off_hours_min_charge",
    Decimal("2.00"),
    _("Night or weekend calls are flagged from this charge (yuan)"),
    _(
        "A shorter night or weekend call is flagged only if it costs at least "
        "this much."
    ),
)
config.register(
    "deductions.long_call_minutes",
    60,
    _("A call this many minutes or longer is flagged as very long"),
    _("Calls at least this long are listed for review."),
)
config.register(
    "deductions.repeat_calls_per_day",
    5,
    _("Calls from one line to one number in a day flagged as repeated"),
    _("Calls from one line to the same number this many times in a day are flagged."),
)
# R-PRV-2.
config.register(
    "deductions.private_match_window_minutes",
    60,
    _("Private-call matching window (minutes either side of the registered time)"),
    _(
        "A registered private call matches a billed call that started within "
        "this many minutes of the time given."
    ),
)
# R-PEN-1.
config.register(
    "deductions.fine_etiquette",
    Decimal("20.00"),
    _("Fine for an etiquette violation (yuan)"),
    _("Fine for each breach of telephone etiquette."),
)
config.register(
    "deductions.fine_use",
    Decimal("30.00"),
    _("Fine for a phone-use violation (yuan)"),
    _("Fine for each breach of the rules on using the telephone."),
)
config.register(
    "deductions.fine_charges",
    Decimal("50.00"),
    _("Fine for a charges violation (yuan)"),
    _("Fine for each breach of the rules on call charges."),
)
config.register(
    "deductions.fine_max_multiplier",
    25,
    _("Largest multiple of a fine in severe cases"),
    _("A serious case may be fined up to this many times the standard fine."),
)
config.register(
    "deductions.supervisor_share_percent",
    Decimal("80"),
    _("Direct supervisor's joint share of a fine (%)"),
    _(
        "The direct supervisor also pays this share of a fine given to someone "
        "they supervise."
    ),
)
# The audit job (issue 14): a run that shows no sign of life for this long is
# treated as interrupted (its worker died) and may be started again.
config.register(
    "deductions.audit_stuck_minutes",
    60,
    _("An audit running or queued this long is treated as interrupted (minutes)"),
    _(
        "An audit running or waiting longer than this is shown as interrupted "
        "and can be started again."
    ),
)
# Issue 15: an audit cannot run away. A rule that depends on the company's own
# set-up (long distance without the right, lapsed urgent requests) holds its new
# findings of a run for confirmation when they are more than this share of the
# month's calls AND more than this count (so a small month is never held).
config.register(
    "deductions.hold_share_percent",
    Decimal("5"),
    _(
        "Hold a run's new long-distance findings above this share of the month's calls (%)"
    ),
    _(
        "Findings of long distance without the right or of lapsed urgent requests "
        "are held for confirmation (nobody is charged or told) when one audit finds "
        "more than this share of the month's calls and more than the count below."
    ),
)
config.register(
    "deductions.hold_min_findings",
    50,
    _("Hold them only above this many new findings of one rule in one audit"),
    _("A month with this many new findings of a rule or fewer is never held."),
)
