"""The page a journey ends on when its one write is refused: the reason, in the school user's words,
and the way back to the answers (kept, to check again)."""

from django.http import HttpResponse
from django.shortcuts import render

from core.wizard import CHECK_ANSWERS, Wizard


def refused_page(wizard: Wizard, refusal, *, heading: str = "We could not register them") -> HttpResponse:
    """The journey's one write was refused: say why, with the answers kept to check again."""
    wizard.keep_answers()
    return render(
        wizard.request,
        "participants/register/refused.html",
        {
            "school": wizard.school,
            "heading": heading,
            "reason": str(refusal),
            "check_answers_url": wizard.url(CHECK_ANSWERS),
        },
        status=409,
    )
