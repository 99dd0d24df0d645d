"""Reference data: contract periods, lead providers, delivery partners and their pairings,
appropriate bodies.

Written with get_or_create on natural keys (year, name, pairs of those), so it is safe to run
at every start of the dev server: missing rows are created, and rows that exist are left as
they are, however a developer changed them in admin (a contract period opened or frozen, say).
The one exception: a lead provider made before lead providers had an email is given one.
Delivery partner i and appropriate body i are "hub i": the same made-up place name and
the same region, whichever count a run asks for, so a 20-hub demo is the start of a
100-hub England run rather than a different world.
"""

import random
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction
from django.utils.text import slugify

from audit.services import Actor
from demo.names import hub_region, place_names
from demo.timeline import FIRST_YEAR, contract_period_dates, open_years, payments_frozen_at, years
from finance.calculator import Band
from finance.models import ContractType
from finance.services import add_statements, new_contract_version
from providers.models import (
    ActiveLeadProvider,
    AppropriateBody,
    ContractPeriod,
    DeliveryPartner,
    LeadProvider,
    LeadProviderDeliveryPartnership,
    Schedule,
)
from providers.schedules import add_schedules


@dataclass(frozen=True)
class LeadProviderFacts:
    name: str
    first_year: int
    last_year: int | None
    market_share: int  # relative weight with which schools choose it


LEAD_PROVIDERS = [
    LeadProviderFacts("Ambition Institute", 2021, None, 26),
    LeadProviderFacts("Best Practice Network", 2021, None, 12),
    LeadProviderFacts("Capita", 2021, 2024, 7),
    LeadProviderFacts("Education Development Trust", 2021, None, 12),
    LeadProviderFacts("National Institute of Teaching", 2024, None, 6),
    LeadProviderFacts("Teach First", 2021, None, 18),
    LeadProviderFacts("UCL Institute of Education", 2021, None, 19),
]


ISTIP = "Independent Schools Teacher Induction Panel (ISTIP)"
ESP = "Educational Success Partners (ESP)"

_PARTNER_KINDS = ["Teaching School Hub"] * 8 + ["Learning Partnership", "Teaching Partnership"]


# Participants (ECTs and mentors, up to 2024; ECTs, from 2025) a year across England, which the
# lead providers' recruitment targets share by market share.
PARTICIPANTS_A_YEAR = {
    ContractType.BANDED_WITH_UPLIFTS: 60_000,
    ContractType.ECTS_BANDED_MENTORS_FLAT: 30_000,
}


def plan_contract(facts: LeadProviderFacts, year: int) -> dict:
    """A plausible first contract version for a lead provider in a contract period: bands A
    0–2,000 and B 2,001–4,000, C up to the recruitment target (at least 6,000) and D a fifth
    beyond, priced per participant from about £1,500 down to £1,100 (made up, the same every
    run); a £100 uplift up to 2024, a mentor flat rate of about £1,000 from 2025."""
    rng = random.Random(f"contract-{facts.name}-{year}")
    contract_type = ContractType.for_year(year)
    total = sum(provider.market_share for provider in LEAD_PROVIDERS if active_in(provider, year))
    target = round(PARTICIPANTS_A_YEAR[contract_type] * facts.market_share / total, -2)
    top_of_c = max(6_000, int(target))
    step = Decimal(rng.randrange(0, 11) * 10)  # £0 to £100 a band between providers
    price_a = Decimal(1_450) + Decimal(rng.randrange(-5, 6) * 10)
    bands = [
        Band("A", 0, 2_000, price_a),
        Band("B", 2_001, 4_000, price_a - 100 - step),
        Band("C", 4_001, top_of_c, price_a - 200 - step),
        Band("D", top_of_c + 1, top_of_c + top_of_c // 5, price_a - 300 - step),
    ]
    flat = contract_type == ContractType.ECTS_BANDED_MENTORS_FLAT
    return {
        "recruitment_target": int(target),
        "set_up_fee": Decimal(rng.choice([0, 50_000, 100_000, 150_000])),
        "monthly_service_fee": None,  # worked out from the bands
        "uplift_amount": None if flat else Decimal(100),
        "vat_applicable": rng.random() < 0.4,
        "mentor_flat_rate": Decimal(950 + rng.randrange(0, 11) * 10) if flat else None,
        "bands": bands,
    }


def lead_provider_email(name: str) -> str:
    """A made-up address where the service tells a lead provider about schools' changes."""
    return f"contracts@{slugify(name)}.example.com"


def active_in(provider: LeadProviderFacts, year: int) -> bool:
    return provider.first_year <= year and (provider.last_year is None or year <= provider.last_year)


_HUB_PLACES = place_names()[:200]  # schools take their names from the rest


def hub_place(index: int) -> str:
    return _HUB_PLACES[index]


def delivery_partner_name(index: int) -> str:
    kind = random.Random(f"delivery-partner-kind-{index}").choice(_PARTNER_KINDS)
    return f"{hub_place(index)} {kind}"


def appropriate_body_name(index: int) -> str:
    return f"{hub_place(index)} Teaching School Hub"


def plan_pairings(partner_index: int) -> dict[int, list[int]]:
    """Which lead providers (by index) delivery partner i works with, year by year.

    The first lead provider is the i-th in turn, so every provider has partners even in a
    20-partner demo; a second one comes and goes now and then. A provider that is not
    active in a year is swapped for another, and the pair otherwise carries on year to year.
    """
    rng = random.Random(f"delivery-partner-pairings-{partner_index}")
    home = partner_index % len(LEAD_PROVIDERS)
    second: int | None = rng.randrange(len(LEAD_PROVIDERS)) if rng.random() < 0.3 else None
    fallback = rng.choice(
        [i for i, p in enumerate(LEAD_PROVIDERS) if p.last_year is None and p.first_year == FIRST_YEAR]
    )
    plan: dict[int, list[int]] = {}
    for year in years():
        first = home if active_in(LEAD_PROVIDERS[home], year) else fallback
        if rng.random() < 0.06:  # an occasional change of mind about the second provider
            second = None if second is not None else rng.randrange(len(LEAD_PROVIDERS))
        lead_providers = [first]
        if second is not None and second != first and active_in(LEAD_PROVIDERS[second], year):
            lead_providers.append(second)
        plan[year] = lead_providers
    return plan


@dataclass
class Reference:
    """Ids of the reference rows, as the later stages need them."""

    lead_provider_ids: list[int] = field(default_factory=list)
    active_lead_provider_ids: dict[tuple[int, int], int] = field(default_factory=dict)  # (lp, year)
    delivery_partner_ids: list[int] = field(default_factory=list)
    # (year, lp index) -> [(pairing id, delivery partner index)]
    pairings: dict[tuple[int, int], list[tuple[int, int]]] = field(default_factory=dict)
    hub_appropriate_body_ids: list[int] = field(default_factory=list)
    schedule_ids: dict[tuple[int, str], int] = field(default_factory=dict)  # (year, identifier)
    istip_id: int = 0
    esp_id: int = 0
    counts: dict[str, int] = field(default_factory=dict)

    def active_lead_providers(self, year: int) -> list[int]:
        return [i for i, p in enumerate(LEAD_PROVIDERS) if active_in(p, year)]

    def appropriate_bodies_in(self, region: str) -> list[int]:
        return [ab for i, ab in enumerate(self.hub_appropriate_body_ids) if hub_region(i) == region]


@transaction.atomic
def ensure_reference_data(*, delivery_partners: int, hub_appropriate_bodies: int) -> Reference:
    ref = Reference()
    created = dict.fromkeys(
        [
            "contract periods",
            "lead providers",
            "lead provider emails",
            "delivery partners",
            "pairings",
            "bodies",
            "statements",
            "contracts",
        ],
        0,
    )

    for year in years():
        # get_or_create: a period a developer opened, closed or froze in admin stays as they left it.
        started_on, finished_on = contract_period_dates(year)
        _, new = ContractPeriod.objects.get_or_create(
            year=year,
            defaults={
                "started_on": started_on,
                "finished_on": finished_on,
                "enabled": year in open_years(),
                "payments_frozen_at": payments_frozen_at(year),
            },
        )
        created["contract periods"] += new

    for index, facts in enumerate(LEAD_PROVIDERS):
        email = lead_provider_email(facts.name)
        lead_provider, new = LeadProvider.objects.get_or_create(name=facts.name, defaults={"email": email})
        created["lead providers"] += new
        if not lead_provider.email:  # made before lead providers had an email: fill it in, once
            lead_provider.email = email
            lead_provider.save(update_fields=["email"])
            created["lead provider emails"] += 1
        ref.lead_provider_ids.append(lead_provider.pk)
        for year in years():
            if active_in(facts, year):
                active, _ = ActiveLeadProvider.objects.get_or_create(
                    lead_provider=lead_provider, contract_period_id=year
                )
                ref.active_lead_provider_ids[(index, year)] = active.pk

    for index in range(delivery_partners):
        partner, new = DeliveryPartner.objects.get_or_create(name=delivery_partner_name(index))
        created["delivery partners"] += new
        ref.delivery_partner_ids.append(partner.pk)
        for year, lead_providers in plan_pairings(index).items():
            for lp in lead_providers:
                pairing, new = LeadProviderDeliveryPartnership.objects.get_or_create(
                    active_lead_provider_id=ref.active_lead_provider_ids[(lp, year)], delivery_partner=partner
                )
                created["pairings"] += new
                ref.pairings.setdefault((year, lp), []).append((pairing.pk, index))

    hubs = [
        (appropriate_body_name(i), AppropriateBody.BodyType.TEACHING_SCHOOL_HUB)
        for i in range(hub_appropriate_bodies)
    ]
    national = [
        (ISTIP, AppropriateBody.BodyType.INDEPENDENT_SCHOOLS),
        (ESP, AppropriateBody.BodyType.SCHOOLS_OVERSEAS),
    ]
    for name, body_type in hubs + national:
        body, new = AppropriateBody.objects.get_or_create(name=name, defaults={"body_type": body_type})
        created["bodies"] += new
        if name == ISTIP:
            ref.istip_id = body.pk
        elif name == ESP:
            ref.esp_id = body.pk
        else:
            ref.hub_appropriate_body_ids.append(body.pk)

    for contract_period in ContractPeriod.objects.filter(year__in=years()):
        add_schedules(contract_period)
    for active in ActiveLeadProvider.objects.filter(contract_period__year__in=years()).select_related(
        "contract_period"
    ):
        created["statements"] += add_statements(active)
    created["contracts"] += _ensure_contracts()
    ref.schedule_ids = {
        (schedule.contract_period_id, schedule.identifier): schedule.pk
        for schedule in Schedule.objects.filter(contract_period__year__in=years())
    }

    ref.counts = created
    return ref


def _ensure_contracts() -> int:
    """A contract for every lead provider in every contract period of the demo that has none, so
    its statements carry money. Returns how many were made."""
    facts_by_name = {facts.name: facts for facts in LEAD_PROVIDERS}
    made = 0
    for active in (
        ActiveLeadProvider.objects.filter(contract_period__year__in=years(), contracts__isnull=True)
        .select_related("lead_provider", "contract_period")
        .order_by("contract_period", "lead_provider__name")
    ):
        facts = facts_by_name.get(active.lead_provider.name)
        if facts is None:  # a provider a developer added in admin: theirs to give a contract
            continue
        new_contract_version(
            active_lead_provider=active,
            **plan_contract(facts, active.contract_period_id),
            actor=Actor.system("Demo data"),
        )
        made += 1
    return made
