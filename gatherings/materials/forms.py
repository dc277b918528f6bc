"""Forms for attaching slides (a PDF) or a link to an agenda item."""

from pathlib import PurePath

from django import forms
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

# Speakers' slides may be large, but not unbounded: 20 MB.
MATERIAL_MAX_BYTES = 20 * 1024 * 1024
PDF_MAGIC = b"%PDF-"


def max_bytes() -> int:
    """The upload limit; a deployment may set MATERIAL_MAX_BYTES to change it."""
    return getattr(settings, "MATERIAL_MAX_BYTES", MATERIAL_MAX_BYTES)


def starts_like_pdf(upload) -> bool:
    """Whether the file's first bytes are a PDF header (its name alone proves nothing)."""
    upload.seek(0)
    head = upload.read(len(PDF_MAGIC))
    upload.seek(0)
    return head == PDF_MAGIC


class _NoColonForm(forms.Form):
    """Labels sit above their fields, without a colon (UI.md)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)


class MaterialFileForm(_NoColonForm):
    """Slides: a PDF file with a title."""

    title = forms.CharField(label=_("Title"), max_length=200)
    file = forms.FileField(
        label=_("PDF file"),
        widget=forms.FileInput(attrs={"accept": ".pdf,application/pdf"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = _("Slides as a PDF, at most %(limit)s.") % {
            "limit": filesizeformat(max_bytes())
        }

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if PurePath(upload.name).suffix.lower() != ".pdf":
            raise forms.ValidationError(_("Choose a PDF file (the name ends in .pdf)."))
        if upload.size > max_bytes():
            raise forms.ValidationError(
                _("The file is %(size)s. The limit is %(limit)s.")
                % {"size": filesizeformat(upload.size), "limit": filesizeformat(max_bytes())}
            )
        if not starts_like_pdf(upload):
            raise forms.ValidationError(
                _("This file is not a PDF. Save the slides as PDF and try again.")
            )
        return upload


class MaterialLinkForm(_NoColonForm):
    """A link to slides, a recording or an article."""

    title = forms.CharField(label=_("Title"), max_length=200)
    url = forms.URLField(
        label=_("Link"),
        max_length=500,
        assume_scheme="https",
        help_text=_("A web address starting with https:// or http://."),
    )

    def clean_url(self):
        url = self.cleaned_data["url"]
        if not url.lower().startswith(("https://", "http://")):
            raise forms.ValidationError(_("Only web addresses (https:// or http://) can be added."))
        return url
