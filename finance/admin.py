"""Finance staff open each year's contract period, keep lead providers' contracts (a change is a
new version from a date), see statements and their declarations, and authorise a payable
statement for payment. Support and other staff have no access (docs/decisions/0038)."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.html import format_html

from audit.services import Actor
from core import clock
from core.admin import ReadOnlyMixin, RelatedRowsAdmin
from core.refusals import AttributeProblems
from finance import services
from finance.calculator import Band
from finance.models import Contract, Declaration, PriceBand, Statement, StatementAdjustment, StatementStatus
from providers.models import ContractPeriod


class OpenContractPeriodForm(forms.ModelForm):
    """Opening a contract period asks only its year: the dates, schedules and milestones follow
    from the rules, and the year before's lead providers can carry over."""

    carry_over = forms.BooleanField(
        required=False,
        initial=True,
        label="Carry over last year's lead providers and their delivery partners",
        help_text="Each gets a year of monthly statements. Remove any whose contract ends in admin afterwards.",
    )

    class Meta:
        model = ContractPeriod
        fields = ("year",)
        help_texts = {
            "year": "The year it starts: contract period 2027 runs from 1 June 2027 to 31 May 2028."
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        latest = ContractPeriod.objects.order_by("-year").values_list("year", flat=True).first()
        self.fields["year"].initial = latest + 1 if latest else clock.academic_year_of(clock.today())

    def clean_year(self):
        year = self.cleaned_data["year"]
        if not 2020 <= year <= 2100:
            raise forms.ValidationError("Enter a year from 2020 to 2100.")
        if ContractPeriod.objects.filter(year=year).exists():
            raise forms.ValidationError(f"Contract period {year} already exists.")
        return year


@admin.register(ContractPeriod)
class ContractPeriodAdmin(admin.ModelAdmin):
    list_display = ("year", "started_on", "finished_on", "enabled", "payments_frozen_at")
    list_filter = ("enabled",)
    add_form = OpenContractPeriodForm

    def get_form(self, request, obj=None, **kwargs):
        if obj is None:
            kwargs["form"] = self.add_form
        return super().get_form(request, obj, **kwargs)

    def get_fields(self, request, obj=None):
        return ("year", "carry_over") if obj is None else super().get_fields(request, obj)

    def get_readonly_fields(self, request, obj=None):
        return ("year", "started_on", "finished_on") if obj else ()

    def save_model(self, request, obj, form, change):
        if change:
            return super().save_model(request, obj, form, change)
        try:
            services.open_contract_period(
                year=form.cleaned_data["year"],
                carry_over=form.cleaned_data["carry_over"],
                actor=Actor.dfe_staff(request.user),
            )
        except AttributeProblems as problems:  # opened by someone else since the form was checked
            messages.error(request, str(problems))


class AdjustmentInline(admin.TabularInline):
    """Adjustments are added (with a reason and an event) by the finance pages, not here."""

    model = StatementAdjustment
    fields = ("name", "amount", "reason", "created_by", "created_at")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Statement)
class StatementAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ("__str__", "deadline_date", "payment_date", "status", "paid_at")
    list_filter = ("active_lead_provider__contract_period", "active_lead_provider__lead_provider")
    list_select_related = ("active_lead_provider__lead_provider", "active_lead_provider__contract_period")
    # Its declarations (hundreds of thousands on a large provider's statement) are on the finance
    # pages, paged and priced, not listed here.
    inlines = [AdjustmentInline]
    # Authorising for payment is a finance page's journey, which shows the statement's total and
    # asks to check it first: admin links there rather than paying in one click.
    actions = None

    def get_queryset(self, request):
        return super().get_queryset(request).select_related(*self.list_select_related)

    def get_readonly_fields(self, request, obj=None):
        return ["status", *super().get_readonly_fields(request, obj), "finance_pages"]

    @admin.display(description="status")
    def status(self, statement):
        return StatementStatus(statement.status).label

    @admin.display(description="declarations and payment")
    def finance_pages(self, statement):
        return format_html(
            '<a href="{}">The statement\'s figures</a> · <a href="{}">its declarations</a> (finance pages)',
            reverse("finance_statement", args=[statement.pk]),
            reverse("finance_statement_declarations", args=[statement.pk]),
        )


# --- Contracts -------------------------------------------------------------------------------------


class ContractForm(forms.ModelForm):
    """A contract version's figures. Saving never edits a version: it makes the next one, in
    force from the date given (a first version: the contract period's first day unless given)."""

    class Meta:
        model = Contract
        fields = (
            "active_lead_provider",
            "in_force_from",
            "recruitment_target",
            "set_up_fee",
            "monthly_service_fee",
            "uplift_amount",
            "vat_applicable",
            "mentor_flat_rate",
        )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["in_force_from"]
        if self.instance.pk:
            # A change is a new version: its date is chosen, never carried over unnoticed.
            self.initial["in_force_from"] = None
            field.label = "New version in force from"
            field.error_messages["required"] = "Enter the date the new version is in force from."
            field.help_text = (
                f"This is version {self.instance.version}, in force from "
                f"{self.instance.in_force_from:%-d %B %Y}. Saving makes version "
                f"{self.instance.version + 1}, in force from the date you give: statements whose "
                "deadline is on or after it are calculated with it. This version is kept."
            )
        else:
            field.required = False
            field.help_text = (
                "Leave empty for the contract period's first day. If the provider has a contract "
                "for the period, this makes its next version, in force from the date you give."
            )

    def clean(self):
        cleaned = super().clean()
        active_lead_provider = cleaned.get("active_lead_provider") or (
            self.instance.active_lead_provider if self.instance.pk else None
        )
        if active_lead_provider is None or self.errors:
            return cleaned
        for field, problem in services.contract_problems(
            active_lead_provider=active_lead_provider,
            in_force_from=cleaned.get("in_force_from"),
            recruitment_target=cleaned.get("recruitment_target"),
            set_up_fee=cleaned.get("set_up_fee"),
            monthly_service_fee=cleaned.get("monthly_service_fee"),
            uplift_amount=cleaned.get("uplift_amount"),
            mentor_flat_rate=cleaned.get("mentor_flat_rate"),
        ):
            self.add_error(field if field in self.fields else None, problem)
        return cleaned


class PriceBandFormSet(forms.BaseInlineFormSet):
    """The bands of the new version, checked together: lettered from A, each starting where the
    one before ended."""

    def bands(self) -> list[Band]:
        return sorted(
            (
                Band(
                    form.cleaned_data["letter"],
                    form.cleaned_data["min"],
                    form.cleaned_data["max"],
                    form.cleaned_data["price"],
                )
                for form in self.forms
                if form.cleaned_data and not form.cleaned_data.get("DELETE")
            ),
            key=lambda band: band.letter,
        )

    def clean(self):
        super().clean()
        if any(self.errors):
            return
        try:
            bands = self.bands()
        except (TypeError, ValueError) as problem:
            raise ValidationError(str(problem)) from None
        problems = services.band_problems(bands)
        if problems:
            raise ValidationError([problem for _, problem in problems])


class PriceBandInline(admin.TabularInline):
    model = PriceBand
    formset = PriceBandFormSet
    fields = ("letter", "min", "max", "price")
    extra = 0
    max_num = 4

    def get_extra(self, request, obj=None, **kwargs):
        return 0 if obj else 3

    def has_delete_permission(self, request, obj=None):
        # Removing a band here leaves it out of the new version; the version shown is kept.
        return self.has_change_permission(request, obj)


@admin.register(Contract)
class ContractAdmin(RelatedRowsAdmin):
    form = ContractForm
    inlines = [PriceBandInline]
    select_related = (
        "active_lead_provider__lead_provider",
        "active_lead_provider__contract_period",
        "created_by",
    )
    list_display = (
        "active_lead_provider",
        "version",
        "in_force_from",
        "contract_type",
        "recruitment_target",
        "vat_applicable",
        "created_at",
    )
    list_filter = ("active_lead_provider__contract_period", "active_lead_provider__lead_provider")
    search_fields = ("active_lead_provider__lead_provider__name",)

    def get_fields(self, request, obj=None):
        fields = list(ContractForm.Meta.fields)
        if obj is None:
            return fields
        fields.remove("active_lead_provider")
        return ["active_lead_provider", "version", "contract_type", "created_at", "created_by", *fields]

    def get_readonly_fields(self, request, obj=None):
        return ("active_lead_provider", "version", "contract_type", "created_at", "created_by") if obj else ()

    def has_delete_permission(self, request, obj=None):
        return False  # a version is kept for good (the database refuses to remove one)

    def save_model(self, request, obj, form, change):
        """Nothing is saved here: save_related makes the new version, with its bands."""

    def save_related(self, request, form, formsets, change):
        (bands,) = [formset for formset in formsets if isinstance(formset, PriceBandFormSet)]
        active_lead_provider = form.instance.active_lead_provider
        data = form.cleaned_data
        try:
            contract = services.new_contract_version(
                active_lead_provider=active_lead_provider,
                in_force_from=data.get("in_force_from"),
                recruitment_target=data["recruitment_target"],
                set_up_fee=data["set_up_fee"],
                monthly_service_fee=data.get("monthly_service_fee"),
                uplift_amount=data.get("uplift_amount"),
                vat_applicable=data.get("vat_applicable", False),
                mentor_flat_rate=data.get("mentor_flat_rate"),
                bands=bands.bands(),
                by=request.user,
            )
        except AttributeProblems as refused:  # something changed since the form was checked
            request._contract_refused = refused
            return
        # The admin goes on to log and show what it saved: that is the new version.
        request._contract_made = contract

    def construct_change_message(self, request, form, formsets, add=False):
        contract = getattr(request, "_contract_made", None)
        if contract is None:
            return ""
        return f"Made version {contract.version}, in force from {contract.in_force_from:%-d %B %Y}."

    def _made(self, request, form_url_fallback):
        refused = getattr(request, "_contract_refused", None)
        if refused is not None:
            messages.error(request, str(refused))
            return HttpResponseRedirect(form_url_fallback)
        return None

    def response_add(self, request, obj, post_url_continue=None):
        return self._made(request, request.path) or self._show_version(request)

    def response_change(self, request, obj):
        return self._made(request, request.path) or self._show_version(request)

    def _show_version(self, request):
        contract = request._contract_made
        messages.success(
            request,
            f"Version {contract.version} of {contract.active_lead_provider}'s contract made, in force from "
            f"{contract.in_force_from:%-d %B %Y}.",
        )
        return HttpResponseRedirect(reverse("admin:finance_contract_change", args=[contract.pk]))

    def log_addition(self, request, obj, message):
        return self._log(request, message)

    def log_change(self, request, obj, message):
        return self._log(request, message)

    def _log(self, request, message):
        contract = getattr(request, "_contract_made", None)
        if contract is not None:
            super().log_addition(request, contract, message)


@admin.register(Declaration)
class DeclarationAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = (
        "declaration_type",
        "teacher",
        "lead_provider",
        "declaration_date",
        "payment_status",
        "clawback_status",
    )
    list_filter = ("declaration_type", "payment_status", "clawback_status", "lead_provider")
    list_select_related = ("teacher", "lead_provider")
    search_fields = ("teacher__trn", "api_id")
    raw_id_fields = ("training_period", "teacher", "mentor")
