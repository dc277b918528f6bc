"""Template helpers for tables and lists: paging links and long values cut short."""

from django import template
from django.utils.html import format_html

register = template.Library()


@register.simple_tag(takes_context=True)
def page_query(context, number, param="page"):
    """This page's query string with another page number, so filters and sorting survive paging."""
    query = context.request.GET.copy()
    query[param] = number
    return f"?{query.urlencode()}"


@register.filter
def clipped(value, kind=""):
    """A long value (an email) cut with an ellipsis; the title and keyboard focus show all of it.

    With "mailto" the value becomes a mail link, which is focusable on its own.
    """
    if not value:
        return ""
    if kind == "mailto":
        return format_html(
            '<a class="clipped" href="mailto:{}" title="{}">{}</a>', value, value, value
        )
    return format_html('<span class="clipped" title="{}" tabindex="0">{}</span>', value, value)
