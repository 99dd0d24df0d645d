"""`@precompiled` (core.precompiled): a lookup's SQL is built once, from stand-ins, and each call
answers as the ORM would with its own arguments."""

import datetime

import pytest
from django.db import connection
from django.http import Http404
from django.test.utils import CaptureQueriesContext

from core.precompiled import precompiled
from participants.models import ECTAtSchoolPeriod
from participants.queries import email_in_use, is_registered_at, ongoing_ect_period_elsewhere
from providers.queries import active_lead_provider, appropriate_body
from schools.models import SchoolAccess, SchoolRole
from schools.queries import school_for
from tests.dates import THIS_YEAR
from tests.factories import (
    ActiveLeadProviderFactory,
    AppropriateBodyFactory,
    ContractPeriodFactory,
    ECTAtSchoolPeriodFactory,
    LeadProviderFactory,
    SchoolFactory,
    TeacherFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

SEPTEMBER = datetime.date(THIS_YEAR, 9, 1)


def test_the_queryset_is_built_once_and_answers_each_call_with_its_own_arguments():
    built = []

    @precompiled(trn="(stand-in)")
    def periods_of(*, trn):
        built.append(trn)
        return ECTAtSchoolPeriod.objects.filter(teacher__trn=trn).order_by("pk")

    first, second = ECTAtSchoolPeriodFactory(), ECTAtSchoolPeriodFactory()
    assert list(periods_of(trn=first.teacher.trn)) == [first]
    assert list(periods_of(trn=second.teacher.trn)) == [second]
    assert list(periods_of(trn="0000000")) == []
    assert built == ["(stand-in)"]


def test_a_call_with_other_arguments_than_the_stand_ins_is_refused():
    @precompiled(trn="(stand-in)")
    def periods_of(*, trn):
        return ECTAtSchoolPeriod.objects.filter(teacher__trn=trn)

    with pytest.raises(TypeError, match="trn"):
        periods_of(teacher="1234567")


def test_two_arguments_cannot_share_a_stand_in():
    with pytest.raises(ValueError, match="share a stand-in"):
        precompiled(email="(stand-in)", trn="(stand-in)")


@pytest.mark.parametrize("common", [0, 1, True, ""])
def test_a_stand_in_as_common_as_a_constant_is_refused(common):
    with pytest.raises(ValueError, match="too common"):
        precompiled(trn=common)


def test_the_access_check_finds_only_schools_the_person_manages_now():
    school, elsewhere, ended = SchoolFactory(), SchoolFactory(), SchoolFactory()
    tutor = UserFactory()
    tutoring = {"role": SchoolRole.INDUCTION_TUTOR}
    SchoolAccess.objects.create(user=tutor, school=school, **tutoring)
    SchoolAccess.objects.create(
        user=tutor,
        school=ended,
        started_at=datetime.datetime(THIS_YEAR - 1, 9, 1, tzinfo=datetime.UTC),
        ended_at=datetime.datetime(THIS_YEAR - 1, 10, 1, tzinfo=datetime.UTC),
        **tutoring,
    )
    SchoolAccess.objects.create(user=UserFactory(), school=elsewhere, **tutoring)
    assert school_for(tutor, school.urn) == school
    for not_theirs in (elsewhere, ended):
        with pytest.raises(Http404):
            school_for(tutor, not_theirs.urn)


def test_the_registration_checks_answer_for_the_teacher_school_and_day_asked_about():
    here, there = SchoolFactory(), SchoolFactory()
    teacher = TeacherFactory()
    leaving_there = ECTAtSchoolPeriodFactory(
        teacher=teacher, school=there, email="Ect@Example.com", finished_on=SEPTEMBER
    )
    assert ongoing_ect_period_elsewhere(teacher.trn, here, today=SEPTEMBER) == leaving_there
    assert ongoing_ect_period_elsewhere(teacher.trn, there, today=SEPTEMBER) is None
    assert (
        ongoing_ect_period_elsewhere(teacher.trn, here, today=SEPTEMBER + datetime.timedelta(days=1)) is None
    )
    assert is_registered_at(there, teacher.trn, today=SEPTEMBER)
    assert not is_registered_at(here, teacher.trn, today=SEPTEMBER)
    assert not is_registered_at(there, teacher.trn, today=SEPTEMBER + datetime.timedelta(days=1))
    assert email_in_use(" ect@example.COM ", today=SEPTEMBER)
    assert not email_in_use("ect@example.com", today=SEPTEMBER, except_trn=teacher.trn)
    assert email_in_use("ECT@example.com", today=SEPTEMBER, except_trn=TeacherFactory().trn)
    assert not email_in_use("ect@example.com", today=SEPTEMBER + datetime.timedelta(days=1))


def test_the_period_elsewhere_comes_with_its_school():
    here = SchoolFactory()
    there = ECTAtSchoolPeriodFactory()
    with CaptureQueriesContext(connection) as captured:
        found = ongoing_ect_period_elsewhere(there.teacher.trn, here, today=SEPTEMBER)
        assert found.school.name == there.school.name
    assert len(captured.captured_queries) == 2  # the period, then its school


def test_a_lead_provider_is_offered_only_in_a_year_it_works():
    working = ActiveLeadProviderFactory(contract_period=ContractPeriodFactory(year=THIS_YEAR))
    next_year = ContractPeriodFactory(year=THIS_YEAR + 1)
    this_year = working.contract_period
    assert active_lead_provider(this_year, working.lead_provider_id) == working.lead_provider
    assert active_lead_provider(next_year, working.lead_provider_id) is None
    assert active_lead_provider(this_year, LeadProviderFactory().pk) is None


def test_the_rows_are_the_instances_the_queryset_gives_with_its_annotations_and_converted_values():
    """Read without RawQuerySet, a row is still the model's instance: every field (a JSON field
    decoded by its converter), each annotation an attribute, and not a field deferred."""
    from django.db.models import CharField, F, Value
    from django.db.models.functions import Concat

    from emails.models import Email

    sent = Email.objects.create(
        recipient="ada@example.com", template="welcome", personalisation={"name": "Ada", "steps": [1, 2]}
    )
    Email.objects.create(recipient="grace@example.com", template="welcome")

    def build(*, recipient):
        return Email.objects.filter(recipient=recipient).annotate(
            addressed=Concat(Value("to "), F("recipient"), output_field=CharField())
        )

    lookup = precompiled(recipient="(stand-in)")(build)
    for _ in range(2):  # the rows' shape is worked out on the first call, then kept
        (row,) = lookup(recipient=sent.recipient)
        (expected,) = build(recipient=sent.recipient)
        assert isinstance(row, Email)
        assert row.personalisation == {"name": "Ada", "steps": [1, 2]}
        assert row.addressed == f"to {sent.recipient}" == expected.addressed
        assert row.get_deferred_fields() == set()
        assert {f.attname: getattr(row, f.attname) for f in Email._meta.concrete_fields} == {
            f.attname: getattr(expected, f.attname) for f in Email._meta.concrete_fields
        }
        assert not row._state.adding
    assert lookup(recipient="nobody@example.com") == []
    assert lookup.first(recipient="nobody@example.com") is None


def prepared_statements_like(text: str) -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT statement FROM pg_prepared_statements WHERE NOT from_sql AND statement LIKE %s",
            [f"%{text}%"],
        )
        return [row[0] for row in cursor.fetchall()]


def test_postgresql_plans_sql_built_once_the_first_time_a_connection_runs_it():
    """Planning a lookup cost PostgreSQL 0.1-2 ms, running it 0.01-0.7 ms (decision 0047): it is
    prepared, with its values bound as parameters, the first time it runs on a connection."""

    @precompiled(trn="(stand-in)")
    def periods_of(*, trn):
        return ECTAtSchoolPeriod.objects.filter(teacher__trn=trn).order_by("-pk", "email")

    marker = 'ORDER BY "participants_ectatschoolperiod"."id" DESC, "participants_ectatschoolperiod"."email"'
    assert prepared_statements_like(marker) == []
    period = ECTAtSchoolPeriodFactory()
    assert periods_of(trn=period.teacher.trn) == [period]
    (statement,) = prepared_statements_like(marker)
    assert '"participants_teacher"."trn" = $1' in statement
    with CaptureQueriesContext(connection) as captured:
        assert periods_of(trn="1234567") == []
    assert len(prepared_statements_like(marker)) == 1
    # Run prepared, it is still in Django's log of queries (tests read it), with its placeholders.
    assert '"participants_teacher"."trn" = $1' in captured[0]["sql"]


def test_a_query_not_built_once_binds_its_values_into_its_text_and_is_never_prepared():
    for _ in range(10):
        list(ECTAtSchoolPeriod.objects.filter(email="not-prepared@example.com"))
    assert prepared_statements_like("not-prepared@example.com") == []
    assert prepared_statements_like('"email" = $1') == []


def test_an_appropriate_body_is_found_by_its_id_or_not_at_all():
    body = AppropriateBodyFactory()
    AppropriateBodyFactory()  # another
    assert appropriate_body(body.pk) == body
    assert appropriate_body(body.pk).name == body.name
    assert appropriate_body(body.pk + 1_000_000) is None
