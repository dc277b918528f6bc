"""Generate the networking tasks, and set how many old and new people each task has."""

from django import forms
from django.contrib import messages
from django.core.validators import MaxValueValidator
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_POST

from members.access import permission_required, posted_next_url
from members.rules import is_coordinator

from ..models import Gathering, NetworkingTask
from .generation import generate_tasks

MAX_PEOPLE = 10  # the database's check constraint allows 0..10 of each


class TaskSettingsForm(forms.ModelForm):
    """How many old acquaintances and new people each attendee's task names."""

    class Meta:
        model = Gathering
        fields = ["task_old_count", "task_new_count"]
        help_texts = {
            "task_old_count": gettext_lazy("People they worked with or met before. 0 to 10."),
            "task_new_count": gettext_lazy("People they have not met. 0 to 10."),
        }

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")  # labels above fields carry no colon
        super().__init__(*args, **kwargs)
        for name in self.fields:
            self.fields[name].validators.append(MaxValueValidator(MAX_PEOPLE))
            self.fields[name].widget.attrs.update(min=0, max=MAX_PEOPLE)


def _gathering(request, pk, **kwargs) -> Gathering:
    return get_object_or_404(Gathering, pk=pk)


def _back(request, gathering: Gathering):
    """Back to the page the button was on (a local URL only), or the gathering's page."""
    if target := posted_next_url(request):
        return redirect(target)
    if is_coordinator(request.user):
        return redirect("hr_gatherings:detail", pk=gathering.pk)
    return redirect("gatherings:attendees", pk=gathering.pk)


def _report(request, result) -> None:
    if not result.tasks:
        messages.warning(request, _("Nobody is coming yet, so there are no tasks to make."))
        return
    message = ngettext(
        "A task was made for %(count)d attendee.",
        "Tasks were made for %(count)d attendees.",
        result.tasks,
    ) % {"count": result.tasks}
    if result.shrunk:
        message += " " + ngettext(
            "%(count)d task is shorter: too few people fit it.",
            "%(count)d tasks are shorter: too few people fit them.",
            result.shrunk,
        ) % {"count": result.shrunk}
    messages.success(request, message)


@permission_required("gatherings.generate_tasks", fn=_gathering)
@require_POST
def generate(request, gathering, pk):
    _report(request, generate_tasks(gathering=gathering))
    return _back(request, gathering)


@permission_required("gatherings.generate_tasks", fn=_gathering)
@require_POST
def task_settings(request, gathering, pk):
    form = TaskSettingsForm(request.POST, instance=gathering)
    if not form.is_valid():
        messages.error(request, _("Choose between 0 and 10 old and new people."))
        return _back(request, gathering)
    form.save()
    # Tasks already made follow the new numbers at once; none made yet wait for the button.
    if NetworkingTask.objects.filter(gathering=gathering).exists():
        _report(request, generate_tasks(gathering=gathering))
    else:
        messages.success(request, _("The task size was saved."))
    return _back(request, gathering)
