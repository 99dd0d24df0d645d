"""Money on finance pages: {{ amount|pounds }} writes £1,234.50 or −£60.00; {{ amount|pounds_exact }}
shows a figure before rounding as it is."""

from decimal import Decimal

from django import template

from finance.calculator.money import pounds as in_pounds

register = template.Library()


@register.filter
def pounds(amount) -> str:
    return "" if amount is None else in_pounds(amount)


@register.filter
def pounds_exact(amount) -> str:
    """A figure before the calculation's one rounding: to the penny when it is whole pence,
    otherwise with every digit it has (£52.2240), so nothing shown is rounded twice."""
    if amount is None:
        return ""
    if amount == amount.quantize(Decimal("0.01")):
        return in_pounds(amount)
    sign = "−" if amount < 0 else ""
    return f"{sign}£{abs(amount).normalize():,f}"
