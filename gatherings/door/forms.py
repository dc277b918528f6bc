"""Forms of the door: the search, the personal code and the guest."""

from django import forms
from django.utils.translation import gettext_lazy as _

from ..models import Guest


class DoorForm(forms.Form):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")  # labels above fields carry no colon
        super().__init__(*args, **kwargs)


class SearchForm(DoorForm):
    q = forms.CharField(
        label=_("Name or personal code"),
        help_text=_("Two or three letters of the first or last name are enough."),
        max_length=100,
        required=False,
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "autocapitalize": "none", "spellcheck": "false"}
        ),
    )


class CodeForm(DoorForm):
    code = forms.CharField(
        label=_("Personal code"),
        help_text=_("From the email or the badge, for example K7M-42P."),
        max_length=20,
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}
        ),
    )


class GuestForm(forms.ModelForm):
    class Meta:
        model = Guest
        fields = ["name", "email", "employer"]
        help_texts = {
            "email": _("Only for asking the guest to join the network later."),
            "employer": _("Optional."),
        }

    def __init__(self, *args, gathering, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.gathering = gathering

    def clean_email(self):
        email = self.cleaned_data["email"].strip()
        if Guest.objects.filter(gathering=self.gathering, email__iexact=email).exists():
            raise forms.ValidationError(
                _("A guest with this email address is already registered for this gathering.")
            )
        return email
