"""factory-boy factories for every model, in one place. Dates default to last year's contract period (THIS_YEAR - 1)."""

import datetime

import factory
from factory.django import DjangoModelFactory

from accounts.models import User
from appropriate_bodies.models import AppropriateBodyAccess
from participants.models import (
    ECTAtSchoolPeriod,
    InductionPeriod,
    MentorAtSchoolPeriod,
    MentorshipPeriod,
    Teacher,
    TrainingPeriod,
)
from providers.models import (
    ActiveLeadProvider,
    AppropriateBody,
    ContractPeriod,
    DeliveryPartner,
    LeadProvider,
    LeadProviderDeliveryPartnership,
    SchoolPartnership,
)
from providers.schedules import identifier_for_start, schedule_for
from schools.models import School, SchoolAccess, SchoolRole, TrainingProgramme
from schools.services import set_up_training
from tests.dates import THIS_YEAR

LAST_SEPTEMBER = datetime.date(THIS_YEAR - 1, 9, 1)


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("email",)

    email = factory.Sequence(lambda n: f"user{n}@example.com")
    full_name = factory.Faker("name", locale="en_GB")


class SchoolFactory(DjangoModelFactory):
    class Meta:
        model = School

    urn = factory.Sequence(lambda n: 900000 + n)
    name = factory.Sequence(lambda n: f"Fictional Primary School {n}")
    establishment_type = "Community school"
    status = "Open"
    phase = "Primary"
    local_authority = "Fictionshire"
    region = "South East"
    postcode = factory.Sequence(lambda n: f"ZZ{n % 99 + 1} {n % 9 + 1}AA")
    contact_email = factory.LazyAttribute(lambda s: f"head@school{s.urn}.example.org")
    eligible_for_funding = True
    eligibility_decided_on = datetime.date(THIS_YEAR - 1, 6, 1)


class ContractPeriodFactory(DjangoModelFactory):
    class Meta:
        model = ContractPeriod
        django_get_or_create = ("year",)

    year = THIS_YEAR - 1
    started_on = factory.LazyAttribute(lambda c: datetime.date(c.year, 6, 1))
    finished_on = factory.LazyAttribute(lambda c: datetime.date(c.year + 1, 5, 31))
    enabled = True


class LeadProviderFactory(DjangoModelFactory):
    class Meta:
        model = LeadProvider

    name = factory.Sequence(lambda n: f"Fictional Lead Provider {n}")


class ActiveLeadProviderFactory(DjangoModelFactory):
    class Meta:
        model = ActiveLeadProvider

    lead_provider = factory.SubFactory(LeadProviderFactory)
    contract_period = factory.SubFactory(ContractPeriodFactory)


class DeliveryPartnerFactory(DjangoModelFactory):
    class Meta:
        model = DeliveryPartner

    name = factory.Sequence(lambda n: f"Fictional Teaching School Hub {n}")


class LeadProviderDeliveryPartnershipFactory(DjangoModelFactory):
    class Meta:
        model = LeadProviderDeliveryPartnership

    active_lead_provider = factory.SubFactory(ActiveLeadProviderFactory)
    delivery_partner = factory.SubFactory(DeliveryPartnerFactory)


class SchoolPartnershipFactory(DjangoModelFactory):
    class Meta:
        model = SchoolPartnership

    school = factory.SubFactory(SchoolFactory)
    lead_provider_delivery_partnership = factory.SubFactory(LeadProviderDeliveryPartnershipFactory)


class AppropriateBodyFactory(DjangoModelFactory):
    class Meta:
        model = AppropriateBody

    name = factory.Sequence(lambda n: f"Fictional Appropriate Body {n}")
    body_type = AppropriateBody.BodyType.TEACHING_SCHOOL_HUB


class TeacherFactory(DjangoModelFactory):
    class Meta:
        model = Teacher

    trn = factory.Sequence(lambda n: f"{3000000 + n:07d}")
    trs_first_name = factory.Faker("first_name", locale="en_GB")
    trs_last_name = factory.Faker("last_name", locale="en_GB")


class ECTAtSchoolPeriodFactory(DjangoModelFactory):
    class Meta:
        model = ECTAtSchoolPeriod

    teacher = factory.SubFactory(TeacherFactory)
    school = factory.SubFactory(SchoolFactory)
    started_on = LAST_SEPTEMBER
    finished_on = None
    email = factory.Sequence(lambda n: f"ect{n}@example.com")
    working_pattern = "full_time"


class MentorAtSchoolPeriodFactory(DjangoModelFactory):
    class Meta:
        model = MentorAtSchoolPeriod

    teacher = factory.SubFactory(TeacherFactory)
    school = factory.SubFactory(SchoolFactory)
    started_on = LAST_SEPTEMBER
    finished_on = None
    email = factory.Sequence(lambda n: f"mentor{n}@example.com")


class MentorshipPeriodFactory(DjangoModelFactory):
    class Meta:
        model = MentorshipPeriod

    mentee = factory.SubFactory(ECTAtSchoolPeriodFactory)
    mentor = factory.SubFactory(MentorAtSchoolPeriodFactory, school=factory.SelfAttribute("..mentee.school"))
    started_on = factory.SelfAttribute("mentee.started_on")
    finished_on = None


class TrainingPeriodFactory(DjangoModelFactory):
    """School-led ECT training by default; pass school_partnership or expression_of_interest for provider-led."""

    class Meta:
        model = TrainingPeriod

    # At the partnership's school when one is given, so the training is valid by default.
    ect_at_school_period = factory.SubFactory(
        ECTAtSchoolPeriodFactory,
        school=factory.LazyAttribute(
            lambda ect: (
                ect.factory_parent.school_partnership.school
                if ect.factory_parent.school_partnership
                else SchoolFactory()
            )
        ),
    )
    mentor_at_school_period = None
    started_on = factory.LazyAttribute(
        lambda t: (t.ect_at_school_period or t.mentor_at_school_period).started_on
    )
    finished_on = None
    training_programme = factory.LazyAttribute(
        lambda t: (
            TrainingProgramme.PROVIDER_LED
            if (t.school_partnership or t.expression_of_interest)
            else TrainingProgramme.SCHOOL_LED
        )
    )
    school_partnership = None
    expression_of_interest = None
    schedule = factory.LazyAttribute(
        lambda t: (
            schedule_for(
                (
                    t.school_partnership.lead_provider_delivery_partnership.active_lead_provider
                    if t.school_partnership
                    else t.expression_of_interest
                ).contract_period,
                identifier_for_start(t.started_on),
            )
            if t.training_programme == TrainingProgramme.PROVIDER_LED
            else None
        )
    )


class InductionPeriodFactory(DjangoModelFactory):
    class Meta:
        model = InductionPeriod

    teacher = factory.SubFactory(TeacherFactory)
    appropriate_body = factory.SubFactory(AppropriateBodyFactory)
    started_on = LAST_SEPTEMBER
    finished_on = None
    induction_programme = TrainingProgramme.PROVIDER_LED


def school_of(tutor: User, **school_fields) -> School:
    """A school (Quillfeather Primary School unless told) with `tutor` as its induction tutor."""
    school = SchoolFactory(**{"name": "Quillfeather Primary School", **school_fields})
    SchoolAccess.objects.create(user=tutor, school=school, role=SchoolRole.INDUCTION_TUTOR)
    return school


def school_set_up_with(
    lead_provider: LeadProvider,
    *,
    tutor: User,
    contract_period: ContractPeriod,
    appropriate_body: AppropriateBody | None = None,
    **school_fields,
) -> School:
    """A school of `tutor`'s that has set up `contract_period` as provider-led with `lead_provider`."""
    school = school_of(tutor, **school_fields)
    set_up_training(
        school=school,
        contract_period=contract_period,
        set_up_by=tutor,
        expects_ects="yes",
        programme="provider_led",
        lead_provider=lead_provider,
        appropriate_body=appropriate_body or AppropriateBodyFactory(),
    )
    return school


class AppropriateBodyAccessFactory(DjangoModelFactory):
    class Meta:
        model = AppropriateBodyAccess

    user = factory.SubFactory(UserFactory)
    appropriate_body = factory.SubFactory(AppropriateBodyFactory)
