"""Keep the directory's denormalised search and sort columns true, whoever writes.

The join flow (invitations) creates members and allauth or HR may rename users;
none of them need to know that the directory searches `Member.search_text`.
"""

from django.db.models.signals import post_save
from django.dispatch import receiver

from .models import Member, User
from .profiles import refresh_search_text


@receiver(post_save, sender=Member, dispatch_uid="members_index_new_member")
def index_new_member(sender, instance, created, raw=False, **kwargs):
    if created and not raw:
        refresh_search_text(member=instance)


@receiver(post_save, sender=User, dispatch_uid="members_index_renamed_user")
def index_renamed_user(sender, instance, created, raw=False, update_fields=None, **kwargs):
    if created or raw:
        return
    if update_fields is not None and not {"first_name", "last_name"} & set(update_fields):
        return
    member = Member.objects.filter(user=instance).select_related("user", "employer").first()
    if member is not None:
        member.user = instance
        refresh_search_text(member=member)
