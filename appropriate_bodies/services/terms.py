"""Numbers of terms, as appropriate bodies give them: full-time-equivalent terms, with at most one
decimal place for a part term (2.5, never 2.25). An induction period records 0 to 16; an
extension is 0.1 to 16."""

import re
from decimal import Decimal

MOST_TERMS = Decimal(16)
# Plain decimal numbers as people type them (6, 5.5, .5, 5., 5.50, -1), in ASCII digits: Python's
# Decimal would also take "1e1", "Infinity", "1_0" and other scripts' digits ("١٢").
PLAIN_NUMBER = re.compile(r"-?([0-9]+(\.[0-9]*)?|\.[0-9]+)")  # a minus sign, to say "between 0 and 16"


def as_terms(value) -> Decimal | None:
    """`value` (typed text, a number or a Decimal) as a Decimal, or None when it is not a plain number."""
    text = str(value).strip()
    if not PLAIN_NUMBER.fullmatch(text):
        return None
    terms = Decimal(text)
    return terms.copy_abs() if terms == 0 else terms  # "-0" is 0


def terms_in_words(terms: Decimal) -> str:
    """A number of terms as the service writes it: 6, 5.5 (never 6.0, 5.50 or 1E+1)."""
    text = f"{terms.quantize(Decimal('0.1')):f}"
    return text.removesuffix(".0")


def terms_problem(value, *, least: Decimal) -> str | None:
    """Why `value` is not a number of terms from `least` to 16, in words; None when it is."""
    terms = as_terms(value)
    if terms is None:
        return "Number of terms must be a number, like 6 or 5.5"
    if not least <= terms <= MOST_TERMS:
        return f"Number of terms must be between {least} and {MOST_TERMS}"
    if terms != terms.quantize(Decimal("0.1")):
        return "Number of terms can have at most one decimal place, like 5.5"
    return None
