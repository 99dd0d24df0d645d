"""Numbers of terms, as appropriate bodies give them: full-time-equivalent terms, with at most one
decimal place for a part term (2.5, never 2.25). An induction period records 0 to 16; an
extension is 0.1 to 16."""

from decimal import Decimal, InvalidOperation

MOST_TERMS = Decimal(16)


def as_terms(value) -> Decimal | None:
    """`value` (typed text, a number or a Decimal) as a Decimal, or None when it is not a number."""
    try:
        terms = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        return None
    return terms if terms.is_finite() else None


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
