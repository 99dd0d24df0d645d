"""Finance staff see statements and their declarations, and mark a statement paid."""

from django.contrib import admin, messages

from core.admin import ReadOnlyMixin
from finance import services
from finance.models import Declaration, Statement


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
