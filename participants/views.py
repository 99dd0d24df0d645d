"""The plain pages of participants: who to add, what happens now an ECT or mentor is registered,
and each ECT's and mentor's page (the school's, and support staff's read-only look). The journeys
started from them are in `journeys/`."""

from django.contrib.admin.views.decorators import staff_member_required
from django.contrib.auth.decorators import login_required, permission_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.views.decorators.http import require_safe

from core import clock
from core.wizard import START_AFRESH
from participants import queries
from participants.forms import WhoToAddForm
from participants.journeys.register_ect import REGISTERED_ECT
from participants.journeys.register_mentor import REGISTERED_MENTOR
from participants.models import ECTAtSchoolPeriod
from schools import page_cache
from schools import queries as school_queries
from schools import services as school_services
from schools.models import School


@login_required
@require_safe
def ect_registered(request, urn: int):
    school = school_queries.school_for(request.user, urn)
    period = get_object_or_404(
        ECTAtSchoolPeriod.objects.select_related("teacher"),
        pk=request.session.get(REGISTERED_ECT),
        school=school,
    )
    return render(
        request,
        "participants/register/registered.html",
        {"school": school, "period": period},
    )


@login_required
@require_safe
def mentor_registered(request, urn: int):
    """What happens now a mentor is registered: their email, their training, their mentees."""
    school = school_queries.school_for(request.user, urn)
    registered = request.session.get(REGISTERED_MENTOR) or {}
    today = clock.today()
    period = queries.mentor_at_school(school, registered.get("period") or 0, today=today)
    if period is None:
        raise Http404("No mentor registered just now")
    return render(
        request,
        "participants/register/mentor_registered.html",
        {
            "school": school,
            "period": period,
            "yourself": registered.get("yourself", False),
            "training": queries.current_training(period, on=period.started_on),
            "why_no_training": registered.get("why_no_training", ""),
            "ects_needing_a_mentor": queries.ects_needing_a_mentor(school, today=today)[:MENTEES_OFFERED]
            if not period.mentees
            else [],
        },
    )


# On the mentor's confirmation, the ECTs offered to pair them with: a short list, not the whole school.
MENTEES_OFFERED = 10


# Each kind of person's page: the template adding what only they have.
PERSON_TEMPLATES = {"ect": "participants/ect.html", "mentor": "participants/mentor.html"}


def training_now_and_next(trainings, *, today) -> dict:
    """From a period's trainings (newest first): `training`, the one going on today (else the
    first to come, or the last there was), and `next_training`, a change due after today."""
    going_on = [
        t for t in trainings if t.started_on <= today and (t.finished_on is None or t.finished_on >= today)
    ]
    to_come = sorted((t for t in trainings if t.started_on > today), key=lambda t: t.started_on)
    if going_on:
        return {"training": going_on[0], "next_training": to_come[0] if to_come else None}
    return {
        "training": to_come[0] if to_come else (trainings[0] if trainings else None),
        "next_training": None,
    }


@login_required
@require_safe
def person_page(request, urn: int, period_id: int, role: str):
    """One ECT or mentor at the school: who they are, their status, mentor or mentees, and training."""
    school = school_queries.school_for(request.user, urn)
    return person_page_response(request, school, period_id, role)


@staff_member_required
@permission_required(("schools.view_school", "participants.view_teacher"), raise_exception=True)
@require_safe
def support_person_page(request, urn: int, period_id: int, role: str):
    """Support staff see an ECT's or mentor's page as the school does, from the school's dashboard
    in admin's "View as the school": read-only, and each look is recorded on the teacher's and
    the school's timelines. The school's own check (`school_for`) is not made: the permissions are
    the check."""
    school = get_object_or_404(School, urn=urn)
    period = queries.person_at(school, period_id, role, today=clock.today())
    school_services.record_support_view(school=school, viewed_by=request.user, person=period)
    return person_page_response(request, school, period_id, role, read_only=True)


def person_page_response(request, school: School, period_id: int, role: str, *, read_only: bool = False):
    """A person's page: its parts kept in the cache until the school's data changes
    (schools.page_cache). Someone not at this school is a 404, as no page of theirs is ever kept
    under it."""
    parts = page_cache.page_parts(
        school,
        "person",
        varies_by=(role, period_id, "read-only" if read_only else "manage"),
        render=lambda school: render_person_page(request, school, period_id, role, read_only=read_only),
    )
    return render(request, "participants/person.html", parts)


def render_person_page(request, school, period_id: int, role: str, *, read_only: bool) -> dict[str, str]:
    """A person's page's title, what comes before its main content, and its main content, as HTML:
    for the school's own users, or (`read_only`) for support staff, who see the same page with no
    way to change anything."""
    today = clock.today()
    period = queries.person_at(school, period_id, role, today=today)
    # An ECT whose appropriate body recorded a pass or fail finished here that day: nothing is left
    # to change, and the day their time ended is when their induction did, not a leaving date.
    induction_ended = role == "ect" and queries.induction_finished(period.teacher_id)
    still_here = (period.finished_on is None or period.finished_on >= today) and not induction_ended
    context = {
        "school": school,
        "period": period,
        **training_now_and_next(period.trainings, today=today),
        "still_here": still_here,
        "induction_ended": induction_ended,
        # Change links, "Assign a mentor" and "is leaving": for the school, while they are there.
        "can_change": still_here and not read_only,
        "read_only": read_only,
        "dashboard_url": reverse(
            "support_school_home" if read_only else "school_home", kwargs={"urn": school.urn}
        ),
        "change_url_name": f"{role}_change",
        "leaving_url": reverse(
            f"{role}_leaving", kwargs={"urn": school.urn, "period_id": period.pk, "step": "leaving-date"}
        ),
    }
    return {
        "title": render_to_string("participants/person_title.html", context, request),
        "before_content": render_to_string("participants/person_before.html", context, request),
        "main": render_to_string(PERSON_TEMPLATES[role], context, request),
    }


@login_required
def who_to_add(request, urn: int):
    """Ask who the tutor wants to add, then start that registration."""
    school = school_queries.school_for(request.user, urn)
    form = WhoToAddForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        url_name, first_step = WHO_TO_ADD_JOURNEYS[form.cleaned_data["who"]]
        return redirect(url_name, urn=school.urn, step=first_step)
    return render(
        request,
        "participants/who_to_add.html",
        {"school": school, "form": form, "back_url": reverse("school_home", kwargs={"urn": school.urn})},
    )


# Where each answer to "Who do you want to add?" starts: the first step of its journey.
WHO_TO_ADD_JOURNEYS = {
    "ect": ("register_ect", START_AFRESH),
    "mentor": ("register_mentor", START_AFRESH),
    "yourself": ("register_yourself_as_mentor", START_AFRESH),
}
