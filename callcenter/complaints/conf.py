"""Settings of the complaint desk: every figure of R-CMP-2/R-CMP-3 is a default here."""

from decimal import Decimal

from django.utils.translation import gettext_lazy as _

from telephony_admin.core import config
from telephony_admin.core.config import Choice

# The two ways a clock counts time (ClockBasis), explained on the settings page.
BASIS_CHOICES = (
    Choice(
        "service",
        _("Service hours only"),
        _(
            "The clock runs only during the hotline's service hours of the working "
            "calendar; a working day counts as one day of service hours."
        ),
    ),
    Choice(
        "wall",
        _("Every hour (wall clock)"),
        _(
            "The clock runs day and night, weekends and holidays included; a day "
            "counts as 24 hours."
        ),
    ),
)

# R-CMP-2: a first reply with its status within 2 hours of acceptance.
config.register(
    "complaints.first_reply_hours",
    Decimal("2"),
    _("Complaints: first reply within (hours)"),
    _(
        "After accepting a complaint, the department tells the customer its "
        "status within this time."
    ),
)
config.register(
    "complaints.first_reply_basis",
    "service",
    _("Complaints: first-reply clock basis"),
    _("How the first-reply time limit is counted."),
    choices=BASIS_CHOICES,
)
# Each clock kind has its own basis (issue 6: "per-clock setting").
config.register(
    "complaints.resolution_basis",
    "service",
    _("Complaints: resolution clocks basis"),
    _("How the resolution time limits (working days) are counted."),
    choices=BASIS_CHOICES,
)
config.register(
    "complaints.answer_basis",
    "wall",
    _("Complaints: consultation and query answer clock basis"),
    _("How the answer time of consultations and queries is counted."),
    choices=BASIS_CHOICES,
)
# R-CMP-2: a consultation is answered at once, a query within 1 minute.
config.register(
    "complaints.consultation_answer_seconds",
    0,
    _("Complaints: consultation answered within (seconds)"),
    _("0 means the consultation is answered during the call itself."),
)
config.register(
    "complaints.query_answer_seconds",
    60,
    _("Complaints: query answered within (seconds)"),
    _("A query is answered within this many seconds of the call."),
)
# R-CMP-3: resolution target and maximum by complexity, in working days. A simple
# complaint is resolved "at once": its clocks use the first-reply time.
config.register(
    "complaints.general_target_days",
    Decimal("1"),
    _("Complaints: general complexity, resolution target (working days)"),
    _(
        "The department aims to resolve a complaint of general complexity "
        "within this many working days."
    ),
)
config.register(
    "complaints.general_max_days",
    Decimal("3"),
    _("Complaints: general complexity, resolution maximum (working days)"),
    _(
        "A complaint of general complexity is overdue once this many working "
        "days have passed."
    ),
)
config.register(
    "complaints.complex_target_days",
    Decimal("5"),
    _("Complaints: complex, resolution target (working days)"),
    _(
        "The department aims to resolve a complex complaint within this many "
        "working days."
    ),
)
config.register(
    "complaints.complex_max_days",
    Decimal("7"),
    _("Complaints: complex, resolution maximum (working days)"),
    _("A complex complaint is overdue once this many working days have passed."),
)
config.register(
    "complaints.warning_percent",
    75,
    _("Complaints: warn the assignee at this share of the time (%)"),
    _(
        "When this share of the allowed time has passed, the person handling "
        "the case is warned."
    ),
)
config.register(
    "complaints.attachment_max_mb",
    10,
    _("Complaints: largest attachment (MB)"),
    _("A bigger attachment is refused."),
)
config.register(
    "complaints.attachment_extensions",
    ["pdf", "jpg", "jpeg", "png", "gif", "doc", "docx", "xls", "xlsx", "txt", "mp3"],
    _("Complaints: allowed attachment types"),
    _("File endings accepted for a complaint's attachments, separated by commas."),
)
# The number reply templates print for {hotline}.
config.register(
    "complaints.hotline_number",
    "400-800-1234",
    _("Complaints: hotline number printed in replies to customers"),
)
