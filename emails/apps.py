from django.apps import AppConfig


class EmailsConfig(AppConfig):
    name = "emails"
    verbose_name = "Emails"

    def ready(self):
        from emails import checks  # noqa: F401 - registers the system checks
