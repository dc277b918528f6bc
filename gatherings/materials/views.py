"""Materials of a gathering: attached by HR and organisers, served only to those allowed."""

from django.contrib import messages
from django.http import FileResponse, Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from members.access import permission_required
from members.rules import is_coordinator

from ..models import AgendaItem, Gathering, Material
from . import attach
from .forms import MaterialFileForm, MaterialLinkForm
from .selectors import may_see_materials


def _gathering(request, pk, **kwargs) -> Gathering:
    return get_object_or_404(Gathering, pk=pk)


def _area_base(request) -> str:
    return "hr/base.html" if is_coordinator(request.user) else "members/base.html"


def _item_url(item: AgendaItem) -> str:
    return reverse(
        "gatherings:item_materials", kwargs={"pk": item.gathering_id, "item_pk": item.pk}
    )


def _bound_forms(request):
    """The file and link forms, the one that was posted bound to the request."""
    kind = request.POST.get("kind") if request.method == "POST" else None
    file_form = MaterialFileForm(
        request.POST if kind == "file" else None,
        request.FILES if kind == "file" else None,
        prefix="file",
    )
    link_form = MaterialLinkForm(request.POST if kind == "link" else None, prefix="link")
    return kind, file_form, link_form


def _save(request, item: AgendaItem, kind, file_form, link_form) -> bool:
    """Attach what the posted form holds; False if it has errors."""
    if kind == "file" and file_form.is_valid():
        attach.add_file(
            item=item,
            title=file_form.cleaned_data["title"],
            upload=file_form.cleaned_data["file"],
            user=request.user,
        )
        messages.success(request, _("The slides were added."))
        return True
    if kind == "link" and link_form.is_valid():
        attach.add_link(
            item=item,
            title=link_form.cleaned_data["title"],
            url=link_form.cleaned_data["url"],
            user=request.user,
        )
        messages.success(request, _("The link was added."))
        return True
    return False


@permission_required("gatherings.add_materials", fn=_gathering)
@require_http_methods(["GET", "POST"])
def item_materials(request, gathering, pk, item_pk):
    item = get_object_or_404(
        AgendaItem.objects.select_related("speaker_member__user", "speaker_user"),
        pk=item_pk,
        gathering=gathering,
    )
    kind, file_form, link_form = _bound_forms(request)
    if request.method == "POST" and _save(request, item, kind, file_form, link_form):
        return redirect(_item_url(item))
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "gatherings/materials/item.html",
        {
            "gathering": gathering,
            "item": item,
            "materials": list(item.materials.order_by("created_at", "pk")),
            "file_form": file_form,
            "link_form": link_form,
            "base_template": _area_base(request),
        },
        status=status,
    )


@permission_required("gatherings.add_materials", fn=_gathering)
@require_POST
def material_delete(request, gathering, pk, material_pk):
    material = get_object_or_404(
        Material.objects.select_related("agenda_item"),
        pk=material_pk,
        agenda_item__gathering=gathering,
    )
    item = material.agenda_item
    attach.remove(material=material)
    messages.success(request, _("“%(title)s” was removed.") % {"title": material.title})
    return redirect(_item_url(item))


def _material(request, pk, material_pk, **kwargs) -> Material:
    return get_object_or_404(
        Material.objects.select_related("agenda_item__gathering"),
        pk=material_pk,
        agenda_item__gathering_id=pk,
    )


@permission_required("gatherings.view_gathering", fn=_material)
@require_GET
def material(request, found, pk, material_pk):
    """The slides as a download, or the link followed; 404 for anyone not allowed to see them."""
    if not may_see_materials(user=request.user, gathering=found.agenda_item.gathering):
        raise Http404
    if found.url:
        return HttpResponseRedirect(found.url)
    try:
        handle = found.file.open("rb")
    except (FileNotFoundError, ValueError) as missing:
        raise Http404 from missing
    response = FileResponse(handle, as_attachment=True, filename=found.filename or "slides.pdf")
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
