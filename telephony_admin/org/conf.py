"""Organisation-wide settings: the company's name, printed on forms and workbooks."""

from django.utils.translation import gettext_lazy as _

from telephony_admin.core import config

config.register(
    "org.company_name",
    "",
    _("Company name"),
    _(
        "Printed at the top of paper forms and in the page header of the "
        "deduction workbook."
    ),
)
