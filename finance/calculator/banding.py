"""How declarations fill the price bands (docs/decisions/0035).

Per declaration type, a contract period's billable declarations stack up through the bands in
order, A first, across all its statements; a clawback takes the top one off the stack. So a
statement's new declarations go on from where the earlier statements left the stack, and its
clawbacks come off the highest band filled (this statement's own additions first, since they sit
on top, then the earlier ones): a clawback is priced at that band's rate, whatever the voided
declaration was paid. This is the DfE's rule (both services).

Above the top band sits an unpriced overflow: declarations beyond the last band's max are billable
but earn nothing, and, being on top of the stack, are the first a clawback takes. So the bands
always hold the first (up to their capacity) of the period's live declarations, and a period's
output fees, over all its statements, are the bands' value of its live declarations."""

from collections.abc import Sequence
from dataclasses import dataclass

from finance.calculator.terms import Band

BEYOND = "beyond"  # the overflow above the top band: its "letter" in rows and fills


@dataclass(frozen=True)
class Counts:
    """Declarations of one kind: `billable` paid on a statement (eligible, payable or paid there),
    `refundable` clawed back on it (awaiting clawback or clawed back there)."""

    billable: int = 0
    refundable: int = 0

    def __post_init__(self):
        if self.billable < 0 or self.refundable < 0:
            raise ValueError("counts of declarations cannot be negative")

    def __add__(self, other: "Counts") -> "Counts":
        return Counts(self.billable + other.billable, self.refundable + other.refundable)

    @property
    def net(self) -> int:
        return self.billable - self.refundable


@dataclass(frozen=True)
class BandFill:
    """One band's place in the stack for one declaration type: `opening` held before this
    statement, `added` and `clawed_back` by it, `closing` after. `capacity` is None for the
    overflow above the top band."""

    declaration_type: str
    band: str
    capacity: int | None
    opening: int
    added: int
    clawed_back: int

    @property
    def closing(self) -> int:
        return self.opening + self.added - self.clawed_back


def fill_bands(
    declaration_type: str, bands: Sequence[Band], earlier: Counts, this: Counts
) -> tuple[BandFill, ...]:
    """The bands (and the overflow, last) for one declaration type on one statement, given the
    counts on the contract period's earlier statements and on this one."""
    capacities: list[int | None] = [band.capacity for band in bands] + [None]
    if earlier.net < 0:
        raise ValueError(f"{declaration_type}: earlier statements claw back more than they paid")
    opening = stack_up(earlier.net, [0] * len(capacities), capacities)
    with_additions = stack_up(this.billable, opening, capacities)
    added = [now - before for now, before in zip(with_additions, opening, strict=True)]
    clawed_back = take_from_top(this.refundable, with_additions, declaration_type)
    letters = [band.letter for band in bands] + [BEYOND]
    return tuple(
        BandFill(declaration_type, letter, capacity, held, add, taken)
        for letter, capacity, held, add, taken in zip(
            letters, capacities, opening, added, clawed_back, strict=True
        )
    )


def stack_up(count: int, held: list[int], capacities: list[int | None]) -> list[int]:
    """`held` with `count` more declarations put in the lowest bands with room (the overflow has
    room for any number)."""
    after = list(held)
    for index, capacity in enumerate(capacities):
        room = count if capacity is None else min(count, capacity - after[index])
        after[index] += room
        count -= room
    return after


def take_from_top(count: int, held: list[int], declaration_type: str) -> list[int]:
    """How many of `count` clawbacks come off each band, highest first."""
    taken = [0] * len(held)
    for index in reversed(range(len(held))):
        taken[index] = min(count, held[index])
        count -= taken[index]
    if count:
        raise ValueError(f"{declaration_type}: more clawbacks than declarations paid in the contract period")
    return taken
