"""The demo appropriate body users the README lists (its "Demo appropriate bodies" table): each can
sign in, acts for the bodies listed, and each of those bodies has claimed, passed and released ECTs
and ECTs reported by schools but not yet claimed, on whichever day the data is seeded.

The table is read from README.md itself, so the README cannot drift from the data."""

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from accounts.models import User
from accounts.services import can_sign_in
from appropriate_bodies import queries
from participants.models import InductionPeriod
from providers.models import AppropriateBody
from tests.dates import NEXT_YEAR, TEST_DAY, in_year, moment

pytestmark = pytest.mark.django_db

README = Path(__file__).resolve().parents[2] / "README.md"


def listed_in_readme() -> list[tuple[str, str, list[str]]]:
    text = README.read_text()
    section = text[text.index("### Demo appropriate bodies") :]
    section = section[: section.index("\n#", 1)]
    # The section's first table: the people (a later one lists fake TRS teachers to claim).
    table = section[section.index("\n|") + 1 :].split("\n\n", 1)[0]
    lines = table.splitlines()
    header, _separator, *rows = (tuple(cell.strip() for cell in line.strip("|").split("|")) for line in lines)
    assert header == ("person", "email", "acts for")
    return [(name, email, bodies.split("; ")) for name, email, bodies in rows]


@pytest.mark.parametrize("day", [TEST_DAY, in_year(6, 10), in_year(9, 1, NEXT_YEAR)])
def test_every_listed_person_acts_for_their_bodies_which_have_records_to_look_at(day, service_clock):
    service_clock.move_to(moment(day))
    call_command("seed_demo", stdout=StringIO())
    listed = listed_in_readme()
    assert len(listed) == 3

    for full_name, email, body_names in listed:
        user = User.objects.get(email=email)
        assert user.full_name == full_name
        assert can_sign_in(user)
        assert sorted(body.name for body in queries.bodies_for(user)) == sorted(body_names)

    for body in AppropriateBody.objects.filter(name__in={name for *_, names in listed for name in names}):
        periods = InductionPeriod.objects.filter(appropriate_body=body)
        assert periods.filter(finished_on__isnull=True).exists(), body
        assert periods.filter(outcome="pass").exists(), body
        assert periods.filter(finished_on__isnull=False, outcome="").exists(), body
        counts = queries.review_counts(body)
        assert all(counts.values()), (body, counts)  # every review list has someone to look at


def test_seeding_again_gives_no_second_access():
    call_command("seed_demo", stdout=StringIO())
    call_command("seed_demo", stdout=StringIO())

    assert (
        User.objects.filter(email__endswith=".example.org", appropriate_body_access__isnull=False).count()
        == 4
    )
