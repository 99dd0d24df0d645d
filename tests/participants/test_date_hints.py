"""Date questions give an example date the service would take: a leaving date's is never in the
past, a start date's is in the academic year open for registration."""

from participants.forms import LeavingDateForm, MentorStartDateForm, StartDateForm
from tests.dates import NEXT_YEAR, THIS_YEAR, in_year, moment


def hint(form_class, field, **kwargs) -> str:
    return str(form_class(**kwargs).fields[field].help_text)


def test_a_leaving_date_example_is_the_next_such_day(service_clock):
    # The tests' day is 20 November: the next 19 December is this calendar year's...
    assert hint(LeavingDateForm, "leaving_on", teacher_name="Amara Okafor") == (
        f"Their last day at your school. For example, 19 12 {THIS_YEAR}"
    )
    # ...and from 20 December, the next calendar year's.
    service_clock.move_to(moment(in_year(12, 20)))
    assert hint(LeavingDateForm, "leaving_on", teacher_name="Amara Okafor") == (
        f"Their last day at your school. For example, 19 12 {THIS_YEAR + 1}"
    )


def test_a_start_date_example_is_in_the_academic_year_open_for_registration(service_clock):
    # In November, March and on 31 August, this academic year's September: next September's
    # academic year is not open to register for until it begins.
    for day in (in_year(11, 20), in_year(3, 15), in_year(8, 31)):
        service_clock.move_to(moment(day))
        assert hint(StartDateForm, "started_on") == f"For example, 2 9 {THIS_YEAR}"
    service_clock.move_to(moment(in_year(9, 1, NEXT_YEAR)))  # from 1 September, the new year's
    assert hint(StartDateForm, "started_on") == f"For example, 2 9 {NEXT_YEAR}"


def test_a_mentor_start_date_example_follows_the_same_rule(service_clock):
    service_clock.move_to(moment(in_year(3, 15)))
    assert hint(MentorStartDateForm, "started_on") == f"For example, 2 9 {THIS_YEAR}"
