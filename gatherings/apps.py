from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GatheringsConfig(AppConfig):
    name = "gatherings"
    verbose_name = _("Gatherings")

    def ready(self):
        from members.views import HOME_SECTIONS

        from . import emails, hosting, placeholders, roles_emails, selectors
        from .aftermath import emails as aftermath_emails
        from .networking import selectors as networking

        emails.register()
        aftermath_emails.register()
        roles_emails.register()
        hosting.register()
        placeholders.register()
        if selectors.home_section not in HOME_SECTIONS:
            HOME_SECTIONS.append(selectors.home_section)
        if networking.home_section not in HOME_SECTIONS:
            HOME_SECTIONS.append(networking.home_section)
        from . import erasure

        erasure.connect()
