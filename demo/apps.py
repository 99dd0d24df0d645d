from django.apps import AppConfig


class DemoConfig(AppConfig):
    """Demo and England-scale data: a tool standing above every app (it imports them all, and
    nothing imports it), so it is the top layer of the import contract in pyproject.toml."""

    name = "demo"
    verbose_name = "Demo data"
