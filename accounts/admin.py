"""Staff and school user accounts. Email is the identity (stored lower-case); there is no username."""

from allauth.account.models import EmailAddress
from allauth.socialaccount.models import SocialAccount, SocialApp, SocialToken
from django.contrib import admin
from django.contrib.auth import forms as auth_forms
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin

from accounts.models import User


class LowerCaseEmailMixin:
    """The database refuses a mixed-case email, so store it the way the manager does."""

    def clean_email(self):
        return self.cleaned_data["email"].lower()


class UserCreationForm(LowerCaseEmailMixin, auth_forms.AdminUserCreationForm):
    class Meta:
        model = User
        fields = ("email", "full_name")


class UserChangeForm(LowerCaseEmailMixin, auth_forms.UserChangeForm):
    class Meta:
        model = User
        fields = "__all__"


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    form = UserChangeForm
    add_form = UserCreationForm
    fieldsets = (
        (None, {"fields": ("email", "full_name", "password")}),
        ("Permissions", {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")}),
        ("Important dates", {"fields": ("last_login", "created_at")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": ("email", "full_name", "usable_password", "password1", "password2"),
            },
        ),
    )
    readonly_fields = ("last_login", "created_at")
    list_display = ("email", "full_name", "is_staff", "is_active", "last_login")
    list_filter = ("is_staff", "is_superuser", "is_active", "groups")
    search_fields = ("email", "full_name")
    ordering = ("email",)

    # Who may grant admin access or permissions: only superusers, even if someone is later
    # given "change user" (the support group has only "view user", finance nothing).
    PRIVILEGE_FIELDS = ("is_staff", "is_superuser", "groups", "user_permissions")

    # What anyone but a superuser sees of an account: support look up the people who use the
    # service (who they are, whether they can sign in, when they last did), not passwords or
    # who may do what in admin.
    SCHOOL_USER_FIELDSETS = (
        (None, {"fields": ("email", "full_name", "is_active")}),
        ("Important dates", {"fields": ("last_login", "created_at")}),
    )

    def get_queryset(self, request):
        users = super().get_queryset(request)
        if request.user.is_superuser:
            return users
        # Staff accounts, and what they may do, are superusers' business: support (and anyone
        # else given "view user" or "change user") reach only the accounts of school users. A
        # staff account's page is then "not found", like any record someone may not see.
        return users.filter(is_staff=False, is_superuser=False)

    def get_fieldsets(self, request, obj=None):
        if obj is not None and not request.user.is_superuser:
            return self.SCHOOL_USER_FIELDSETS
        return super().get_fieldsets(request, obj)

    def get_list_display(self, request):
        if request.user.is_superuser:
            return self.list_display
        return ("email", "full_name", "is_active", "last_login")  # every one of them is a school user

    def get_list_filter(self, request):
        return self.list_filter if request.user.is_superuser else ("is_active",)

    def get_readonly_fields(self, request, obj=None):
        readonly = super().get_readonly_fields(request, obj)
        if obj is not None and not request.user.is_superuser:
            return (*readonly, *self.PRIVILEGE_FIELDS)
        return readonly


# allauth's own models stay out of admin: DfE Sign-in is configured from the environment (an app
# added here would contradict it), we keep no OAuth tokens, and a user's email lives on the user.
for model in (EmailAddress, SocialAccount, SocialApp, SocialToken):
    if admin.site.is_registered(model):
        admin.site.unregister(model)
