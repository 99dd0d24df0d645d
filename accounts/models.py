from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Lower, Now

from core import clock


class UserManager(BaseUserManager):
    def create_user(self, email, password=None, **extra):
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email, password=None, **extra):
        extra.update(is_staff=True, is_superuser=True)
        return self.create_user(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    """Anyone who signs in: school users by emailed link, DfE staff to admin with a password.

    Email is the identity, kept lower-case so that it is unique whatever the case typed; no username.
    """

    email = models.EmailField(max_length=254, unique=True)
    full_name = models.CharField(max_length=200, blank=True)
    is_staff = models.BooleanField(default=False, help_text="DfE staff: may sign in to admin.")
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    privacy_notice_accepted_at = models.DateTimeField(null=True, blank=True)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    class Meta:
        constraints = [
            # Stored lower-cased, so the unique index on email is case-insensitive.
            models.CheckConstraint(condition=Q(email=Lower("email")), name="user_email_is_lower_case"),
        ]

    def __str__(self):
        return self.full_name or self.email


class SignInRequest(models.Model):
    """Someone asked for a sign-in link. Kept whether or not the address has an account, so requests
    can be limited per address and per IP address without saying which addresses are known."""

    email = models.EmailField()
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    requested_at = models.DateTimeField(default=clock.now, db_default=Now())

    class Meta:
        indexes = [
            models.Index(fields=["email", "requested_at"]),
            models.Index(fields=["ip_address", "requested_at"]),
        ]

    def __str__(self):
        return f"Sign-in request for {self.email} at {self.requested_at:%Y-%m-%d %H:%M}"


class SignInLink(models.Model):
    """A single-use, expiring sign-in link. Only a hash of its token is stored."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="sign_in_links")
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=clock.now, db_default=Now())
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(expires_at__gt=F("created_at")), name="sign_in_link_expires_after_creation"
            ),
            models.CheckConstraint(
                condition=Q(used_at__isnull=True) | Q(used_at__gte=F("created_at")),
                name="sign_in_link_used_after_creation",
            ),
        ]

    def __str__(self):
        return f"Sign-in link for {self.user}, expires {self.expires_at:%Y-%m-%d %H:%M}"
