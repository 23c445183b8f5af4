"""Billing settings administrators change on /settings/ (defaults, never constants)."""

from django.utils.translation import gettext_lazy as _

from telephony_admin.core import config

config.register(
    "billing.default_carrier",
    "中国电信",
    _("Default carrier of imported bills"),
    _("Filled in on the bill import form; each import can name another carrier."),
)
config.register(
    "billing.import_max_upload_mb",
    200,
    _("Largest bill file accepted for upload (MB)"),
    _("A bigger file is refused before it is read."),
)
config.register(
    "billing.import_max_errors_listed",
    1000,
    _("Errors listed per bill import"),
    _("Every error is counted; this many are listed with row, column and reason."),
)
config.register(
    "billing.import_grace_days",
    2,
    _("Days outside the billing month a bill's calls may start"),
    _("Carriers put calls around midnight of the month's edges in either bill."),
)
config.register(
    "billing.local_area_code",
    "",
    _("Local area code (e.g. 0571)"),
    _("Calls to this area code are classified as local calls, not long distance."),
)
config.register(
    "billing.calls_page_size",
    50,
    _("Call records per page"),
    _("How many calls one page of the call list shows."),
)
