"""What the appropriate bodies' journeys share: finding the body and teacher (404 for anyone else's),
and the page a journey ends on when its write is refused."""

from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse

from appropriate_bodies import queries
from core.wizard import CHECK_ANSWERS, Wizard


def body_and_teacher(request, body_id: int, teacher_id: int):
    """The body the person acts for and a teacher it may see; 404 otherwise."""
    body = queries.body_for(request.user, body_id)
    return body, queries.teacher_for(body, teacher_id)


def teacher_page_url(body, teacher) -> str:
    return reverse("appropriate_body_teacher", kwargs={"body_id": body.pk, "teacher_id": teacher.pk})


def refused_page(
    request, *, body, teacher, heading: str, reason: str, wizard: Wizard | None = None
) -> HttpResponse:
    """Nothing was saved: why, and the way back (to the answers, kept to check again, when there are
    any). `teacher` is None when we may not know them yet (a claim): the way back is then the body's home."""
    if wizard is not None:
        wizard.keep_answers()
    return render(
        request,
        "appropriate_bodies/refused.html",
        {
            "body": body,
            "teacher": teacher,
            "heading": heading,
            "reason": reason,
            "check_answers_url": wizard.url(CHECK_ANSWERS) if wizard is not None else None,
            "return_url": teacher_page_url(body, teacher)
            if teacher is not None
            else reverse("appropriate_body_home", kwargs={"body_id": body.pk}),
            "return_to": f"{teacher.full_name}’s record" if teacher is not None else "ECT induction records",
        },
        status=409,
    )
