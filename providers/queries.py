import datetime
import enum
from dataclasses import dataclass

from django.db.models import QuerySet

from core import clock
from core.precompiled import precompiled
from providers.models import (
    AppropriateBody,
    ContractPeriod,
    LeadProvider,
    LeadProviderDeliveryPartnership,
)


def contract_period_for_registration(today: datetime.date) -> ContractPeriod | None:
    """The contract period schools are registering for now: the open one for today's academic year
    (1 September to 31 August), else the open one that contains today, else the newest open one.

    A contract period starts on 1 June, before its academic year, so from June to August two can be
    open: until 31 August schools still see this year, and on 1 September they roll to the next.
    A period whose payments are frozen takes no new registrations, open or not."""
    # One query, in that order of preference (periods never overlap, so one at most contains today).
    return next(
        iter(
            ContractPeriod.objects.raw(
                """
                SELECT * FROM providers_contractperiod
                 WHERE enabled AND payments_frozen_at IS NULL
                 ORDER BY year = %(academic_year)s DESC,
                          (started_on <= %(today)s AND finished_on >= %(today)s) DESC,
                          year DESC
                 LIMIT 1
                """,
                {"academic_year": clock.academic_year_of(today), "today": today},
            )
        ),
        None,
    )


def active_lead_providers(contract_period: ContractPeriod) -> QuerySet[LeadProvider]:
    """The lead providers schools may choose in this contract period, by name."""
    return LeadProvider.objects.filter(active_periods__contract_period=contract_period).order_by("name")


# Stand-ins for `active_lead_provider`'s and `appropriate_body`'s arguments (core.precompiled): no
# year, provider or body has them.
YEAR_STAND_IN = 32_001
LEAD_PROVIDER_STAND_IN = -7_200_001
APPROPRIATE_BODY_STAND_IN = -7_200_002


@precompiled(year=YEAR_STAND_IN, lead_provider_id=LEAD_PROVIDER_STAND_IN)
def _active_lead_provider(*, year: int, lead_provider_id: int) -> QuerySet[LeadProvider]:
    return active_lead_providers(ContractPeriod(year=year)).filter(pk=lead_provider_id)[:1]


def active_lead_provider(contract_period: ContractPeriod, lead_provider_id: int) -> LeadProvider | None:
    """This lead provider, when schools may choose it in this contract period; else None. (Asked
    on each page of an ECT's registration that offers the school's last choices: built once.)"""
    return _active_lead_provider.first(year=contract_period.year, lead_provider_id=lead_provider_id)


@precompiled(appropriate_body_id=APPROPRIATE_BODY_STAND_IN)
def _appropriate_body(*, appropriate_body_id: int) -> QuerySet[AppropriateBody]:
    return AppropriateBody.objects.filter(pk=appropriate_body_id)[:1]


def appropriate_body(appropriate_body_id: int) -> AppropriateBody | None:
    """The appropriate body with this id, if there is one. (The school's last choice, asked on each
    page of an ECT's registration that offers it: built once, where following the school's foreign
    key would build its query on every page.)"""
    return _appropriate_body.first(appropriate_body_id=appropriate_body_id)


def teaching_school_hubs() -> QuerySet[AppropriateBody]:
    return AppropriateBody.objects.filter(body_type=AppropriateBody.BodyType.TEACHING_SCHOOL_HUB).order_by(
        "name"
    )


def independent_schools_body() -> AppropriateBody | None:
    """ISTIP: the appropriate body for independent schools."""
    return AppropriateBody.objects.filter(body_type=AppropriateBody.BodyType.INDEPENDENT_SCHOOLS).first()


def pairing_in(
    contract_period: ContractPeriod, *, lead_provider_id: int, delivery_partner_id: int
) -> LeadProviderDeliveryPartnership | None:
    """The lead provider–delivery partner pairing in this contract period, if the two still work together."""
    return LeadProviderDeliveryPartnership.objects.filter(
        active_lead_provider__contract_period=contract_period,
        active_lead_provider__lead_provider_id=lead_provider_id,
        delivery_partner_id=delivery_partner_id,
    ).first()


# --- The contract period of an ECT's start date --------------------------------------------------


# A day no contract period contains: the stand-in for the day asked about (core.precompiled).
DAY_STAND_IN = datetime.date(1, 1, 5)


@precompiled(day=DAY_STAND_IN)
def _contract_period_containing(*, day: datetime.date) -> QuerySet[ContractPeriod]:
    # Asked on every page of the ECT registration after its start date: built once.
    return ContractPeriod.objects.filter(started_on__lte=day, finished_on__gte=day).order_by("pk")[:1]


def contract_period_for_start(
    started_on: datetime.date, *, today: datetime.date | None = None
) -> ContractPeriod | None:
    """The contract period an ECT starting on `started_on` belongs to, open for registration or not.

    That is the period whose [started_on, finished_on] contains the date; but once that period's
    payments are frozen, the ECT counts in the period open for registration `today`
    (`contract_period_for_registration`, never a frozen one) instead. None when no period contains
    the date, or it is frozen and no other period is open.

    The period returned may not be open (`enabled` False): to know whether a school may register
    the ECT now, and when it may if not, use `registration_for_start`.
    """
    containing = _contract_period_containing.first(day=started_on)
    if containing is None or containing.payments_frozen_at is None:
        return containing
    return contract_period_for_registration(today or clock.today())


class StartDateRegistration(enum.StrEnum):
    OPEN = "open"  # register the ECT in `contract_period`
    NOT_OPEN = "not_open"  # `contract_period` contains the date but is not open for registration
    NO_CONTRACT_PERIOD = "no_contract_period"  # no period to register the ECT in


@dataclass(frozen=True)
class RegistrationForStart:
    """Whether an ECT starting on a date can be registered now, and in which contract period.

    - OPEN: `contract_period` is the one to register them in.
    - NOT_OPEN: `contract_period` contains the date but is not open for registration (its
      `enabled` is off). `opens_on` is when it is expected to open, which we take to be the day the
      period starts (there is no separate registration date); None when that day has passed, so
      "opens on …" would be untrue (the period is closed, or opening late).
    - NO_CONTRACT_PERIOD: no period contains the date (too early or too late for any we know), or
      the one that does has its payments frozen and no period is open to move the ECT into.
    """

    status: StartDateRegistration
    contract_period: ContractPeriod | None = None
    opens_on: datetime.date | None = None

    @property
    def is_open(self) -> bool:
        return self.status == StartDateRegistration.OPEN


def registration_for_start(
    started_on: datetime.date, *, today: datetime.date | None = None
) -> RegistrationForStart:
    """Whether an ECT starting on `started_on` can be registered `today`, and in which contract
    period (see `contract_period_for_start` and `RegistrationForStart`). Never raises."""
    today = today or clock.today()
    contract_period = contract_period_for_start(started_on, today=today)
    if contract_period is None:
        return RegistrationForStart(StartDateRegistration.NO_CONTRACT_PERIOD)
    if not contract_period.enabled:
        opens_on = contract_period.started_on if contract_period.started_on > today else None
        return RegistrationForStart(StartDateRegistration.NOT_OPEN, contract_period, opens_on)
    return RegistrationForStart(StartDateRegistration.OPEN, contract_period)
