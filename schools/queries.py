"""Reads about schools: finding one, who may manage which, and what each set up for each year."""

import datetime
from dataclasses import dataclass

from django.db.models import Case, Exists, IntegerField, OuterRef, Q, QuerySet, Value, When
from django.db.models.functions import Replace, Upper
from django.http import Http404

from accounts.models import User
from core import clock
from core.precompiled import PreparedSQL, precompiled
from core.tokens import hash_token
from participants.models import InductionOutcome
from participants.queries import SCHOOL_STAND_IN, Counts
from providers.models import ActiveLeadProvider, ContractPeriod, SchoolPartnership
from providers.queries import YEAR_STAND_IN, contract_period_for_registration
from schools import eligibility
from schools.models import (
    NominationLink,
    School,
    SchoolAccess,
    SchoolContractPeriodChoice,
    SchoolRole,
    YearProgramme,
)

SEARCH_RESULTS = 20


def find_schools(text: str) -> QuerySet[School]:
    """Schools matching a name, a URN or a postcode (typed with or without its space)."""
    text = " ".join(text.split())
    if not text:
        return School.objects.none()
    compact = text.replace(" ", "").upper()
    matches = Q(name__icontains=text) | Q(compact_postcode__startswith=compact)
    # An exact URN or postcode first, then names that start with what was typed.
    ranking = [When(compact_postcode=compact, then=Value(1)), When(name__istartswith=text, then=Value(2))]
    if text.isascii() and text.isdigit() and len(text) <= 7:
        matches |= Q(urn=int(text))
        ranking.insert(0, When(urn=int(text), then=Value(0)))
    return (
        School.objects.alias(compact_postcode=Replace(Upper("postcode"), Value(" "), Value("")))
        .filter(matches)
        .annotate(rank=Case(*ranking, default=Value(3), output_field=IntegerField()))
        .order_by("rank", "name")[:SEARCH_RESULTS]
    )


def current_access(school: School) -> QuerySet[SchoolAccess]:
    return SchoolAccess.objects.filter(school=school, ended_at__isnull=True).select_related("user")


def people_who_manage(school: School) -> QuerySet[SchoolAccess]:
    """The induction tutor first, then colleagues by name."""
    return current_access(school).order_by(
        Case(When(role=SchoolRole.INDUCTION_TUTOR, then=Value(0)), default=Value(1)), "user__full_name"
    )


def induction_tutor_of(school: School) -> User | None:
    access = current_access(school).filter(role=SchoolRole.INDUCTION_TUTOR).first()
    return access.user if access else None


def schools_for(user: User) -> QuerySet[School]:
    """The schools this person may manage now."""
    if not user.is_authenticated:
        return School.objects.none()
    return School.objects.filter(access__user=user, access__ended_at__isnull=True).order_by("name")


# Stand-ins for the arguments of the lookups below built once (core.precompiled): no user or URN
# has them. (A URN is a positive number: the ORM answers a negative one with no rows, without
# building the SQL.)
USER_STAND_IN = -7_100_001
URN_STAND_IN = 2_147_000_001


@precompiled(user_id=USER_STAND_IN, urn=URN_STAND_IN)
def _school_managed_by(*, user_id: int, urn: int) -> QuerySet[School]:
    return schools_for(User(pk=user_id)).filter(urn=urn)[:1]


@precompiled(school_id=SCHOOL_STAND_IN)
def _school_by_id(*, school_id: int) -> QuerySet[School]:
    return School.objects.filter(pk=school_id)


def school_now(school_id: int) -> School:
    """The school as the database has it now (read again before a cached page is drawn afresh)."""
    school = _school_by_id.first(school_id=school_id)
    if school is None:
        raise School.DoesNotExist(f"No school {school_id}")
    return school


def school_for(user: User, urn: int) -> School:
    """The school with this URN if this person may manage it; otherwise 404, as if it did not exist.
    (Every page of a school asks it first: its SQL is built once, see core.precompiled.)"""
    school = _school_managed_by.first(user_id=user.pk, urn=urn) if user.is_authenticated else None
    if school is None:
        raise Http404("No such school")
    return school


def nomination_link(token: str) -> NominationLink | None:
    return NominationLink.objects.select_related("school").filter(token_hash=hash_token(token)).first()


def nomination_link_by_id(link_id: int | None) -> NominationLink | None:
    return NominationLink.objects.select_related("school").filter(pk=link_id).first() if link_id else None


# --- A school's years -------------------------------------------------------------------------


def choice_for(school: School, contract_period: ContractPeriod) -> SchoolContractPeriodChoice | None:
    """What the school told us about this year, with its lead provider and appropriate body."""
    return (
        SchoolContractPeriodChoice.objects.select_related(
            "lead_provider__lead_provider", "appropriate_body", "contract_period"
        )
        .filter(school=school, contract_period=contract_period)
        .first()
    )


@dataclass(frozen=True)
class YearSetUp:
    """What the school told us about a year, as its dashboard shows it: the names of its lead
    provider and appropriate body, and of the delivery partner of its confirmed partnership with
    that lead provider (None until the lead provider confirms one)."""

    programme: str
    lead_provider: str | None
    appropriate_body: str | None
    delivery_partner: str | None

    @property
    def is_set_up(self) -> bool:
        return bool(self.programme)

    def get_programme_display(self) -> str:
        return YearProgramme(self.programme).label if self.programme else ""


# `choice_for` and `partnership_in` together, as one plain SQL query: built by the ORM they cost
# the year page more time in Python than PostgreSQL took to run them.
YEAR_SET_UP_SQL = """
SELECT choice.programme, lead_provider.name, appropriate_body.name,
       (SELECT delivery_partner.name
          FROM providers_schoolpartnership partnership
          JOIN providers_leadproviderdeliverypartnership pairing
            ON pairing.id = partnership.lead_provider_delivery_partnership_id
          JOIN providers_activeleadprovider active ON active.id = pairing.active_lead_provider_id
          JOIN providers_deliverypartner delivery_partner ON delivery_partner.id = pairing.delivery_partner_id
         WHERE partnership.school_id = choice.school_id
           AND active.contract_period_id = choice.contract_period_id
           AND active.lead_provider_id = chosen.lead_provider_id
         ORDER BY partnership.id DESC
         LIMIT 1)
  FROM schools_schoolcontractperiodchoice choice
  LEFT JOIN providers_activeleadprovider chosen ON chosen.id = choice.lead_provider_id
  LEFT JOIN providers_leadprovider lead_provider ON lead_provider.id = chosen.lead_provider_id
  LEFT JOIN providers_appropriatebody appropriate_body ON appropriate_body.id = choice.appropriate_body_id
 WHERE choice.school_id = %s AND choice.contract_period_id = %s
"""
YEAR_SET_UP = PreparedSQL(YEAR_SET_UP_SQL)


def year_set_up(school: School, contract_period: ContractPeriod) -> YearSetUp | None:
    """What the school told us about this year (`choice_for`), with the delivery partner of its
    partnership (`partnership_in`) by name; None when it told us nothing."""
    rows = YEAR_SET_UP.rows([school.pk, contract_period.year])
    return YearSetUp(*rows[0]) if rows else None


def manages_several_schools(user: User) -> bool:
    """Whether this person may manage more than one school now (their pages then link back to the
    list of their schools). Asked by every year page: built once."""
    return user.is_authenticated and len(list(_two_schools_managed_by(user_id=user.pk))) > 1


@precompiled(user_id=USER_STAND_IN)
def _two_schools_managed_by(*, user_id: int) -> QuerySet[School]:
    return School.objects.filter(access__user_id=user_id, access__ended_at__isnull=True).only("pk")[:2]


def year_needing_set_up(school: School, today: datetime.date) -> ContractPeriod | None:
    """The contract period open for registration when the school has not yet set it up."""
    contract_period = contract_period_for_registration(today)
    if contract_period is None:
        return None
    set_up = _year_set_up.exists(school_id=school.pk, year=contract_period.year)
    return None if set_up else contract_period


@precompiled(school_id=SCHOOL_STAND_IN, year=YEAR_STAND_IN)
def _year_set_up(*, school_id: int, year: int) -> QuerySet[SchoolContractPeriodChoice]:
    # Asked by every visit to the school's home (SchoolContractPeriodChoice.is_set_up): built once.
    return (
        SchoolContractPeriodChoice.objects.filter(school_id=school_id, contract_period_id=year)
        .exclude(programme="")
        .only("pk")[:1]
    )


def last_year(school: School, contract_period: ContractPeriod) -> SchoolContractPeriodChoice | None:
    """What the school told us about the year before this one, if it set that year up."""
    return (
        SchoolContractPeriodChoice.objects.select_related("contract_period", "lead_provider__lead_provider")
        .filter(school=school, contract_period__year=contract_period.year - 1)
        .exclude(programme="")
        .first()
    )


def last_years_partnership(school: School, contract_period: ContractPeriod) -> SchoolPartnership | None:
    """The partnership a returning school may keep: last year's, with a lead provider offering
    training this year too. None when the school ran its own programme (or had no ECTs) last year,
    whatever a provider reported, and none from earlier years: a school's "current provider" is
    never one it left years ago. With several partnerships last year, the one with the lead
    provider the school chose."""
    last = last_year(school, contract_period)
    if last is not None and last.programme != YearProgramme.PROVIDER_LED:
        return None
    chose_this_lead_provider = SchoolContractPeriodChoice.objects.filter(
        school=school,
        lead_provider=OuterRef("lead_provider_delivery_partnership__active_lead_provider"),
    )
    offers_training_this_year = ActiveLeadProvider.objects.filter(
        contract_period=contract_period,
        lead_provider=OuterRef("lead_provider_delivery_partnership__active_lead_provider__lead_provider"),
    )
    return (
        SchoolPartnership.objects.select_related(
            "lead_provider_delivery_partnership__active_lead_provider__lead_provider",
            "lead_provider_delivery_partnership__active_lead_provider__contract_period",
            "lead_provider_delivery_partnership__delivery_partner",
        )
        .filter(
            Exists(offers_training_this_year),
            school=school,
            lead_provider_delivery_partnership__active_lead_provider__contract_period__year=contract_period.year
            - 1,
        )
        .annotate(chosen=Exists(chose_this_lead_provider))
        .order_by("-chosen", "-pk")
        .first()
    )


def partnership_in(
    school: School, contract_period: ContractPeriod, *, lead_provider_id: int
) -> SchoolPartnership | None:
    """The school's confirmed partnership with this lead provider in this year, if it has one."""
    return (
        SchoolPartnership.objects.select_related("lead_provider_delivery_partnership__delivery_partner")
        .filter(
            school=school,
            lead_provider_delivery_partnership__active_lead_provider__contract_period=contract_period,
            lead_provider_delivery_partnership__active_lead_provider__lead_provider_id=lead_provider_id,
        )
        .order_by("-pk")
        .first()
    )


# The years a school has, as one plain SQL query: built by the ORM (four EXISTS and two counts)
# it cost the year page more time in Python than PostgreSQL took to run it. The ECT count follows
# `participants.queries.training_during`, the mentor count `participants.queries.during`.
YEARS_FOR_SQL = """
SELECT cp.year, cp.started_on, cp.finished_on, cp.enabled, cp.payments_frozen_at,
       (SELECT count(*) FROM participants_ectatschoolperiod ect
         WHERE ect.school_id = %(school)s AND ect.started_on <= cp.finished_on
           AND (ect.finished_on IS NULL OR ect.finished_on >= cp.started_on)
           AND NOT EXISTS (
             SELECT 1 FROM participants_inductionperiod induction
              WHERE induction.teacher_id = ect.teacher_id AND induction.outcome = ANY(%(over)s)
                AND induction.finished_on < make_date(cp.year, %(month)s, %(day)s))) AS ects,
       (SELECT count(*) FROM participants_mentoratschoolperiod mentor
         WHERE mentor.school_id = %(school)s AND mentor.started_on <= cp.finished_on
           AND (mentor.finished_on IS NULL OR mentor.finished_on >= cp.started_on)) AS mentors
  FROM providers_contractperiod cp
 WHERE EXISTS (SELECT 1 FROM schools_schoolcontractperiodchoice choice
                WHERE choice.school_id = %(school)s AND choice.contract_period_id = cp.year)
    OR EXISTS (SELECT 1 FROM providers_schoolpartnership partnership
                 JOIN providers_leadproviderdeliverypartnership pairing
                   ON pairing.id = partnership.lead_provider_delivery_partnership_id
                 JOIN providers_activeleadprovider active ON active.id = pairing.active_lead_provider_id
                WHERE partnership.school_id = %(school)s AND active.contract_period_id = cp.year)
    OR EXISTS (SELECT 1 FROM participants_ectatschoolperiod ect
                WHERE ect.school_id = %(school)s AND ect.started_on <= cp.finished_on
                  AND (ect.finished_on IS NULL OR ect.finished_on >= cp.started_on))
    OR EXISTS (SELECT 1 FROM participants_mentoratschoolperiod mentor
                WHERE mentor.school_id = %(school)s AND mentor.started_on <= cp.finished_on
                  AND (mentor.finished_on IS NULL OR mentor.finished_on >= cp.started_on))
 ORDER BY cp.year DESC
"""
YEARS_FOR = PreparedSQL(YEARS_FOR_SQL, ContractPeriod)


def years_for(school: School) -> list[ContractPeriod]:
    """The academic years the school has data for, newest first: years it answered for, had a
    partnership in, or had an ECT or mentor in. Each has `counts`: the school's ECTs training
    that year and its mentors (as `participants.queries.counts_in_year` counts them)."""
    month, day = clock.ACADEMIC_YEAR_STARTS
    years = YEARS_FOR.instances(
        {
            "school": school.pk,
            "over": [InductionOutcome.PASS.value, InductionOutcome.FAIL.value],
            "month": month,
            "day": day,
        }
    )
    for year in years:
        year.counts = Counts(ects=year.ects, mentors=year.mentors)
    return years


def funding_refusal(school: School) -> str | None:
    """Why the school cannot have funded training, as recorded; None when it can."""
    if school.eligible_for_funding:
        return None
    return eligibility.why_not_funded(
        is_open=school.is_open, region=school.region, establishment_type=school.establishment_type
    )


def induction_tutor_emails(school: School) -> list[str]:
    """The email addresses of the school's induction tutors now (those whose access has not ended)."""
    return list(
        SchoolAccess.objects.filter(school=school, role=SchoolRole.INDUCTION_TUTOR, ended_at__isnull=True)
        .order_by("pk")
        .values_list("user__email", flat=True)
    )


# One query: the database's epoch, and the committed changes to the reference data and to the
# school (schools migrations 0010 and 0011), each summed over a few rows: the reference data's
# table, and the index's rows for the school. Every cached page reads it: it is prepared, so
# PostgreSQL plans it once per connection (0.5 ms a time otherwise).
PAGE_VERSION_SQL = """
SELECT epoch.epoch,
       (SELECT coalesce(sum(changes), 0) FROM schools_referencepagechange),
       (SELECT coalesce(sum(changes), 0) FROM schools_schoolpagechange WHERE school_id = %s)
  FROM (SELECT 1) AS one LEFT JOIN schools_pageversionepoch epoch ON epoch.id = 1
"""
PAGE_VERSION = PreparedSQL(PAGE_VERSION_SQL)


def page_version(school_id: int) -> str | None:
    """Which state of its data, and of the reference data, the school's pages show now, as a
    string for a cache key: it changes when any write that shows on them commits. Read it before
    reading what it stands for (each statement then sees at least as much as the version says);
    a page read later under an older version is newer than that version, never older. None when
    the database has no epoch (its tables emptied by hand): no page is kept then."""
    [(epoch, reference_changes, school_changes)] = PAGE_VERSION.rows([school_id])
    return None if epoch is None else f"{epoch}.{reference_changes}.{school_changes}"
