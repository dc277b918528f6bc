"""HR merges two organisations that are one employer: choose, see what moves, confirm."""

from django import forms
from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from .access import permission_required
from .models import Organisation
from .organisations import duplicates_of, merge_organisations, merge_plan, seen_organisations


class MergeForm(forms.Form):
    """Which organisation the merged one's members and gatherings move to."""

    kept = forms.ModelChoiceField(
        label=gettext_lazy("Merge into"),
        queryset=Organisation.objects.none(),
        empty_label=gettext_lazy("Choose an organisation …"),
        help_text=gettext_lazy("The organisation that stays. Its name is kept."),
    )

    def __init__(self, *args, merged: Organisation, viewer, **kwargs):
        super().__init__(*args, label_suffix="", **kwargs)
        self.fields["kept"].queryset = (
            seen_organisations(viewer=viewer).exclude(pk=merged.pk).order_by("name")
        )


@permission_required("members.manage_members")
@require_http_methods(["GET", "POST"])
def organisation_merge(request, pk):
    """GET: choose; POST: show what moves; POST with `confirm`: merge and delete this one."""
    # Only organisations HR may know of: one known only from hidden profiles is not shown.
    seen = seen_organisations(viewer=request.user)
    merged = get_object_or_404(seen, pk=pk)
    form = MergeForm(request.POST or None, merged=merged, viewer=request.user)
    if request.method == "POST" and form.is_valid():
        kept = form.cleaned_data["kept"]
        if "confirm" in request.POST:
            merge_organisations(merged=merged, kept=kept, request=request)
            messages.success(
                request,
                _("%(merged)s is merged into %(kept)s.")
                % {"merged": merged.name, "kept": kept.name},
            )
            return redirect("hr_members:organisation_edit", pk=kept.pk)
        return render(
            request,
            "members/hr/organisation_merge_confirm.html",
            {"merged": merged, "kept": kept, "plan": merge_plan(merged=merged)},
        )
    return render(
        request,
        "members/hr/organisation_merge.html",
        {
            "merged": merged,
            "form": form,
            "duplicates": [
                other
                for other in duplicates_of(organisation=merged)
                if other in form.fields["kept"].queryset
            ],
        },
    )
