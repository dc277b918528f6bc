"""HR marks a member as rehired ("came back to work") and removes a mistaken entry."""

from django import forms
from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from .access import permission_required
from .models import Member, Rehire
from .rehires import AlreadyRehiredThatDay, rehire_add, rehire_remove

ALREADY_REHIRED = gettext_lazy("This member is already marked as rehired on that date.")


class RehireForm(forms.ModelForm):
    """The date the member started again and the role they came back to."""

    class Meta:
        model = Rehire
        fields = ["rehired_on", "role"]
        labels = {
            "rehired_on": gettext_lazy("Started again on"),
            "role": pgettext_lazy("job", "Role"),
        }
        widgets = {"rehired_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}

    def __init__(self, *args, member: Member, **kwargs):
        kwargs.setdefault("label_suffix", "")  # labels above fields carry no colon
        super().__init__(*args, **kwargs)
        self.member = member

    def clean_rehired_on(self):
        rehired_on = self.cleaned_data["rehired_on"]
        if self.member.rehires.filter(rehired_on=rehired_on).exists():
            raise forms.ValidationError(ALREADY_REHIRED, code="duplicate")
        return rehired_on


def _member_page(member: Member) -> str:
    return reverse("hr_members:member_detail", kwargs={"pk": member.pk}) + "#rehire-heading"


@permission_required("members.manage_members")
@require_http_methods(["GET", "POST"])
def rehire_create(request, pk):
    """The form on its own page: where a refused entry shows its errors (GET shows it empty)."""
    member = get_object_or_404(Member.objects.select_related("user"), pk=pk)
    form = RehireForm(request.POST or None, member=member)
    if request.method == "POST" and form.is_valid():
        try:
            rehire_add(
                member=member,
                rehired_on=form.cleaned_data["rehired_on"],
                role=form.cleaned_data["role"],
                recorded_by=request.user,
            )
        except AlreadyRehiredThatDay:
            # Someone recorded the same day between the check and the save.
            form.add_error("rehired_on", ALREADY_REHIRED)
        else:
            messages.success(request, _("Marked as back at work."))
            return redirect(_member_page(member))
    return render(request, "members/hr/rehire_form.html", {"form": form, "member": member})


@permission_required("members.manage_members")
@require_POST
def rehire_delete(request, pk):
    rehire = get_object_or_404(Rehire.objects.select_related("member"), pk=pk)
    rehire_remove(rehire=rehire)
    messages.success(request, _("The rehire is removed."))
    return redirect(_member_page(rehire.member))
