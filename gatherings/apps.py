from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GatheringsConfig(AppConfig):
    name = "gatherings"
    verbose_name = _("Gatherings")

    def ready(self):
        from . import emails

        emails.register()
