"""Adding and removing the materials of an agenda item: slides in the private storage, or links."""

from pathlib import PurePath

from django.db import transaction

from ..models import AgendaItem, Material


def _display_filename(name: str) -> str:
    """The uploaded file's own name, without any folders, short enough to store."""
    name = PurePath(name.replace("\\", "/")).name or "slides.pdf"
    if len(name) > 200:
        name = name[:196] + ".pdf"
    return name


def add_file(*, item: AgendaItem, title: str, upload, user) -> Material:
    """Store an (already checked) PDF in the private storage and attach it to the item."""
    material = Material(
        agenda_item=item,
        title=title,
        filename=_display_filename(upload.name),
        size=upload.size,
        added_by=user,
    )
    # The stored name is random (Material.file's upload_to); the original name is kept apart.
    material.file.save(upload.name, upload, save=False)
    material.save()
    return material


def add_link(*, item: AgendaItem, title: str, url: str, user) -> Material:
    return Material.objects.create(agenda_item=item, title=title, url=url, added_by=user)


def remove(*, material: Material) -> None:
    """Delete the material, and its file once the deletion is committed."""
    storage, name = material.file.storage, material.file.name
    material.delete()
    if name:
        transaction.on_commit(lambda: storage.delete(name))
