"""Tags of the paper forms (``core/print/page.html``)."""

from django import template

from telephony_admin.core import config

register = template.Library()


@register.simple_tag
def company_name() -> str:
    """The company's name from the settings (``org.company_name``), or ""."""
    return str(config.get("org.company_name") or "").strip()
