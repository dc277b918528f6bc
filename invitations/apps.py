from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InvitationsConfig(AppConfig):
    name = "invitations"
    verbose_name = _("Invitations")

    def ready(self):
        from alumni_network.mail.signals import address_suppressed
        from members import signals

        from . import receivers
        from .campaigns import emails as campaign_emails
        from .joining import emails as joining_emails

        campaign_emails.register_kinds()
        joining_emails.register_kinds()
        address_suppressed.connect(
            receivers.mark_suppressed_leavers, dispatch_uid="invitations.mark_suppressed_leavers"
        )
        signals.member_erased.connect(
            receivers.suppress_erased_email, dispatch_uid="invitations.suppress_erased_email"
        )
        signals.collect_member_data.connect(
            receivers.register_data_of_member, dispatch_uid="invitations.register_data_of_member"
        )
        from . import erasure

        erasure.connect()
