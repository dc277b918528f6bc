"""Members with filled-in profiles, for the member-area tests."""

from members.models import Member
from members.profiles import competences_for_names, organisation_for_name, refresh_search_text
from tests.factories import MemberFactory


def profile_member(*, competences=(), employer="", **fields) -> Member:
    """A member with a profile; `fields` set Member attributes (and user__ names)."""
    user_fields = {k: fields.pop(k) for k in list(fields) if k.startswith("user__")}
    member = MemberFactory(**user_fields, **fields)
    if employer:
        member.employer = organisation_for_name(name=employer)
        member.save(update_fields=["employer"])
    if competences:
        member.competences.set(competences_for_names(names=list(competences)))
    refresh_search_text(member=member)
    return member
