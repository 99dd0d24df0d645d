"""A school rolling from one academic year to the next, with no code change: finance staff open
next year's contract period in admin, the dashboard stays on this year until 31 August, and on
1 September the school is asked the returning-school question for the new year. An ECT in their
second year stays in the contract period they started in; a new ECT lands in the new one."""

import datetime

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from core import clock
from participants import queries as participant_queries
from participants.models import ECTAtSchoolPeriod
from providers.models import ContractPeriod, SchoolPartnership
from schools.models import SchoolContractPeriodChoice
from tests.admin.helpers import admin_url
from tests.dates import NEXT_YEAR, THIS_YEAR, in_year, moment
from tests.factories import (
    ActiveLeadProviderFactory,
    ECTAtSchoolPeriodFactory,
    LeadProviderDeliveryPartnershipFactory,
    SchoolPartnershipFactory,
    TeacherFactory,
    TrainingPeriodFactory,
    UserFactory,
    school_set_up_with,
)

pytestmark = pytest.mark.django_db

NEW_ECT = {"trn": "9990001", "born": ("21", "4", "1996"), "name": "Amara Okafor"}


@pytest.fixture
def tutor():
    return UserFactory(full_name="Ada Lovelace", privacy_notice_accepted_at=clock.now())


@pytest.fixture
def school(tutor, this_year, hub):
    """A school in its first year with Ambition Institute and Northern Lights Partnership, and an
    ECT, Kwame Mensah, who started with them on 1 September."""
    pairing = LeadProviderDeliveryPartnershipFactory(
        active_lead_provider=ActiveLeadProviderFactory(
            contract_period=this_year, lead_provider__name="Ambition Institute"
        ),
        delivery_partner__name="Northern Lights Partnership",
    )
    school = school_set_up_with(
        pairing.active_lead_provider.lead_provider,
        tutor=tutor,
        contract_period=this_year,
        appropriate_body=hub,
    )
    partnership = SchoolPartnershipFactory(school=school, lead_provider_delivery_partnership=pairing)
    kwame = ECTAtSchoolPeriodFactory(
        school=school,
        teacher=TeacherFactory(trs_first_name="Kwame", trs_last_name="Mensah"),
        started_on=in_year(9, 1),
    )
    TrainingPeriodFactory(
        ect_at_school_period=kwame, school_partnership=partnership, started_on=in_year(9, 1)
    )
    return school


def open_next_year_in_admin(client):
    finance = UserFactory(is_staff=True)
    finance.groups.add(Group.objects.get(name="finance"))
    client.force_login(finance)
    response = client.post(admin_url(ContractPeriod, "add"), {"year": NEXT_YEAR, "carry_over": "on"})
    assert response.status_code == 302, response.content.decode()[:2000]
    client.logout()


def set_up_url(school, step):
    return reverse("set_up_training", kwargs={"urn": school.urn, "year": NEXT_YEAR, "step": step})


def register_url(school, step):
    return reverse("register_ect", kwargs={"urn": school.urn, "step": step})


def post(client, url, data=None):
    response = client.post(url, data or {})
    assert response.status_code == 302, (url, response.content.decode()[:3000])
    return response["Location"]


def contract_year_of(period: ECTAtSchoolPeriod) -> int:
    training = period.training_periods.order_by("-started_on").first()
    return participant_queries.training_contract_period(period, training).year


def test_a_school_rolls_into_the_new_year_on_1_september(client, service_clock, school, tutor, hub, fake_trs):
    home = reverse("school_home", kwargs={"urn": school.urn})
    this_years_page = reverse("school_year", kwargs={"urn": school.urn, "year": THIS_YEAR})

    # 1. In the summer term, finance opens next year's contract period; last year's lead
    #    providers and their delivery partners carry over.
    service_clock.move_to(moment(in_year(5, 15)))
    open_next_year_in_admin(client)
    assert ContractPeriod.objects.get(year=NEXT_YEAR).enabled

    # 2. On 31 August the new contract period has started (1 June) but the academic year has
    #    not: the school still sees this year.
    service_clock.move_to(moment(in_year(8, 31)))
    client.force_login(tutor)
    assert client.get(home)["Location"] == this_years_page
    assert "Kwame Mensah" in client.get(this_years_page).content.decode()

    # 3. On 1 September the school is sent to set up the new year, and as a returning school is
    #    asked whether to keep last year's lead provider and delivery partner.
    service_clock.move_to(moment(in_year(9, 1, NEXT_YEAR)))
    client.force_login(tutor)  # a new day, a new sign-in
    start = client.get(home)["Location"]
    assert start == reverse("set_up_start", kwargs={"urn": school.urn, "year": NEXT_YEAR})
    start_page = client.get(start).content.decode()
    assert f"How to set up training for {NEXT_YEAR} to {NEXT_YEAR + 1}" in start_page
    assert "whether you plan to change how you run training" in start_page
    assert post(client, set_up_url(school, "expects-ects"), {"expects_ects": "yes"}) == set_up_url(
        school, "change-provider"
    )
    question = client.get(set_up_url(school, "change-provider")).content.decode()
    assert "Ambition Institute" in question and "Northern Lights Partnership" in question
    assert post(client, set_up_url(school, "change-provider"), {"change_provider": "no"}) == set_up_url(
        school, "appropriate-body"
    )
    post(client, set_up_url(school, "appropriate-body"), {"appropriate_body": hub.pk})
    post(client, set_up_url(school, "check-answers"))
    assert SchoolContractPeriodChoice.objects.get(school=school, contract_period_id=NEXT_YEAR).is_set_up
    assert SchoolPartnership.objects.filter(
        school=school,
        lead_provider_delivery_partnership__active_lead_provider__contract_period_id=NEXT_YEAR,
        lead_provider_delivery_partnership__delivery_partner__name="Northern Lights Partnership",
    ).exists()
    assert client.get(home)["Location"] == reverse(
        "school_year", kwargs={"urn": school.urn, "year": NEXT_YEAR}
    )

    # 4. Kwame, now in his second year, stays in the contract period he started in.
    kwame = ECTAtSchoolPeriod.objects.get(school=school, teacher__trs_last_name="Mensah")
    assert contract_year_of(kwame) == THIS_YEAR

    # 5. A new ECT starting today lands in the new contract period.
    day, month, year = NEW_ECT["born"]
    post(
        client,
        register_url(school, "find-ect"),
        {
            "trn": NEW_ECT["trn"],
            "date_of_birth_day": day,
            "date_of_birth_month": month,
            "date_of_birth_year": year,
        },
    )
    post(client, register_url(school, "confirm-name"), {"name_is_right": "yes"})
    post(client, register_url(school, "email"), {"email": "amara@example.org"})
    post(
        client,
        register_url(school, "start-date"),
        {"started_on_day": "1", "started_on_month": "9", "started_on_year": str(NEXT_YEAR)},
    )
    assert post(client, register_url(school, "working-pattern"), {"working_pattern": "full_time"}) == (
        register_url(school, "use-previous-choices")
    )
    post(client, register_url(school, "use-previous-choices"), {"use_previous_choices": "yes"})
    assert post(client, register_url(school, "check-answers")) == reverse(
        "ect_registered", kwargs={"urn": school.urn}
    )
    amara = ECTAtSchoolPeriod.objects.get(school=school, teacher__trn=NEW_ECT["trn"])
    assert amara.started_on == datetime.date(NEXT_YEAR, 9, 1)
    assert contract_year_of(amara) == NEXT_YEAR
    new_years_page = client.get(reverse("school_year", kwargs={"urn": school.urn, "year": NEXT_YEAR}))
    assert "Amara Okafor" in new_years_page.content.decode()
