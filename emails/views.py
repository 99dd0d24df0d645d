import re

from django.conf import settings
from django.http import Http404
from django.shortcuts import render
from django.utils.html import format_html_join, urlize
from django.utils.safestring import SafeString, mark_safe
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from emails.models import Email
from emails.templates import TEMPLATES

INBOX_SIZE = 50
BULLET = re.compile(r"^\* ")


@never_cache
@require_safe
def development_inbox(request):
    """Every email in the outbox, newest first, as its recipient would read it: those still queued
    (the worker has not sent them yet) as well as those sent, each marked, so the first email
    here is always the newest one, links and all.

    Only in development (EMAIL_DELIVERY "development"), where nothing leaves the machine: it is how
    a developer follows their own sign-in link. Anywhere else the page does not exist.
    """
    if settings.EMAIL_DELIVERY != "development":
        raise Http404
    # Whatever their status: an email is shown from the moment its transaction commits.
    emails = list(Email.objects.order_by("-created_at", "-pk")[:INBOX_SIZE])
    return render(
        request,
        "emails/development_inbox.html",
        {"emails": [_as_read(email) for email in emails], "inbox_size": INBOX_SIZE},
    )


def _as_read(email: Email) -> dict:
    template = TEMPLATES.get(email.template)
    if template is None:
        subject, body = f"(unknown template {email.template})", ""
    else:
        rendered = template.render(email.personalisation)
        subject, body = rendered.subject, notify_text_as_html(rendered.body)
    return {"email": email, "subject": subject, "body": body}


def notify_text_as_html(text: str) -> SafeString:
    """Roughly what Notify makes of a template's text: paragraphs, "* " bullet lists and clickable links."""
    blocks = []
    for paragraph in re.split(r"\n\s*\n", text.strip()):
        lines = paragraph.splitlines()
        if all(BULLET.match(line) for line in lines):
            items = format_html_join("", "<li>{}</li>", ((_linked(BULLET.sub("", line)),) for line in lines))
            blocks.append(f'<ul class="govuk-list govuk-list--bullet">{items}</ul>')
        else:
            text_html = "<br>".join(_linked(line) for line in lines)
            blocks.append(f'<p class="govuk-body govuk-!-text-break-word">{text_html}</p>')
    return mark_safe("".join(blocks))  # every piece of text was escaped by urlize


def _linked(line: str) -> SafeString:
    linked = urlize(line, autoescape=True)  # escapes the text around the links too
    return mark_safe(linked.replace('<a href="', '<a class="govuk-link" href="'))
