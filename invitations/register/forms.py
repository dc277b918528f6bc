"""Forms of the register pages and the import wizard."""

from pathlib import Path

from django import forms
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from alumni_network.mail.models import normalise_email

from ..models import Leaver
from .editing import EDITABLE_FIELDS, leaver_email_taken
from .mapping import FIELDS, REASON, mapping_problems

ALLOWED_SUFFIXES = (".csv", ".txt", ".tsv", ".xlsx")


class UploadForm(forms.Form):
    file = forms.FileField(
        label=_("Register file"),
        help_text=_("CSV or XLSX as your HR system exports it."),
        widget=forms.ClearableFileInput(attrs={"accept": ",".join(ALLOWED_SUFFIXES)}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = _(
            "CSV or XLSX as your HR system exports it, at most %(size)s."
        ) % {"size": filesizeformat(settings.UPLOAD_MAX_BYTES)}

    def clean_file(self):
        file = self.cleaned_data["file"]
        if file.size > settings.UPLOAD_MAX_BYTES:
            raise forms.ValidationError(
                _("The file is %(size)s; the limit is %(limit)s."),
                params={
                    "size": filesizeformat(file.size),
                    "limit": filesizeformat(settings.UPLOAD_MAX_BYTES),
                },
                code="too_large",
            )
        if Path(file.name).suffix.lower() not in ALLOWED_SUFFIXES:
            raise forms.ValidationError(_("Upload a CSV or XLSX file."), code="file_type")
        return file


class MappingForm(forms.Form):
    """One choice per column of the file: which register field it holds."""

    def __init__(self, *args, headers: list[str], mapping: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.headers = headers
        self.reason_columns = []
        choices = [("", _("Do not import")), *FIELDS.items()]
        for index, header in enumerate(headers):
            initial = mapping[index] if index < len(mapping) else ""
            if initial == REASON:
                self.reason_columns.append(header or _("Column %(n)s") % {"n": index + 1})
                continue
            self.fields[f"column_{index}"] = forms.ChoiceField(
                label=header or _("Column %(n)s") % {"n": index + 1},
                choices=choices,
                required=False,
                initial=initial,
            )

    def mapping(self) -> list[str]:
        return [
            self.cleaned_data.get(
                f"column_{index}", REASON if f"column_{index}" not in self.fields else ""
            )
            for index in range(len(self.headers))
        ]

    def clean(self):
        cleaned = super().clean()
        for problem in mapping_problems(self.mapping()):
            self.add_error(None, problem)
        return cleaned


class RegisterFilterForm(forms.Form):
    q = forms.CharField(label=_("Search name or email"), required=False, max_length=100)
    left_from = forms.DateField(
        label=_("Left from"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    left_to = forms.DateField(
        label=_("Left to"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    department = forms.ChoiceField(label=_("Department"), required=False)
    location = forms.ChoiceField(label=pgettext_lazy("workplace", "Location"), required=False)
    title = forms.ChoiceField(label=_("Job title"), required=False)
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("All")), *Leaver.Status.choices]
    )
    has_email = forms.ChoiceField(
        label=_("Email"),
        required=False,
        choices=[("", _("All")), ("yes", _("Has email")), ("no", _("No email"))],
    )
    sort = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, options: dict[str, list[str]], **kwargs):
        super().__init__(*args, **kwargs)
        for name, values in options.items():
            self.fields[name].choices = [("", _("All")), *((v, v) for v in values)]

    def filters(self) -> dict:
        if not self.is_valid():
            return {}
        return {k: v for k, v in self.cleaned_data.items() if k != "sort" and v}


MAX_ID = 2**63 - 1


class SegmentForm(forms.Form):
    name = forms.CharField(label=_("Segment name"), max_length=150)
    # The ticked checkboxes of the register table (ids; unknown ones are dropped later).
    leaver = forms.Field(required=False, widget=forms.MultipleHiddenInput)
    scope = forms.ChoiceField(
        label=_("Who goes in the segment"),
        choices=[
            ("chosen", _("The leavers I ticked")),
            ("filter", _("Everyone matching the filter")),
        ],
        initial="chosen",
        widget=forms.RadioSelect,
    )

    def clean_leaver(self) -> list[int]:
        # A forged id past the database's bigint range would be an error at the query.
        return [
            int(value)
            for value in self.cleaned_data["leaver"] or []
            if str(value).isdecimal() and int(value) <= MAX_ID
        ]

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("scope") == "chosen" and not cleaned.get("leaver"):
            self.add_error(
                "scope", _("Tick at least one leaver, or choose everyone matching the filter.")
            )
        return cleaned


class LeaverEditForm(forms.Form):
    """HR correcting a leaver by hand: the name, and how to reach them."""

    first_name = forms.CharField(label=_("First name"), max_length=150, required=False)
    last_name = forms.CharField(label=_("Last name"), max_length=150, required=False)
    email = forms.EmailField(
        label=_("Email"),
        max_length=254,
        required=False,
        help_text=_("Their private address: the one invitations go to."),
        # Someone else's address: the browser should not offer the coordinator's own.
        widget=forms.EmailInput(attrs={"autocomplete": "off"}),
    )
    phone = forms.CharField(
        label=_("Phone"),
        max_length=64,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "tel"}),
    )

    def __init__(self, *args, leaver: Leaver, **kwargs):
        self.leaver = leaver
        initial = {name: getattr(leaver, name) for name in EDITABLE_FIELDS}
        kwargs.setdefault("label_suffix", "")  # labels above fields carry no colon
        super().__init__(*args, initial=initial, **kwargs)

    def clean_email(self) -> str:
        email = normalise_email(self.cleaned_data["email"])
        other = leaver_email_taken(email=email, leaver=self.leaver)
        if other is not None:
            raise forms.ValidationError(
                _("%(name)s already has this address in the register."),
                params={"name": other},
                code="email_taken",
            )
        return email

    def clean(self):
        cleaned = super().clean()
        names = (cleaned.get("first_name"), cleaned.get("last_name"))
        if self.leaver.full_name and not any(names):
            # Blanking a person is erasure, which has its own page and rules.
            self.add_error(
                "first_name", _("Keep a first or last name, so HR can tell who this is.")
            )
        return cleaned
