from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MailConfig(AppConfig):
    name = "alumni_network.mail"
    label = "mail"
    verbose_name = _("Email")

    def ready(self):
        from . import kinds, tracking  # noqa: F401 - tracking connects the ESP webhook receiver

        kinds.register_message_kinds()
