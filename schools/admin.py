from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Value
from django.db.models.functions import Replace, Upper
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html

from audit.services import Actor
from core.admin import HistoryElsewhereMixin, ReadOnlyMixin, RelatedRowsAdmin
from providers.models import LAST_YEAR_WITH_UPLIFTS
from schools import funding_flags, services
from schools.models import (
    FundingFlagsUpload,
    NominationLink,
    School,
    SchoolAccess,
    SchoolContractPeriodChoice,
    SchoolFundingFlags,
)


class FundingFlagsInline(admin.TabularInline):
    """Each year's pupil premium and sparsity flags, as imported: read here, not edited."""

    model = SchoolFundingFlags
    fields = ("contract_period", "pupil_premium", "sparsity")
    readonly_fields = fields
    extra = 0
    can_delete = False
    verbose_name_plural = "Pupil premium and sparsity, by contract period"

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(School)
class SchoolAdmin(HistoryElsewhereMixin, admin.ModelAdmin):
    inlines = (FundingFlagsInline,)
    list_display = (
        "name",
        "urn",
        "postcode",
        "local_authority",
        "establishment_type",
        "open_now",
        "eligible_for_funding",
    )
    list_filter = (
        # is_open is generated from the status: name the filter, which Django picks by field class.
        ("is_open", admin.BooleanFieldListFilter),
        "eligible_for_funding",
        "section_41_approved",
        "region",
        "phase",
        "establishment_type",
    )
    history_label = "Events"

    def history_url(self, school) -> str:
        """The school's events in the audit log: its set-up, access, registrations and support's looks."""
        return f"{reverse('admin:audit_event_changelist')}?school__id__exact={school.pk}"

    # `urn__exact` matches the whole URN (compared as text, so a name typed in the box is no error).
    search_fields = ("urn__exact", "name", "postcode")
    # is_open follows the GIAS status (the database computes it). Funding eligibility is decided
    # by the GIAS import and only changed with an event (docs/decisions/0006), not edited here.
    readonly_fields = (
        "view_as_school",
        "open_now",
        "eligible_for_funding",
        "eligibility_decided_on",
        "created_at",
        "updated_at",
    )

    @admin.display(description="dashboard")
    def view_as_school(self, obj):
        """The school's dashboard as the school sees it, read-only (each look is an event)."""
        if obj is None or obj.pk is None:
            return "-"
        return format_html(
            '<a href="{}">View as the school (read-only)</a>',
            reverse("support_school_home", kwargs={"urn": obj.urn}),
        )

    @admin.display(description="open", boolean=True, ordering="is_open")
    def open_now(self, obj):
        return obj.is_open

    def get_search_results(self, request, queryset, search_term):
        """Also find a postcode however it was spaced or cased ("ha33wx" finds "HA3 3WX")."""
        results, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        compact = search_term.replace(" ", "").upper()
        if compact:
            by_postcode = queryset.alias(
                compact_postcode=Replace(Upper("postcode"), Value(" "), Value(""))
            ).filter(compact_postcode__startswith=compact)
            results = results | queryset.filter(pk__in=by_postcode.values("pk"))
        return results, may_have_duplicates

    fieldsets = (
        (None, {"fields": ("urn", "name", "contact_email", "view_as_school")}),
        (
            "From GIAS",
            {
                "fields": (
                    ("establishment_type", "phase"),
                    ("status", "open_now"),
                    ("local_authority", "region"),
                    ("address_line", "town", "postcode"),
                    "section_41_approved",
                    ("opened_on", "closed_on"),
                )
            },
        ),
        ("Funding", {"fields": ("eligible_for_funding", "eligibility_decided_on")}),
        (
            "Last choices",
            {
                "fields": (
                    "last_chosen_training_programme",
                    "last_chosen_lead_provider",
                    "last_chosen_appropriate_body",
                )
            },
        ),
        ("Record", {"fields": ("created_at", "updated_at")}),
    )


@admin.register(SchoolAccess)
class SchoolAccessAdmin(RelatedRowsAdmin):
    """Who may manage which school. Support can end someone's access by setting "ended at"."""

    select_related = ("user", "school")
    list_display = ("user", "school", "role", "started_at", "ended_at")
    list_filter = ("role", ("ended_at", admin.EmptyFieldListFilter))
    search_fields = ("user__email", "user__full_name", "school__urn__exact", "school__name")
    fields = ("user", "school", "role", "started_at", "ended_at")
    readonly_fields = ("user", "school", "role", "started_at")

    def has_add_permission(self, request):
        # Access is given by nomination or by a tutor adding a colleague, both of which email the
        # person and record an event; here support may only end it (the admin work of issue 6 will
        # make that an event with a reason too).
        return False


@admin.register(SchoolContractPeriodChoice)
class SchoolContractPeriodChoiceAdmin(RelatedRowsAdmin):
    """How each school runs training each year, as it told us (set-up journey or nomination)."""

    select_related = ("school", "contract_period", "lead_provider__lead_provider", "appropriate_body")
    list_display = (
        "school",
        "contract_period",
        "expects_ects",
        "programme",
        "lead_provider",
        "appropriate_body",
        "updated_at",
    )
    list_filter = ("contract_period", "expects_ects", "programme")
    search_fields = ("school__urn__exact", "school__name")
    autocomplete_fields = ("school", "lead_provider", "appropriate_body")


@admin.register(NominationLink)
class NominationLinkAdmin(RelatedRowsAdmin):
    """Nomination links sent to schools, to answer "did the school get our email?". Read-only."""

    select_related = ("school",)
    list_display = ("school", "created_at", "expires_at", "used_at")
    search_fields = ("school__urn__exact", "school__name")
    fields = ("school", "created_at", "expires_at", "used_at")
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


# --- Pupil premium and sparsity flags ------------------------------------------------------------

PROBLEMS_SHOWN = 1000  # a file wrong in every row lists the first of its problems, then says how many more
CHANGES_SHOWN = 1000


class FundingFlagsFileForm(forms.Form):
    csv_file = forms.FileField(
        label="CSV file",
        help_text=f"UTF-8, at most {funding_flags.SIZE_WORDS}.",
        widget=forms.FileInput(attrs={"accept": ".csv,text/csv"}),
        error_messages={
            "required": "Select a CSV file",
            "empty": "The selected file is empty",
            "invalid": "The selected file must be a CSV",
            "missing": "Select a CSV file",
        },
    )

    def clean_csv_file(self):
        """Reads the file and checks every row: `content`, and `checked` (None when the file as a
        whole cannot be used, which is this field's error)."""
        uploaded = self.cleaned_data["csv_file"]
        if not uploaded.name.lower().endswith(".csv"):
            raise forms.ValidationError("The selected file must be a CSV")
        self.cleaned_data["content"] = content = uploaded.read(funding_flags.MAX_BYTES + 1)
        try:
            self.cleaned_data["checked"] = funding_flags.check_file(content)
        except funding_flags.UnreadableFile as unreadable:
            raise forms.ValidationError(str(unreadable)) from None
        return uploaded


@admin.register(SchoolFundingFlags)
class SchoolFundingFlagsAdmin(ReadOnlyMixin, RelatedRowsAdmin):
    """Each school's pupil premium and sparsity flags by contract period, read-only: finance staff
    (the `import_schoolfundingflags` permission) change them by importing a CSV file, from the link
    above the list: upload, a page of the file's problems or of what it would change, then import."""

    select_related = ("school", "contract_period")
    list_display = ("school_name", "urn", "contract_period", "pupil_premium", "sparsity")
    list_filter = ("contract_period", "pupil_premium", "sparsity")
    search_fields = ("school__urn__exact", "school__name")
    show_full_result_count = False

    @admin.display(description="school", ordering="school__name")
    def school_name(self, obj):
        return obj.school.name

    @admin.display(description="URN", ordering="school__urn")
    def urn(self, obj):
        return obj.school.urn

    @staticmethod
    def may_import(request) -> bool:
        return request.user.has_perm("schools.import_schoolfundingflags")

    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        return [
            path("import/", self.admin_site.admin_view(self.import_view), name="{}_{}_import".format(*info)),
            path(
                "import/template.csv",
                self.admin_site.admin_view(self.template_view),
                name="{}_{}_import_template".format(*info),
            ),
            path(
                "import/<int:upload_id>/",
                self.admin_site.admin_view(self.upload_view),
                name="{}_{}_import_upload".format(*info),
            ),
            *super().get_urls(),
        ]

    def _url(self, name: str, *args) -> str:
        return reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_{name}", args=args)

    def changelist_view(self, request, extra_context=None):
        # templates/admin/schools/schoolfundingflags/change_list_object_tools.html
        if self.may_import(request):
            extra_context = {**(extra_context or {}), "import_url": self._url("import")}
        return super().changelist_view(request, extra_context)

    def _page(self, request, template: str, title: str, **context):
        return TemplateResponse(
            request,
            f"admin/schools/schoolfundingflags/{template}",
            {
                **self.admin_site.each_context(request),
                "opts": self.opts,
                "title": title,
                "columns": funding_flags.COLUMNS,
                "size_words": funding_flags.SIZE_WORDS,
                "last_year": LAST_YEAR_WITH_UPLIFTS,
                "template_url": self._url("import_template"),
                "changelist_url": self._url("changelist"),
                "import_url": self._url("import"),
                **context,
            },
        )

    def _problems_page(self, request, form, checked, *, since_checked=False):
        return self._page(
            request,
            "import.html",
            "Import pupil premium and sparsity flags",
            form=form,
            checked=checked,
            problems=checked.problems[:PROBLEMS_SHOWN] if checked else [],
            problems_not_shown=max(len(checked.problems) - PROBLEMS_SHOWN, 0) if checked else 0,
            since_checked=since_checked,
        )

    def import_view(self, request):
        """Upload a file: its problems on this page, or, when it has none, on to what it would change."""
        if not self.may_import(request):
            raise PermissionDenied
        form = FundingFlagsFileForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            checked = form.cleaned_data["checked"]
            if not checked.problems:
                upload = services.save_funding_flags_upload(
                    content=form.cleaned_data["content"],
                    file_name=form.cleaned_data["csv_file"].name,
                    uploaded_by=request.user,
                )
                return redirect(self._url("import_upload", upload.pk))
            return self._problems_page(request, form, checked)
        return self._problems_page(request, form, None)

    def template_view(self, request):
        if not self.may_import(request):
            raise PermissionDenied
        response = HttpResponse(funding_flags.template_csv(), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="pupil-premium-and-sparsity-template.csv"'
        return response

    def upload_view(self, request, upload_id):
        """What importing an uploaded file would change, and the button that imports it (POST)."""
        if not self.may_import(request):
            raise PermissionDenied
        upload = get_object_or_404(FundingFlagsUpload, pk=upload_id, uploaded_by=request.user)
        if request.method == "POST" and upload.imported_at is None:
            try:
                checked = services.import_funding_flags(upload=upload, actor=Actor.dfe_staff(request.user))
            except services.FundingFlagsFileHasProblems as refused:
                return self._problems_page(
                    request, FundingFlagsFileForm(), refused.checked, since_checked=True
                )
            except services.FundingFlagsAlreadyImported:
                pass  # imported by a second press of the button, a moment ago: its page says so
            else:
                self.message_user(
                    request,
                    f"Imported {upload.file_name}: {len(checked.added):,} added, "
                    f"{len(checked.changed):,} changed, {checked.unchanged:,} already so.",
                    messages.SUCCESS,
                )
                return redirect(self._url("changelist"))
            upload.refresh_from_db()
        if upload.imported_at is not None:
            return self._page(
                request, "upload.html", "Pupil premium and sparsity flags imported", upload=upload
            )
        checked = funding_flags.check_file(upload.content.encode("utf-8"))
        if checked.problems:  # a school or contract period gone since the file was uploaded
            return self._problems_page(request, FundingFlagsFileForm(), checked, since_checked=True)
        return self._page(
            request,
            "upload.html",
            "Check the pupil premium and sparsity flags before you import them",
            upload=upload,
            checked=checked,
            changed=checked.changed[:CHANGES_SHOWN],
            changed_not_shown=max(len(checked.changed) - CHANGES_SHOWN, 0),
        )
