"""HR pages to rename and delete segments of the register."""

from django import forms
from django.contrib import messages
from django.db.models import ProtectedError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from members.access import staff_required

from .models import Segment


class SegmentRenameForm(forms.ModelForm):
    class Meta:
        model = Segment
        fields = ["name"]
        labels = {"name": gettext_lazy("Segment name")}


@staff_required
@require_http_methods(["GET", "POST"])
def segment_edit(request, pk: int):
    segment = get_object_or_404(Segment, pk=pk)
    form = SegmentRenameForm(request.POST or None, instance=segment)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("The segment is renamed."))
        return redirect("hr_invitations:segments")
    campaigns = segment.campaigns.order_by("-created_at")
    return render(
        request,
        "invitations/hr/segment_edit.html",
        {"segment": segment, "form": form, "campaigns": campaigns},
    )


@staff_required
@require_POST
def segment_delete(request, pk: int):
    segment = get_object_or_404(Segment, pk=pk)
    try:
        segment.delete()
    except ProtectedError:
        # A campaign keeps the segment it invited, so its funnel stays explainable.
        messages.error(request, _("A campaign uses this segment, so it cannot be deleted."))
        return redirect("hr_invitations:segment_edit", pk=segment.pk)
    messages.success(request, _("The segment is deleted. The leavers in it are not touched."))
    return redirect("hr_invitations:segments")
