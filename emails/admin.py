from django.contrib import admin, messages
from django.utils.html import format_html_join

from audit.services import Actor
from core.admin import ReadOnlyMixin
from emails.models import Email
from emails.services import send_failed_emails_again
from emails.templates import TEMPLATES

HIDDEN = "(hidden: it works as a sign-in link)"


@admin.register(Email)
class EmailAdmin(ReadOnlyMixin, admin.ModelAdmin):
    """The outbox, read-only: support sees what was sent to whom and can send a failed email again.

    Links that work as credentials (sign-in and nomination links) are never shown here.
    """

    list_display = ("recipient", "template", "status", "attempts", "created_at", "sent_at")
    list_filter = ("status", "template")
    search_fields = ("recipient",)
    date_hierarchy = "created_at"
    actions = ("send_again_now",)
    fields = (
        "id",
        "recipient",
        "template",
        "message",
        "status",
        "attempts",
        "last_error",
        "created_at",
        "next_attempt_at",
        "sent_at",
        "provider_reference",
    )

    def has_resend_permission(self, request):
        return request.user.has_perm("emails.resend_email")

    @admin.display(description="Message")
    def message(self, email):
        template = TEMPLATES.get(email.template)
        if template is None:
            return "(unknown template)"
        shown = {
            key: HIDDEN if key in template.secret else value for key, value in email.personalisation.items()
        }
        rendered = template.render(shown)
        lines = [rendered.subject, "", *rendered.body.splitlines()]
        return format_html_join("", "{}<br>", ((line,) for line in lines))

    @admin.action(description="Send again now (failed emails only)", permissions=["resend"])
    def send_again_now(self, request, queryset):
        chosen = list(queryset.values_list("pk", flat=True))
        queued = send_failed_emails_again(email_ids=chosen, actor=Actor.dfe_staff(request.user))
        skipped = len(chosen) - queued
        if queued:
            self.message_user(request, f"{queued} failed email(s) queued to send again.", messages.SUCCESS)
        if skipped:
            self.message_user(
                request,
                f"{skipped} email(s) left alone: only a failed email can be sent again.",
                messages.WARNING,
            )
