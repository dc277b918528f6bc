from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GatheringsConfig(AppConfig):
    name = "gatherings"
    verbose_name = _("Gatherings")

    def ready(self):
        from members.views import HOME_SECTIONS

        from . import emails, hosting, placeholders, selectors

        emails.register()
        # slot: aftermath emails
        hosting.register()
        placeholders.register()
        if selectors.home_section not in HOME_SECTIONS:
            HOME_SECTIONS.append(selectors.home_section)
        # slot: networking home section
