"""A year page links back to "Your schools" only for someone who manages more than one now."""

import pytest
from django.urls import reverse

from core import clock
from schools import queries
from schools.models import SchoolAccess, SchoolRole
from tests.factories import SchoolFactory, UserFactory

pytestmark = pytest.mark.django_db


def access(user, school):
    return SchoolAccess.objects.create(user=user, school=school, role=SchoolRole.INDUCTION_TUTOR)


def test_one_school_is_not_several():
    user = UserFactory()
    access(user, SchoolFactory())
    assert not queries.manages_several_schools(user)


def test_two_schools_are_several_and_three_too():
    user = UserFactory()
    for _ in range(2):
        access(user, SchoolFactory())
    assert queries.manages_several_schools(user)
    access(user, SchoolFactory())
    assert queries.manages_several_schools(user)


def test_an_access_that_ended_does_not_count():
    user = UserFactory()
    access(user, SchoolFactory())
    ended = access(user, SchoolFactory())
    SchoolAccess.objects.filter(pk=ended.pk).update(ended_at=clock.now())
    assert not queries.manages_several_schools(user)


def test_someone_elses_schools_do_not_count():
    user, someone_else = UserFactory(), UserFactory()
    access(user, SchoolFactory())
    for _ in range(2):
        access(someone_else, SchoolFactory())
    assert not queries.manages_several_schools(user)
    assert queries.manages_several_schools(someone_else)


def test_the_school_home_links_back_to_the_list_for_someone_with_several(client):
    user = UserFactory(privacy_notice_accepted_at=clock.now())
    school = SchoolFactory()
    access(user, school)
    client.force_login(user)
    home = reverse("choose_school")
    assert (
        f'href="{home}"'
        not in client.get(reverse("school_home", kwargs={"urn": school.urn}), follow=True).content.decode()
    )
    access(user, SchoolFactory())
    assert (
        f'href="{home}"'
        in client.get(reverse("school_home", kwargs={"urn": school.urn}), follow=True).content.decode()
    )
