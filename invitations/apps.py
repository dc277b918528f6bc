from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InvitationsConfig(AppConfig):
    name = "invitations"
    verbose_name = _("Invitations")

    def ready(self):
        from members import signals

        from . import emails, receivers, tracking  # noqa: F401 - tracking connects the ESP webhook receiver

        emails.register_kinds()

        from . import campaign_emails

        campaign_emails.register_kinds()

        signals.member_erased.connect(
            receivers.suppress_erased_email, dispatch_uid="invitations.suppress_erased_email"
        )
        signals.collect_member_data.connect(
            receivers.register_data_of_member, dispatch_uid="invitations.register_data_of_member"
        )
