"""Money on finance pages: {{ amount|pounds }} writes £1,234.50 or −£60.00."""

from django import template

from finance.calculator.money import pounds as in_pounds

register = template.Library()


@register.filter
def pounds(amount) -> str:
    return "" if amount is None else in_pounds(amount)
