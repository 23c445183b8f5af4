from django import template

from telephony_admin.core.money import to_money

register = template.Library()


@register.filter
def money(value, blank=""):
    """``{{ amount|money }}`` -> "1,234.50" (two decimals; empty for None)."""
    if value is None or value == "":
        return blank
    amount = to_money(value)
    return f"{amount:,.2f}"
