"""Finance staff open each year's contract period, see statements and their declarations, and
mark a statement paid."""

from django import forms
from django.contrib import admin, messages

from audit.services import Actor
from core import clock
from core.admin import ReadOnlyMixin
from core.refusals import AttributeProblems
from finance import services
from finance.models import Declaration, Statement
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


class DeclarationInline(admin.TabularInline):
    model = Declaration
    fk_name = "payment_statement"
    fields = (
        "declaration_type",
        "teacher",
        "course_identifier",
        "declaration_date",
        "payment_status",
        "clawback_status",
    )
    readonly_fields = fields
    show_change_link = True
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Statement)
class StatementAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ("__str__", "deadline_date", "payment_date", "paid_at")
    list_filter = ("active_lead_provider__contract_period", "active_lead_provider__lead_provider")
    list_select_related = ("active_lead_provider__lead_provider", "active_lead_provider__contract_period")
    inlines = [DeclarationInline]
    actions = ["mark_paid"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related(*self.list_select_related)

    def has_change_permission(self, request, obj=None):
        return request.user.has_perm("finance.change_statement")

    @admin.action(description="Mark the selected statements as paid", permissions=["change"])
    def mark_paid(self, request, queryset):
        for statement in queryset.filter(paid_at__isnull=True):
            services.mark_paid(statement=statement, paid_by=request.user)
        self.message_user(request, "Marked as paid.", messages.SUCCESS)


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
