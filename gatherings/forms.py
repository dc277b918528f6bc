"""Forms of gatherings: the gathering, its agenda items, organisers and answers."""

from django import forms
from django.db.models import Q
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from members.models import Member, Organisation
from members.organisations import seen_organisations

from .models import AgendaItem, Gathering, HostContact, Rsvp


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


def _words(text: str) -> list[str]:
    return [word.strip() for word in text.split(",") if word.strip()]


class GatheringForm(forms.ModelForm):
    # The choices are set per viewer in __init__.
    host = forms.ModelChoiceField(
        label=capfirst(_("host")),
        queryset=Organisation.objects.none(),
        required=False,
        empty_label=_("Choose the host …"),
    )
    use_template = forms.BooleanField(
        label=_("Start the agenda from the format's template"), required=False, initial=True
    )
    audience_departments = forms.CharField(
        label=_("Only members from these departments"),
        required=False,
        help_text=_("Separate with commas. Empty means every department."),
    )
    audience_locations = forms.CharField(
        label=_("Only members living in these places"),
        required=False,
        help_text=_("Separate with commas. Empty means everywhere."),
    )
    audience_left_from = forms.IntegerField(
        label=_("Left the company in or after"), required=False, min_value=1900, max_value=2100
    )
    audience_left_to = forms.IntegerField(
        label=_("Left the company in or before"), required=False, min_value=1900, max_value=2100
    )

    class Meta:
        model = Gathering
        fields = [
            "title",
            "format",
            "start",
            "end",
            "rsvp_deadline",
            "capacity",
            "ask_dietary",
            "description",
            "host",
            "address",
            "room",
            "directions",
        ]
        widgets = {
            "start": DateTimeInput(),
            "end": DateTimeInput(),
            "rsvp_deadline": DateTimeInput(),
            "description": forms.Textarea(attrs={"rows": 4}),
            "directions": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, viewer, creating: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if not creating:
            del self.fields["use_template"]
        # Hosts HR may know of: an employer known only from hidden profiles is not offered.
        # A gathering's host counts as known, so an edited gathering keeps its own.
        self.fields["host"].queryset = seen_organisations(viewer=viewer).order_by("name")
        audience = self.instance.audience or {}
        self.initial.setdefault("audience_departments", ", ".join(audience.get("departments", [])))
        self.initial.setdefault("audience_locations", ", ".join(audience.get("locations", [])))
        self.initial.setdefault("audience_left_from", audience.get("left_from"))
        self.initial.setdefault("audience_left_to", audience.get("left_to"))

    def main_fields(self):
        names = ["title", "format", "start", "end", "rsvp_deadline", "capacity"]
        names += ["ask_dietary", "description", "use_template"]
        return [self[name] for name in names if name in self.fields]

    def clean(self):
        cleaned = super().clean()
        start, end, deadline = (
            cleaned.get("start"),
            cleaned.get("end"),
            cleaned.get("rsvp_deadline"),
        )
        if start and end and end <= start:
            self.add_error("end", _("The gathering must end after it starts."))
        if start and deadline and deadline > start:
            self.add_error("rsvp_deadline", _("The answer deadline must be before the start."))
        return cleaned

    def audience(self) -> dict:
        data = self.cleaned_data
        audience = {
            "departments": _words(data.get("audience_departments") or ""),
            "locations": _words(data.get("audience_locations") or ""),
            "left_from": data.get("audience_left_from"),
            "left_to": data.get("audience_left_to"),
        }
        return {key: value for key, value in audience.items() if value}

    def gathering_fields(self) -> dict:
        fields = {name: self.cleaned_data[name] for name in self.Meta.fields}
        fields["audience"] = self.audience()
        return fields


HostContactFormSet = forms.inlineformset_factory(
    Gathering,
    HostContact,
    fields=["name", "email", "phone"],
    extra=1,
    can_delete=True,
)


class AgendaItemForm(forms.ModelForm):
    class Meta:
        model = AgendaItem
        fields = [
            "kind",
            "title",
            "duration_minutes",
            "description",
            "speaker_member",
            "speaker_name",
            "speaker_organisation",
        ]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Organisers pick speakers too: only members in the directory are offered
        # (and the one already chosen), each by name, never by address.
        speaker = self.fields["speaker_member"]
        speaker.queryset = (
            Member.objects.filter(
                Q(in_directory=True, user__is_active=True) | Q(pk=self.instance.speaker_member_id)
            )
            .select_related("user")
            .order_by("sort_name", "pk")
        )
        speaker.label_from_instance = speaker_label
        speaker.empty_label = _("Choose a member …")
        self.fields["duration_minutes"].min_value = 1
        self.fields["duration_minutes"].widget.attrs["min"] = 1

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("speaker_member") and cleaned.get("speaker_name"):
            self.add_error(
                "speaker_name", _("Choose a member or write an external name, not both.")
            )
        return cleaned


def speaker_label(member: Member) -> str:
    return member.user.get_full_name() or _("A member without a name")


class OrganiserForm(forms.Form):
    member = forms.ModelChoiceField(
        label=_("Member"),
        queryset=Member.objects.select_related("user"),
        empty_label=_("Choose a member …"),
    )


class AnswerForm(forms.Form):
    answer = forms.ChoiceField(
        label=_("Your answer"),
        choices=[
            (Rsvp.Answer.YES, _("Yes, I am coming")),
            (Rsvp.Answer.MAYBE, _("Maybe")),
            (Rsvp.Answer.NO, _("No, I cannot come")),
        ],
        widget=forms.RadioSelect,
    )
    dietary = forms.CharField(
        label=_("Dietary needs or allergies"),
        required=False,
        max_length=300,
        help_text=_("For example vegetarian, gluten-free or nut allergy."),
    )

    def __init__(self, *args, ask_dietary: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        if not ask_dietary:
            del self.fields["dietary"]


class MessageForm(forms.Form):
    subject = forms.CharField(label=_("Subject"), max_length=200)
    body = forms.CharField(label=_("Message"), widget=forms.Textarea(attrs={"rows": 8}))


class HostAskForm(forms.Form):
    """Which member to ask about hosting, at which of their employers (hidden fields)."""

    # Hidden, so no empty option to label.
    member = forms.ModelChoiceField(
        queryset=Member.objects.select_related("user"), empty_label=None
    )
    organisation = forms.ModelChoiceField(queryset=Organisation.objects.all(), empty_label=None)
