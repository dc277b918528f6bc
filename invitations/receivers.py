"""What the register does when the members app erases or exports a member."""

from .models import Leaver
from .suppression import suppress_email


def suppress_erased_email(sender, *, email: str, **kwargs) -> None:
    """An erased member is never invited again, however a later register spells the address."""
    suppress_email(email=email, reason="erased")


def register_data_of_member(sender, *, member, **kwargs):
    """The member's own register entry joins "download my data"."""
    leaver = Leaver.objects.filter(member=member).first()
    if leaver is None:
        return None
    fields = ["employee_number", "first_name", "last_name", "email", "phone", "department"]
    fields += ["title", "location", "hired_on", "left_on", "status"]
    data = {name: getattr(leaver, name) for name in fields}
    for name in ("hired_on", "left_on"):
        data[name] = data[name].isoformat() if data[name] else None
    return "leavers_register", data
