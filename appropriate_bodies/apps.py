from django.apps import AppConfig


class AppropriateBodiesConfig(AppConfig):
    name = "appropriate_bodies"
    verbose_name = "Appropriate bodies"
