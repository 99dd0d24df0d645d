"""What finance's journeys share: the page a journey ends on when its write is refused, and where
a statement's page is."""

from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse

from core.wizard import CHECK_ANSWERS, Wizard


def statement_url(statement) -> str:
    return reverse("finance_statement", kwargs={"statement_id": statement.pk})


def statement_caption(statement) -> str:
    return f"{statement.active_lead_provider.lead_provider.name}: {statement.full_name}"


def refused_page(
    request,
    *,
    caption: str,
    heading: str,
    reason: str,
    return_url: str,
    return_to: str,
    wizard: Wizard | None = None,
) -> HttpResponse:
    """Nothing was saved: why, and the way back (to the answers, kept to check again, when there
    are any)."""
    if wizard is not None:
        wizard.keep_answers()
    return render(
        request,
        "finance/refused.html",
        {
            "caption": caption,
            "heading": heading,
            "reason": reason,
            "check_answers_url": wizard.url(CHECK_ANSWERS) if wizard is not None else None,
            "return_url": return_url,
            "return_to": return_to,
        },
        status=409,
    )
