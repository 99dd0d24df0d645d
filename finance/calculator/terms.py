"""What the calculation needs to know about a contract: plain values, no database.

A contract is one lead provider's for one contract period, in the version in force at the
statement's deadline (the caller picks the version). Its shape changed in 2025:

- up to 2024 (`banded_with_uplifts`): ECTs and mentors together fill one set of price bands, and
  started declarations at pupil-premium or sparsity schools earn an uplift;
- from 2025 (`ects_banded_mentors_flat`): ECTs fill the bands, mentors are paid a flat rate."""

import itertools
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from finance.calculator.money import require_pence


class ContractType(StrEnum):
    BANDED_WITH_UPLIFTS = "banded_with_uplifts"
    ECTS_BANDED_MENTORS_FLAT = "ects_banded_mentors_flat"


class Course(StrEnum):
    ECT = "ect"
    MENTOR = "mentor"


# The milestones a provider declares, in order, as the API names them (providers.DeclarationType).
DECLARATION_TYPES = (
    "started",
    "retained-1",
    "retained-2",
    "retained-3",
    "retained-4",
    "completed",
    "extended-1",
    "extended-2",
    "extended-3",
)

# A band's output payment per participant is paid in parts, one per milestone reached.
BANDED_TYPE_SHARES = {
    "started": Decimal("0.20"),
    "retained-1": Decimal("0.15"),
    "retained-2": Decimal("0.15"),
    "retained-3": Decimal("0.15"),
    "retained-4": Decimal("0.15"),
    "completed": Decimal("0.20"),
    "extended-1": Decimal("0.15"),
    "extended-2": Decimal("0.15"),
    "extended-3": Decimal("0.15"),
}

# From 2025 a mentor's flat rate is paid half when they start and half when they complete.
FLAT_TYPE_SHARES = {"started": Decimal("0.50"), "completed": Decimal("0.50")}

# A band's price is 60% output fees (paid per declaration) and 40% service fee (paid monthly),
# except band D, the over-recruitment band, which is all output.
OUTPUT_SHARE = Decimal("0.60")
ALL_OUTPUT_BAND = "D"


@dataclass(frozen=True)
class Band:
    """A price band: the `min`th to the `max`th participant (counted per declaration type across
    the contract period) are paid `price` each. The first band may say 0 or 1 for "from the
    first": both DfE services accept either."""

    letter: str
    min: int
    max: int
    price: Decimal

    def __post_init__(self):
        object.__setattr__(self, "price", require_pence(self.price, f"band {self.letter}'s price"))
        if self.max < max(self.min, 1):
            raise ValueError(f"band {self.letter} ends ({self.max}) before it starts ({self.min})")

    @property
    def capacity(self) -> int:
        return self.max - max(self.min, 1) + 1


def output_share(band: Band) -> Decimal:
    """The part of a band's price paid as output fees."""
    return Decimal(1) if band.letter == ALL_OUTPUT_BAND else OUTPUT_SHARE


def service_share(band: Band) -> Decimal:
    """The part of a band's price paid as the service fee."""
    return Decimal(1) - output_share(band)


@dataclass(frozen=True)
class ContractTerms:
    """A contract's figures. `monthly_service_fee` None means "work it out from the bands";
    `uplift_amount` None (or 0) means no uplifts; `mentor_flat_rate` is the whole fee per mentor,
    for 2025 contracts only. Money is Decimal in whole pence."""

    type: ContractType
    recruitment_target: int
    set_up_fee: Decimal
    monthly_service_fee: Decimal | None
    uplift_amount: Decimal | None
    vat_applicable: bool
    mentor_flat_rate: Decimal | None
    bands: tuple[Band, ...]

    def __post_init__(self):
        object.__setattr__(self, "type", ContractType(self.type))
        object.__setattr__(self, "bands", tuple(self.bands))
        if self.set_up_fee is None:
            raise TypeError("set up fee must be a Decimal (0 for none)")
        if self.recruitment_target < 0:
            raise ValueError("the recruitment target must not be negative")
        for name in ("set_up_fee", "monthly_service_fee", "uplift_amount", "mentor_flat_rate"):
            if getattr(self, name) is not None:
                object.__setattr__(self, name, require_pence(getattr(self, name), name.replace("_", " ")))
        self._check_mentor_rate()
        self._check_bands()

    def _check_mentor_rate(self):
        if self.pays_mentors_flat:
            if self.mentor_flat_rate is None:
                raise ValueError("a contract paying mentors a flat rate needs the rate")
        elif self.mentor_flat_rate is not None:
            raise ValueError("only a contract from 2025 pays mentors a flat rate")

    def _check_bands(self):
        """Bands in order, each starting where the last one ended, so every participant falls in
        exactly one."""
        if not self.bands:
            raise ValueError("a contract needs at least one price band")
        letters = [band.letter for band in self.bands]
        if len(set(letters)) != len(letters):
            raise ValueError(f"band letters repeat: {letters}")
        if self.bands[0].min not in (0, 1):
            raise ValueError("the first band starts from the first participant (0 or 1)")
        for before, band in itertools.pairwise(self.bands):
            if band.min != before.max + 1:
                raise ValueError(
                    f"band {band.letter} must start at {before.max + 1}, after band {before.letter}"
                )

    @property
    def pays_mentors_flat(self) -> bool:
        return self.type == ContractType.ECTS_BANDED_MENTORS_FLAT

    @property
    def banded_courses(self) -> tuple[Course, ...]:
        """The courses whose declarations fill the bands (together, when there are two)."""
        return (Course.ECT,) if self.pays_mentors_flat else (Course.ECT, Course.MENTOR)

    @property
    def pays_uplifts(self) -> bool:
        return bool(self.uplift_amount)

    @property
    def top_of_bands(self) -> int:
        """The last participant the bands pay for."""
        return self.bands[-1].max
