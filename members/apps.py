from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MembersConfig(AppConfig):
    name = "members"
    verbose_name = _("Members")

    def ready(self):
        from . import digests, emails, receivers  # noqa: F401 - digests and receivers connect receivers

        emails.register_kinds()
