"""Settings of the shared interface pieces (widgets)."""

from django.utils.translation import gettext_lazy as _

from telephony_admin.core import config

config.register(
    "core.person_picker_inline_max",
    300,
    _("Person pickers: list everyone in the page up to this many people"),
    _(
        "Above it the page carries only the chosen person and the box looks people "
        "up as one types."
    ),
)
