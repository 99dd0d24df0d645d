"""Helpers for the admin tests: URLs of admin pages, and one row of every registered model."""

import datetime

from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import User
from api.models import APIRequest, LeadProviderToken
from api.services import create_token
from appropriate_bodies.models import AppropriateBodyAccess
from audit.models import Event
from audit.services import Actor, record_event
from core import clock
from core.tokens import new_token
from emails.models import Email
from emails.services import queue_email
from finance.models import Contract, Declaration, Statement
from participants.models import (
    ECTAtSchoolPeriod,
    InductionPeriod,
    InductionStatus,
    MentorAtSchoolPeriod,
    MentorshipPeriod,
    Teacher,
    TrainingPeriod,
    TRSInductionUpdate,
)
from participants.services import queue_trs_induction_update
from providers.models import (
    ActiveLeadProvider,
    AppropriateBody,
    ContractPeriod,
    DeliveryPartner,
    LeadProvider,
    LeadProviderDeliveryPartnership,
    Schedule,
    SchoolPartnership,
)
from schools import services as school_services
from schools.models import (
    NominationLink,
    School,
    SchoolAccess,
    SchoolContractPeriodChoice,
    SchoolFundingFlags,
)
from tests.dates import THIS_YEAR
from tests.factories import (
    ActiveLeadProviderFactory,
    AppropriateBodyAccessFactory,
    AppropriateBodyFactory,
    ContractPeriodFactory,
    ECTAtSchoolPeriodFactory,
    InductionPeriodFactory,
    MentorAtSchoolPeriodFactory,
    MentorshipPeriodFactory,
    SchoolPartnershipFactory,
    TeacherFactory,
    TrainingPeriodFactory,
    UserFactory,
    school_of,
)
from tests.finance.helpers import add_contract


def admin_url(model, view: str, *args) -> str:
    """The URL of one of a model's admin pages: changelist, add, change, delete."""
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


def queries_to_get(client, url: str, params: dict | None = None):
    """(number of queries, response) for a GET, once caches are warm (content types, say),
    so that two counts differ only in what the page itself asks of the database."""
    client.get(url, params)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, params)
    assert response.status_code == 200
    return len(queries), response


def build_graph() -> dict:
    """One row of every registered model, linked as in real life: {model class: instance}.

    Provider-led training for an ECT through a confirmed partnership, mentor training on an
    expression of interest, a mentorship, an induction period and an event on the teacher.
    """
    partnership = SchoolPartnershipFactory()
    pairing = partnership.lead_provider_delivery_partnership
    mentorship = MentorshipPeriodFactory(mentee__school=partnership.school)
    ect_period = mentorship.mentee
    training = TrainingPeriodFactory(ect_at_school_period=ect_period, school_partnership=partnership)
    TrainingPeriodFactory(
        ect_at_school_period=None,
        mentor_at_school_period=mentorship.mentor,
        expression_of_interest=ActiveLeadProviderFactory(),
    )
    induction = InductionPeriodFactory(teacher=ect_period.teacher)
    access = SchoolAccess.objects.create(
        user=UserFactory(), school=partnership.school, role="induction_tutor"
    )
    event = record_event(
        actor=Actor.system(),
        event_type="ect_registered",
        heading=f"{ect_period.teacher.full_name} registered as an ECT",
        subject=ect_period,
        teacher=ect_period.teacher,
        school=ect_period.school,
    )
    _token, api_token = create_token(
        lead_provider=pairing.active_lead_provider.lead_provider, name="Production", created_by=UserFactory()
    )
    api_request = APIRequest.objects.create(
        token=api_token,
        lead_provider=api_token.lead_provider,
        method="GET",
        path="/api/v3/delivery-partners",
        status=200,
        duration_ms=12,
    )
    statement = Statement.objects.create(
        active_lead_provider=pairing.active_lead_provider,
        year=THIS_YEAR - 1,
        month=10,
        deadline_date=datetime.date(THIS_YEAR - 1, 10, 31),
        payment_date=datetime.date(THIS_YEAR - 1, 11, 25),
    )
    declaration = Declaration.objects.create(
        training_period=training,
        teacher=ect_period.teacher,
        course_identifier="ecf-induction",
        lead_provider=pairing.active_lead_provider.lead_provider,
        delivery_partner=pairing.delivery_partner,
        declaration_type="started",
        declaration_date=clock.now(),
        payment_status="eligible",
        payment_statement=statement,
    )
    return {
        Contract: add_contract(pairing.active_lead_provider),
        Statement: statement,
        Declaration: declaration,
        Schedule: training.schedule,
        LeadProviderToken: api_token,
        APIRequest: api_request,
        User: UserFactory(),
        Group: Group.objects.get(name="support"),
        School: partnership.school,
        ContractPeriod: pairing.active_lead_provider.contract_period,
        LeadProvider: pairing.active_lead_provider.lead_provider,
        ActiveLeadProvider: pairing.active_lead_provider,
        DeliveryPartner: pairing.delivery_partner,
        LeadProviderDeliveryPartnership: pairing,
        SchoolPartnership: partnership,
        AppropriateBody: induction.appropriate_body,
        Teacher: ect_period.teacher,
        ECTAtSchoolPeriod: ect_period,
        MentorAtSchoolPeriod: mentorship.mentor,
        MentorshipPeriod: mentorship,
        TrainingPeriod: training,
        InductionPeriod: induction,
        Event: event,
        TRSInductionUpdate: queue_trs_induction_update(
            teacher=ect_period.teacher,
            status=InductionStatus.IN_PROGRESS,
            started_on=induction.started_on,
            completed_on=None,
        ),
        SchoolAccess: access,
        AppropriateBodyAccess: AppropriateBodyAccessFactory(appropriate_body=induction.appropriate_body),
        SchoolFundingFlags: SchoolFundingFlags.objects.create(
            school=partnership.school,
            contract_period=pairing.active_lead_provider.contract_period,
            pupil_premium=True,
        ),
        SchoolContractPeriodChoice: SchoolContractPeriodChoice.objects.create(
            school=partnership.school,
            contract_period=pairing.active_lead_provider.contract_period,
            expects_ects="yes",
        ),
        NominationLink: NominationLink.objects.create(
            school=partnership.school,
            token_hash=new_token()[1],
            expires_at=clock.now() + datetime.timedelta(days=21),
        ),
        Email: queue_email(
            to=access.user.email,
            template="colleague_added",
            personalisation={
                "full_name": access.user.full_name,
                "school_name": partnership.school.name,
                "added_by": "Jane Tutor",
                "sign_in_url": "https://example.org/sign-in/link/token",
            },
        ),
    }


def school_set_up_with_a_mentored_ect(ect: Teacher, *, name: str = "Quillfeather Primary School") -> School:
    """A school set up for this year (provider-led) with `ect` as an ECT from 1 September,
    mentored by Mo Mentor: what support look at as the school sees it."""
    year = ContractPeriodFactory(year=THIS_YEAR)
    tutor = UserFactory(privacy_notice_accepted_at=clock.now(), full_name="Tess Tutor")
    school = school_of(tutor, name=name)
    school_services.set_up_training(
        school=school,
        contract_period=year,
        set_up_by=tutor,
        expects_ects="yes",
        programme="provider_led",
        lead_provider=ActiveLeadProviderFactory(contract_period=year).lead_provider,
        appropriate_body=AppropriateBodyFactory(),
    )
    mentee = ECTAtSchoolPeriodFactory(school=school, teacher=ect, started_on=datetime.date(THIS_YEAR, 9, 1))
    MentorshipPeriodFactory(
        mentee=mentee,
        mentor=MentorAtSchoolPeriodFactory(
            school=school, teacher=TeacherFactory(trs_first_name="Mo", trs_last_name="Mentor")
        ),
    )
    return school
