"""Networking tasks on pages whose views other code owns: the gathering page and HR's panel."""

from django import template

from members.access import request_member
from members.rules import is_coordinator

from ..networking import selectors
from ..networking.views import TaskSettingsForm

register = template.Library()


@register.simple_tag(takes_context=True)
def my_task_card(context, gathering):
    """The member's own task card for `gathering`, or None (HR look as HR)."""
    user = context["request"].user
    if is_coordinator(user):
        return None
    return selectors.task_card(gathering=gathering, member=request_member(user), viewer=user)


@register.simple_tag
def task_summary(gathering):
    return selectors.summary(gathering=gathering)


@register.simple_tag
def task_settings_form(gathering):
    return TaskSettingsForm(instance=gathering, auto_id="id_tasks_%s")
