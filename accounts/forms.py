from core.forms import EmailAddressField, GovukForm


class SignInForm(GovukForm):
    page_heading_field = "email"
    email = EmailAddressField(
        label="Sign in to Manage training for early career teachers",
        help_text="Enter the email address you use for this service. We'll email you a link to sign in.",
        required_message="Enter your email address",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].widget.attrs["autocomplete"] = "email"  # your own address
