"""Money in the payment calculation: exact decimals in pounds and pence, rounded in one place.

The rule (docs/decisions/0035): a figure that comes from applying a share or a division to a
contract's prices is rounded to the penny once, when it is made, by `to_pence` (half a penny
rounds away from zero). Those figures are the rate per declaration, the monthly service fee worked
out from the bands, and VAT. Everything else is a whole number of declarations times a figure
already in pence, or a sum of such amounts, so it is exact and is never rounded again."""

from decimal import ROUND_HALF_UP, Context, Decimal

PENNY = Decimal("0.01")
ZERO = Decimal("0.00")
VAT_RATE = Decimal("0.20")

# Enough digits that dividing a contract's total service fees by the number of monthly payments
# is exact to far below a penny before `to_pence` rounds it.
_EXACT = Context(prec=60)


def to_pence(amount: Decimal) -> Decimal:
    """The amount rounded to the penny, half a penny away from zero: the only rounding in the
    calculation."""
    return amount.quantize(PENNY, rounding=ROUND_HALF_UP, context=_EXACT)


def divide(amount: Decimal, by: int) -> Decimal:
    """An exact-enough quotient, for `to_pence` to round (never shown unrounded)."""
    return _EXACT.divide(amount, Decimal(by))


def require_pence(value: object, what: str, *, allow_negative: bool = False) -> Decimal:
    """The value written with two decimal places, if it is a Decimal in whole pence: a contract's prices and fees, and adjustments,
    are typed in pounds and pence, and a float or a fraction of a penny there is a caller's bug,
    not something to round quietly."""
    if not isinstance(value, Decimal) or not value.is_finite():
        raise TypeError(f"{what} must be a Decimal in pounds and pence, not {value!r}")
    if value != value.quantize(PENNY, context=_EXACT):
        raise ValueError(f"{what} must be in whole pence, not {value}")
    if value < 0 and not allow_negative:
        raise ValueError(f"{what} must not be negative, not {value}")
    return value.quantize(PENNY, context=_EXACT)


def pounds(amount: Decimal) -> str:
    """Money as the service writes it: £1,234.50, and −£60.00 (a minus sign) when negative."""
    sign = "−" if amount < 0 else ""
    return f"{sign}£{abs(amount):,.2f}"
