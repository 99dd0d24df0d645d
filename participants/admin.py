"""Teachers and their periods in admin.

A teacher's page shows their periods and their newest events as read-only inlines (with a link
to all their events); each period's own page shows its training and mentorship periods. With a quarter of a million teachers and
25,000 schools, every foreign key to a teacher, school, period or partnership is an autocomplete
field (small lookup tables stay selects, see providers/admin.py), and every list joins the rows
it shows (`select_related`, see core/admin.py).
"""

import json

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.forms.models import BaseInlineFormSet
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.decorators import method_decorator
from django.utils.html import format_html, format_html_join
from django.views.decorators.http import require_POST

from audit.admin import ChangesNeedAReason, ReasonedChangeForm
from audit.models import Event
from audit.services import Actor
from core.admin import ReadOnlyMixin, RelatedRowsAdmin, RelatedRowsMixin
from core.forms import GovukTextField
from participants import services
from participants.models import (
    ECTAtSchoolPeriod,
    InductionPeriod,
    MentorAtSchoolPeriod,
    MentorshipPeriod,
    Teacher,
    TrainingPeriod,
    TRSInductionUpdate,
)
from participants.queries import teacher_timeline
from providers.models import ContractPeriod


def teacher_search_fields(path: str) -> tuple[str, ...]:
    """Search a teacher reached through `path` by whole TRN or any part of a name."""
    return (
        f"{path}__trn__exact",
        f"{path}__trs_first_name",
        f"{path}__trs_last_name",
        f"{path}__corrected_name",
    )


def school_search_fields(path: str) -> tuple[str, ...]:
    """Search a school reached through `path` by whole URN or any part of its name."""
    return (f"{path}__urn__exact", f"{path}__name")


# What a school partnership's and an expression of interest's labels read, from a training period.
PARTNERSHIP_LABEL = (
    "school_partnership__school",
    "school_partnership__lead_provider_delivery_partnership__active_lead_provider__lead_provider",
    "school_partnership__lead_provider_delivery_partnership__delivery_partner",
    "expression_of_interest__lead_provider",
    "expression_of_interest__contract_period",
)


class OngoingFilter(admin.SimpleListFilter):
    title = "ongoing or finished"
    parameter_name = "finished"

    def lookups(self, request, model_admin):
        return (("no", "Ongoing (no finish date)"), ("yes", "Finished (has a finish date)"))

    def queryset(self, request, queryset):
        if self.value() in ("no", "yes"):
            return queryset.filter(finished_on__isnull=self.value() == "no")
        return None


class TrainingStatusFilter(admin.SimpleListFilter):
    title = "training status"
    parameter_name = "training_status"

    def lookups(self, request, model_admin):
        return (("active", "Active"), ("deferred", "Deferred"), ("withdrawn", "Withdrawn"))

    def queryset(self, request, queryset):
        match self.value():
            case "active":
                return queryset.filter(withdrawn_at__isnull=True, deferred_at__isnull=True)
            case "deferred":
                return queryset.filter(deferred_at__isnull=False)
            case "withdrawn":
                return queryset.filter(withdrawn_at__isnull=False)
        return None


class RoleFilter(admin.SimpleListFilter):
    title = "ECT or mentor"
    parameter_name = "role"

    def lookups(self, request, model_admin):
        return (("ect", "ECT"), ("mentor", "Mentor"))

    def queryset(self, request, queryset):
        if self.value() in ("ect", "mentor"):
            return queryset.filter(ect_at_school_period__isnull=self.value() == "mentor")
        return None


class TrainingContractPeriodFilter(admin.SimpleListFilter):
    """Provider-led training's contract period, through its partnership or its expression of interest."""

    title = "contract period"
    parameter_name = "contract_period"

    def lookups(self, request, model_admin):
        return [(str(period.year), str(period)) for period in ContractPeriod.objects.all()]

    def queryset(self, request, queryset):
        if not (self.value() or "").isdigit():
            return None
        year = int(self.value())
        return queryset.filter(
            Q(
                school_partnership__lead_provider_delivery_partnership__active_lead_provider__contract_period=year
            )
            | Q(expression_of_interest__contract_period=year)
        )


class ReadOnlyInline(RelatedRowsMixin, admin.TabularInline):
    """Shows related rows on a parent's page; they are changed on their own pages.

    `select_related` must include what each row's `__str__` reads (shown by its change link),
    the parent too: the inline formset does not attach the parent to its rows.
    """

    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ECTAtSchoolPeriodInline(ReadOnlyInline):
    model = ECTAtSchoolPeriod
    fields = (
        "school",
        "started_on",
        "finished_on",
        "email",
        "working_pattern",
        "school_reported_appropriate_body",
    )
    select_related = ("teacher", "school", "school_reported_appropriate_body")


class MentorAtSchoolPeriodInline(ReadOnlyInline):
    model = MentorAtSchoolPeriod
    fields = ("school", "started_on", "finished_on", "email")
    select_related = ("teacher", "school")


class InductionPeriodInline(ReadOnlyInline):
    model = InductionPeriod
    fields = (
        "appropriate_body",
        "started_on",
        "finished_on",
        "induction_programme",
        "number_of_terms",
        "outcome",
    )
    select_related = ("teacher", "appropriate_body")


# A teacher's page shows this many of their newest events; the rest are in the event list.
TIMELINE_LENGTH = 50


class NewestEventsFormSet(BaseInlineFormSet):
    def get_queryset(self):
        if not hasattr(self, "_queryset"):
            self._queryset = super().get_queryset().order_by("-happened_at", "-id")[:TIMELINE_LENGTH]
        return self._queryset


class EventInline(ReadOnlyInline):
    """The teacher's timeline: their newest TIMELINE_LENGTH events, newest first."""

    model = Event
    formset = NewestEventsFormSet
    fk_name = "teacher"
    fields = ("happened_at", "heading", "actor_name", "reason")
    verbose_name_plural = f"timeline (the {TIMELINE_LENGTH} newest events)"


class TrainingPeriodInline(ReadOnlyInline):
    model = TrainingPeriod
    fields = (
        "started_on",
        "finished_on",
        "training_programme",
        "school_partnership",
        "expression_of_interest",
        "withdrawn_at",
        "deferred_at",
    )
    select_related = PARTNERSHIP_LABEL


class MenteeInline(ReadOnlyInline):
    model = MentorshipPeriod
    fk_name = "mentor"
    fields = ("mentee", "started_on", "finished_on")
    select_related = ("mentor__teacher", "mentee__teacher", "mentee__school")
    verbose_name_plural = "ECTs mentored"


class MentorInline(ReadOnlyInline):
    model = MentorshipPeriod
    fk_name = "mentee"
    fields = ("mentor", "started_on", "finished_on")
    select_related = ("mentee__teacher", "mentor__teacher", "mentor__school")
    verbose_name_plural = "mentors"


class TeacherChangeForm(ReasonedChangeForm):
    # The schools' name rule and words (decision 0019), not Django's ("Ensure this value has…").
    corrected_name = GovukTextField(
        name="Corrected name",
        label="Corrected name",
        max_length=Teacher._meta.get_field("corrected_name").max_length,
        required=False,
        help_text=Teacher._meta.get_field("corrected_name").help_text,
    )

    def clean_corrected_name(self):
        """The name the school knows them by, only when it is not the name TRS has (as
        `services.change_name` keeps it)."""
        name = " ".join(self.cleaned_data["corrected_name"].split())
        teacher = self.instance
        return "" if name == f"{teacher.trs_first_name} {teacher.trs_last_name}" else name


# What we hold from the Teaching Record System: changed only by asking TRS again.
TRS_FIELDS = (
    "trs_first_name",
    "trs_last_name",
    "trs_qts_awarded_on",
    "trs_induction_status",
    "trs_induction_started_on",
)


@admin.register(Teacher)
class TeacherAdmin(ChangesNeedAReason, admin.ModelAdmin):
    """A teacher. Their names, QTS date and induction status are TRS's, read-only here, and
    "Refresh from TRS" asks TRS for them again; support correct a name through "corrected name",
    the name the school knows them by, with a reason like any other change."""

    form = TeacherChangeForm
    list_display = ("trn", "trs_last_name", "trs_first_name", "corrected_name", "trs_induction_status")
    list_filter = ("trs_induction_status",)
    search_fields = (
        "trn__exact",
        "trs_first_name",
        "trs_last_name",
        "corrected_name",
        "ect_at_school_periods__email",
        "mentor_at_school_periods__email",
    )
    readonly_fields = (
        # A TRN identifies the person: a wrong one is a different teacher, not an edit.
        "trn",
        *TRS_FIELDS,
        "trs_data_refreshed_at",
        "api_id",
        "created_at",
        "updated_at",
        "all_events",
        "timeline",
    )
    fieldsets = (
        (None, {"fields": ("trn", "corrected_name", "change_reason")}),
        (
            "From the Teaching Record System (TRS)",
            {
                "description": "These change only when TRS does: use “Refresh from TRS” at the top of "
                "the page to ask TRS again. To correct the name the school knows them by, change "
                "“Corrected name” above.",
                "fields": (*TRS_FIELDS, "trs_data_refreshed_at"),
            },
        ),
        ("Timeline", {"fields": ("all_events", "timeline")}),
        ("Record", {"fields": ("api_id", "created_at", "updated_at")}),
    )
    inlines = (ECTAtSchoolPeriodInline, MentorAtSchoolPeriodInline, InductionPeriodInline, EventInline)
    show_full_result_count = False  # a second COUNT over 250,000 rows on every search

    def has_add_permission(self, request):
        # A teacher is added by a school registering them, which checks their record in TRS
        # (and that they may be registered): here there would be no TRS record to hold.
        return False

    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        return [
            path(
                "<path:object_id>/refresh-from-trs/",
                self.admin_site.admin_view(self.refresh_from_trs_view),
                name="{}_{}_refresh_from_trs".format(*info),
            ),
            *super().get_urls(),
        ]

    def object_tools_context(self, request, obj) -> dict:
        context = super().object_tools_context(request, obj)
        if self.has_change_permission(request, obj):
            # templates/admin/participants/teacher/change_form_object_tools.html
            context["refresh_from_trs_url"] = reverse(
                f"admin:{self.opts.app_label}_{self.opts.model_name}_refresh_from_trs", args=[obj.pk]
            )
        return context

    @method_decorator(require_POST)
    def refresh_from_trs_view(self, request, object_id):
        """Ask TRS again for the teacher's names, QTS date and induction status, then back to their page."""
        teacher = self.get_object(request, unquote(object_id))
        if teacher is None:
            raise Http404("No such teacher")
        if not self.has_change_permission(request, teacher):
            raise PermissionDenied
        try:
            changes = services.refresh_from_trs(teacher=teacher, refreshed_by=request.user)
        except services.CannotRefreshFromTRS as refusal:
            self.message_user(request, str(refusal), messages.ERROR)
        else:
            labels = ", ".join(str(Teacher._meta.get_field(name).verbose_name) for name in changes)
            self.message_user(
                request,
                f"Refreshed from TRS: {labels} changed."
                if changes
                else "Refreshed from TRS: nothing had changed.",
                messages.SUCCESS,
            )
        return redirect(
            reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_change", args=[teacher.pk])
        )

    def timeline_of(self, obj):
        return obj, None

    @admin.display(description="timeline")
    def timeline(self, obj):
        """Every period and the newest events, in date order, newest first."""
        if obj is None or obj.pk is None:
            return "-"
        rows = format_html_join(
            "",
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            (
                (entry.on.isoformat(), entry.what, entry.by, entry.why)
                for entry in teacher_timeline(obj, newest_events=TIMELINE_LENGTH)
            ),
        )
        return format_html(
            # The id is where the page's "Timeline" link (Django's "History") goes.
            '<table id="timeline"><thead><tr><th>Date</th><th>What</th><th>By</th><th>Why</th></tr></thead>'
            "<tbody>{}</tbody></table>",
            rows,
        )

    @admin.display(description="events")
    def all_events(self, obj):
        """The timeline below stops at TIMELINE_LENGTH events; this links to all of them."""
        if obj is None or obj.pk is None:
            return "-"
        url = reverse(f"admin:{Event._meta.app_label}_{Event._meta.model_name}_changelist")
        return format_html(
            '<a href="{}?teacher__id__exact={}">All events for this teacher</a> '
            "(the timeline below shows the {} newest)",
            url,
            obj.pk,
            TIMELINE_LENGTH,
        )


class AtSchoolPeriodAdmin(ChangesNeedAReason, RelatedRowsAdmin):
    """An ECT's or a mentor's period at a school: chosen on the add form, fixed after that."""

    def timeline_of(self, obj):
        return obj.teacher, obj.school

    def get_readonly_fields(self, request, obj=None):
        # A period never moves to another teacher or school (the database refuses it too):
        # a teacher who moves school gets a new period.
        readonly = super().get_readonly_fields(request, obj)
        return (*readonly, "teacher", "school") if obj is not None else readonly


@admin.register(ECTAtSchoolPeriod)
class ECTAtSchoolPeriodAdmin(AtSchoolPeriodAdmin):
    list_display = ("teacher", "school", "started_on", "finished_on", "email", "working_pattern")
    list_filter = (OngoingFilter, "working_pattern")
    select_related = ("teacher", "school")
    search_fields = (*teacher_search_fields("teacher"), "email", *school_search_fields("school"))
    autocomplete_fields = ("teacher", "school")
    readonly_fields = ("created_at", "updated_at")
    inlines = (TrainingPeriodInline, MentorInline)


@admin.register(MentorAtSchoolPeriod)
class MentorAtSchoolPeriodAdmin(AtSchoolPeriodAdmin):
    list_display = ("teacher", "school", "started_on", "finished_on", "email")
    list_filter = (OngoingFilter,)
    select_related = ("teacher", "school")
    search_fields = (*teacher_search_fields("teacher"), "email", *school_search_fields("school"))
    autocomplete_fields = ("teacher", "school")
    readonly_fields = ("created_at", "updated_at")
    inlines = (TrainingPeriodInline, MenteeInline)


@admin.register(MentorshipPeriod)
class MentorshipPeriodAdmin(ChangesNeedAReason, RelatedRowsAdmin):
    list_display = ("mentee_teacher", "mentor_teacher", "school", "started_on", "finished_on")
    list_filter = (OngoingFilter,)
    select_related = ("mentee__teacher", "mentee__school", "mentor__teacher")
    search_fields = (
        *teacher_search_fields("mentee__teacher"),
        *teacher_search_fields("mentor__teacher"),
        "mentee__email",
        "mentor__email",
        *school_search_fields("mentee__school"),
    )
    autocomplete_fields = ("mentee", "mentor")
    readonly_fields = ("created_at",)

    def timeline_of(self, obj):
        return obj.mentee.teacher, obj.mentee.school

    @admin.display(description="ECT", ordering="mentee__teacher__trs_last_name")
    def mentee_teacher(self, obj):
        return obj.mentee.teacher

    @admin.display(description="mentor", ordering="mentor__teacher__trs_last_name")
    def mentor_teacher(self, obj):
        return obj.mentor.teacher

    @admin.display(ordering="mentee__school__name")
    def school(self, obj):
        return obj.mentee.school


@admin.register(TrainingPeriod)
class TrainingPeriodAdmin(ChangesNeedAReason, RelatedRowsAdmin):
    list_display = (
        "teacher",
        "role",
        "school",
        "training_programme",
        "lead_provider",
        "started_on",
        "finished_on",
    )
    list_filter = (
        OngoingFilter,
        "training_programme",
        TrainingStatusFilter,
        TrainingContractPeriodFilter,
        RoleFilter,
    )
    select_related = (
        "ect_at_school_period__teacher",
        "ect_at_school_period__school",
        "mentor_at_school_period__teacher",
        "mentor_at_school_period__school",
        *PARTNERSHIP_LABEL,
    )
    search_fields = (
        *teacher_search_fields("ect_at_school_period__teacher"),
        *teacher_search_fields("mentor_at_school_period__teacher"),
        "ect_at_school_period__email",
        "mentor_at_school_period__email",
        *school_search_fields("ect_at_school_period__school"),
        *school_search_fields("mentor_at_school_period__school"),
    )
    autocomplete_fields = (
        "ect_at_school_period",
        "mentor_at_school_period",
        "school_partnership",
        "expression_of_interest",
    )
    readonly_fields = ("created_at", "updated_at")

    @staticmethod
    def _at_school(obj):
        return obj.ect_at_school_period or obj.mentor_at_school_period

    def timeline_of(self, obj):
        return self._at_school(obj).teacher, self._at_school(obj).school

    def teacher(self, obj):
        return self._at_school(obj).teacher

    @admin.display(description="ECT or mentor")
    def role(self, obj):
        return "ECT" if obj.ect_at_school_period_id else "Mentor"

    def school(self, obj):
        return self._at_school(obj).school

    def lead_provider(self, obj):
        if obj.school_partnership:
            return (
                obj.school_partnership.lead_provider_delivery_partnership.active_lead_provider.lead_provider
            )
        if obj.expression_of_interest:
            return f"{obj.expression_of_interest.lead_provider} (not yet confirmed)"
        return None


class InductionPeriodForm(ReasonedChangeForm):
    """An induction period as support add or correct it, with the database's rules in words
    before it would refuse them (the overlap and finish-date rules carry their own messages)."""

    def clean(self):
        cleaned = super().clean()
        finished_on, terms, outcome = (
            cleaned.get(name) for name in ("finished_on", "number_of_terms", "outcome")
        )
        if terms is not None and not 0 <= terms <= 16:
            self.add_error("number_of_terms", "The number of terms must be between 0 and 16.")
        elif (
            "finished_on" in cleaned
            and "number_of_terms" in cleaned
            and (finished_on is None) != (terms is None)
        ):
            self.add_error(
                "number_of_terms",
                "Enter the number of terms for a finished period"
                if terms is None
                else "An open period has no number of terms yet: enter a finish date, or leave terms blank",
            )
        if outcome and "finished_on" in cleaned and finished_on is None:
            self.add_error(
                "outcome", "Only a finished induction period can have an outcome: enter a finish date"
            )
        return cleaned

    def _post_clean(self):
        super()._post_clean()
        # The teacher is read-only on a change, so Django's validation leaves out the rules naming
        # them (their induction periods do not overlap): check every rule once the rest is right.
        if self.instance.teacher_id and not self.errors:
            try:
                self.instance.validate_constraints()
            except ValidationError as error:
                self._update_errors(error)


class DeleteWithReasonForm(forms.Form):
    reason = forms.CharField(
        label="Why are you deleting this induction period?",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Kept with what the period said, and your name, on the teacher's timeline.",
        error_messages={"required": "Enter why you are deleting this induction period"},
    )


@admin.register(InductionPeriod)
class InductionPeriodAdmin(ChangesNeedAReason, RelatedRowsAdmin):
    """An induction period. Support correct a mistaken one here, or delete it ("Delete with a
    reason", above the form), always with a reason; a correction is one call to
    `services.correct_induction_period` (or `delete_induction_period`), which records the event
    and tells TRS when what it should hold changes (decision 0027)."""

    form = InductionPeriodForm
    list_display = ("teacher", "appropriate_body", "started_on", "finished_on", "number_of_terms", "outcome")
    list_filter = (OngoingFilter, "outcome", "induction_programme", "appropriate_body__body_type")
    select_related = ("teacher", "appropriate_body")
    search_fields = (*teacher_search_fields("teacher"), "appropriate_body__name")
    autocomplete_fields = ("teacher",)
    readonly_fields = ("created_at", "updated_at")

    def timeline_of(self, obj):
        return obj.teacher, None

    def get_readonly_fields(self, request, obj=None):
        # A period for the wrong teacher is deleted, and the right teacher's added.
        readonly = super().get_readonly_fields(request, obj)
        return (*readonly, "teacher") if obj is not None else readonly

    def save_model(self, request, obj, form, change):
        if not change:
            return super().save_model(request, obj, form, change)
        services.correct_induction_period(
            period=obj,
            values={name: form.cleaned_data[name] for name in form.changed_data if name != "change_reason"},
            reason=form.cleaned_data["change_reason"],
            corrected_by=request.user,
        )
        obj.refresh_from_db()
        return None

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except services.CorrectionRefused as refusal:
            # The form checks every rule first; this is another change getting there between the
            # check and the save. Nothing was saved (the admin's transaction rolled back).
            self.message_user(request, f"Nothing was saved: {refusal}", messages.ERROR)
            return redirect(request.get_full_path())

    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        return [
            path(
                "<path:object_id>/delete-with-reason/",
                self.admin_site.admin_view(self.delete_with_reason_view),
                name="{}_{}_delete_with_reason".format(*info),
            ),
            *super().get_urls(),
        ]

    def object_tools_context(self, request, obj) -> dict:
        context = super().object_tools_context(request, obj)
        if self.has_change_permission(request, obj):
            # templates/admin/participants/inductionperiod/change_form_object_tools.html
            context["delete_with_reason_url"] = reverse(
                f"admin:{self.opts.app_label}_{self.opts.model_name}_delete_with_reason", args=[obj.pk]
            )
        return context

    def delete_with_reason_view(self, request, object_id):
        """Delete a period recorded by mistake, with a reason: a page saying what will go, then the
        teacher's page. Support delete with the change permission: it is a correction, kept on the
        timeline, not Django's delete (which stays off)."""
        period = self.get_object(request, unquote(object_id))
        if period is None:
            raise Http404("No such induction period")
        if not self.has_change_permission(request, period):
            raise PermissionDenied
        form = DeleteWithReasonForm(request.POST if request.method == "POST" else None)
        if request.method == "POST" and form.is_valid():
            try:
                services.delete_induction_period(
                    period=period, reason=form.cleaned_data["reason"], deleted_by=request.user
                )
            except services.CorrectionRefused as refusal:
                self.message_user(request, str(refusal), messages.ERROR)
            else:
                self.message_user(request, f"Deleted: {period}.", messages.SUCCESS)
            return redirect(self.history_url(period))
        return TemplateResponse(
            request,
            "admin/participants/inductionperiod/delete_with_reason.html",
            {
                **self.admin_site.each_context(request),
                "opts": self.opts,
                "period": period,
                "form": form,
                "title": "Delete an induction period recorded by mistake",
            },
        )


class ProblemFilter(admin.SimpleListFilter):
    """Refused and failed updates: TRS has not got what it should have, and someone must act."""

    title = "problem"
    parameter_name = "problem"

    def lookups(self, request, model_admin):
        return (("yes", "Problems to resolve (refused or failed)"),)

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(status__in=TRSInductionUpdate.PROBLEMS)
        return queryset


@admin.register(TRSInductionUpdate)
class TRSInductionUpdateAdmin(ReadOnlyMixin, RelatedRowsAdmin):
    """The outbox of induction writes to TRS, read-only: what was sent, TRS's answer, and the
    problems (refused or failed) for support to resolve and send again."""

    select_related = ("teacher",)
    list_display = (
        "teacher",
        "trn",
        "induction_status",
        "status",
        "attempts",
        "created_at",
        "sent_at",
        "problem",
    )
    list_filter = (ProblemFilter, "status")
    search_fields = ("trn", "teacher__trs_last_name")
    date_hierarchy = "created_at"
    actions = ("send_again",)
    fields = (
        "id",
        "teacher",
        "trn",
        "sent",
        "status",
        "attempts",
        "last_error",
        "answer",
        "created_at",
        "next_attempt_at",
        "sent_at",
    )

    def has_send_again_permission(self, request):
        return request.user.has_perm("participants.send_trsinductionupdate_again")

    @admin.display(description="Induction status sent")
    def induction_status(self, update):
        return update.request.get("status", "")

    @admin.display(description="Problem")
    def problem(self, update):
        if update.status == TRSInductionUpdate.Status.REFUSED:
            return "TRS refused it: resolve, then send again"
        if update.status == TRSInductionUpdate.Status.FAILED:
            return "TRS was unavailable too long: send again"
        return ""

    @admin.display(description="What was sent")
    def sent(self, update):
        return format_html(
            "<code>PUT /v3/persons/{}/cpd-induction</code><pre>{}</pre>", update.trn, _pretty(update.request)
        )

    @admin.display(description="TRS's answer")
    def answer(self, update):
        if update.response is None:
            return "(no answer yet)"
        return format_html("<pre>{}</pre>", _pretty(update.response))

    @admin.action(description="Send again (refused or failed updates only)", permissions=["send_again"])
    def send_again(self, request, queryset):
        chosen = list(queryset.values_list("pk", flat=True))
        queued = services.send_trs_induction_updates_again(
            update_ids=chosen, actor=Actor.dfe_staff(request.user)
        )
        skipped = len(chosen) - queued
        if queued:
            self.message_user(request, f"{queued} update(s) queued to send to TRS again.", messages.SUCCESS)
        if skipped:
            self.message_user(
                request,
                f"{skipped} update(s) left alone: only a refused or failed update can be sent again.",
                messages.WARNING,
            )


def _pretty(value) -> str:
    return json.dumps(value, indent=2, sort_keys=True, ensure_ascii=False)
