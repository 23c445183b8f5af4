"""Settings of the complaint desk: every figure of R-CMP-2/R-CMP-3 is a default here."""

from decimal import Decimal

from django.utils.translation import gettext_lazy as _

from telephony_admin.core import config

# R-CMP-2: a first reply with its status within 2 hours of acceptance.
config.register(
    "complaints.first_reply_hours",
    Decimal("2"),
    _("Complaints: first reply within (hours)"),
)
config.register(
    "complaints.first_reply_basis",
    "service",
    _("Complaints: first-reply clock basis"),
    _("“service” counts service hours only; “wall” counts every hour."),
)
# Each clock kind has its own basis (issue 6: "per-clock setting").
config.register(
    "complaints.resolution_basis",
    "service",
    _("Complaints: resolution clocks basis"),
    _(
        "“service” counts working days as service time; “wall” counts "
        "each day as 24 hours."
    ),
)
config.register(
    "complaints.answer_basis",
    "wall",
    _("Complaints: consultation and query answer clock basis"),
    _("“wall” counts every second; “service” counts service hours only."),
)
# R-CMP-2: a consultation is answered at once, a query within 1 minute.
config.register(
    "complaints.consultation_answer_seconds",
    0,
    _("Complaints: consultation answered within (seconds)"),
)
config.register(
    "complaints.query_answer_seconds",
    60,
    _("Complaints: query answered within (seconds)"),
)
# R-CMP-3: resolution target and maximum by complexity, in working days. A simple
# complaint is resolved "at once": its clocks use the first-reply time.
config.register(
    "complaints.general_target_days",
    Decimal("1"),
    _("Complaints: general complexity, resolution target (working days)"),
)
config.register(
    "complaints.general_max_days",
    Decimal("3"),
    _("Complaints: general complexity, resolution maximum (working days)"),
)
config.register(
    "complaints.complex_target_days",
    Decimal("5"),
    _("Complaints: complex, resolution target (working days)"),
)
config.register(
    "complaints.complex_max_days",
    Decimal("7"),
    _("Complaints: complex, resolution maximum (working days)"),
)
config.register(
    "complaints.warning_percent",
    75,
    _("Complaints: warn the assignee at this share of the time (%)"),
)
config.register(
    "complaints.attachment_max_mb",
    10,
    _("Complaints: largest attachment (MB)"),
)
config.register(
    "complaints.attachment_extensions",
    ["pdf", "jpg", "jpeg", "png", "gif", "doc", "docx", "xls", "xlsx", "txt", "mp3"],
    _("Complaints: allowed attachment types"),
)
# The number reply templates print for {hotline}.
config.register(
    "complaints.hotline_number",
    "400-800-1234",
    _("Complaints: hotline number printed in replies to customers"),
)
