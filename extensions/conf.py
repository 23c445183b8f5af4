"""Settings of the extensions app: the rules' figures are defaults, not constants."""

from django.utils.translation import gettext_lazy as _

from telephony_admin.core import config

# R-EXT-3: by default a department has one local and one long-distance line.
config.register(
    "extensions.default_local_lines",
    1,
    _("Local lines per department (default limit)"),
    _("A department's own limit, if set, takes precedence."),
)
config.register(
    "extensions.default_long_distance_lines",
    1,
    _("Long-distance lines per department (default limit)"),
    _("Counts domestic long-distance and international lines."),
)
# R-LD-2: an urgent call placed before approval must be approved within 3 days.
config.register(
    "extensions.ld_urgent_completion_days",
    3,
    _("Days to complete the approval of an urgent long-distance call"),
    _("Calendar days; past them the request lapses and is charged double."),
)
# R-LD-3: carriers' IP prefixes for cheaper long distance.
config.register(
    "extensions.ip_prefixes",
    ["17909", "17951", "17911"],
    _("IP prefixes for long distance"),
    _("Comma-separated; shown on long-distance requests."),
)
# R-EXT-5: the administration head signs equipment requests after the manager.
config.register(
    "extensions.administration_department_code",
    "ADM",
    _("Code of the administration department"),
    _("Its head signs equipment requests."),
)
config.register(
    "extensions.directory_max_results",
    20,
    _("Directory: results per search"),
    _("A search of the telephone directory lists at most this many people."),
)
config.register(
    "extensions.import_max_upload_mb",
    5,
    _("Line list import: largest file (MB)"),
    _("A bigger line list file is refused."),
)
