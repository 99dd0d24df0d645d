"""Date questions give an example date that is never in the past."""

from participants.forms import LeavingDateForm, StartDateForm
from tests.dates import NEXT_YEAR, THIS_YEAR, in_year, moment


def hint(form_class, field, **kwargs) -> str:
    return str(form_class(**kwargs).fields[field].help_text)


def test_the_example_is_the_next_such_day(service_clock):
    # The tests' day is 20 November: the next 2 September is next calendar year's.
    assert hint(StartDateForm, "started_on") == f"For example, 2 9 {THIS_YEAR + 1}"
    service_clock.move_to(moment(in_year(9, 2, NEXT_YEAR)))  # on the day itself, that day
    assert hint(StartDateForm, "started_on") == f"For example, 2 9 {NEXT_YEAR}"


def test_the_example_follows_what_the_hint_says_first(service_clock):
    assert hint(LeavingDateForm, "leaving_on", teacher_name="Amara Okafor") == (
        f"Their last day at your school. For example, 19 12 {THIS_YEAR}"
    )
