"""Template tags for the gathering page's materials and the agenda editor's material counts."""

from urllib.parse import urlsplit

from django import template

from ..materials import selectors

register = template.Library()


@register.inclusion_tag("gatherings/includes/materials.html", takes_context=True)
def gathering_materials(context, gathering):
    """The gathering page's materials: HR and organisers any time, its members once it started."""
    # The page's view has already checked that this viewer may open the gathering.
    user = context["request"].user
    can_add = selectors.may_add_materials(user=user, gathering=gathering)
    if not can_add and not selectors.materials_open(gathering=gathering):
        return {"shown": False}
    return {
        "shown": True,
        "gathering": gathering,
        "groups": selectors.materials_by_item(gathering=gathering),
        "can_add": can_add,
        "before_start": not selectors.materials_open(gathering=gathering),
    }


@register.simple_tag
def material_counts(gathering):
    """Agenda item id -> number of materials, for `{% material_counts gathering as counts %}`."""
    return selectors.material_counts(gathering=gathering)


@register.filter
def count_for(counts, item_pk):
    """`counts|count_for:item.pk`: the number for one agenda item, 0 if it has none."""
    return counts.get(item_pk, 0)


@register.filter
def link_host(url):
    """ "https://www.sintef.no/havvind/" -> "sintef.no": where a link leads, shown beside it."""
    host = urlsplit(url).hostname or ""
    return host.removeprefix("www.")
