"""A link from a gathering's address to a map."""

from urllib.parse import urlencode

from django import template

register = template.Library()

OPENSTREETMAP_SEARCH = "https://www.openstreetmap.org/search"


@register.filter
def map_search_url(address: str) -> str:
    """OpenStreetMap's search for `address`: no key, no tracking script, works on a phone."""
    if not address.strip():
        return ""
    return f"{OPENSTREETMAP_SEARCH}?{urlencode({'query': ' '.join(address.split())})}"
