from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AlumniNetworkConfig(AppConfig):
    name = "alumni_network"
    verbose_name = _("Alumni network")
