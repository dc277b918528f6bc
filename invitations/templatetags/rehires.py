"""`{% rehires_of member as rehires %}`: a member's rehires, for the register row (one query)."""

from django import template

from members import rehires

register = template.Library()


@register.simple_tag
def rehires_of(member):
    """The member's rehires, latest first; none when the leaver has no member."""
    return rehires.rehires_of(member)
