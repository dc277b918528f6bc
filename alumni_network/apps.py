from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AlumniNetworkConfig(AppConfig):
    name = "alumni_network"
    verbose_name = _("Alumni network")

    def ready(self):
        from . import accounts, digests

        accounts.register_kinds()
        digests.register_kinds()
