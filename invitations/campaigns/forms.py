"""Forms of the campaign pages."""

from django import forms
from django.conf import settings
from django.urls import reverse_lazy
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from alumni_network.mail.models import OutboxEmail

from ..models import Campaign, Segment

PLACEHOLDER_HELP = _(
    "You can use {first_name}, {years} (years at the company), {next_gathering}, "
    "{company} and {network}. Leave an empty line between paragraphs."
)


class CampaignCreateForm(forms.Form):
    name = forms.CharField(
        label=_("Name"),
        max_length=150,
        help_text=_("For you only, e.g. “Autumn 2026, Bergen”. Recipients do not see it."),
    )
    segment = forms.ModelChoiceField(
        label=_("Who to invite"),
        queryset=Segment.objects.order_by("name"),
        empty_label=_("Choose a segment"),
        help_text=_("A saved selection of the register."),
        # Shows who is invited as soon as a segment is chosen; without JavaScript
        # the "Show who is invited" button does the same.
        widget=forms.Select(
            attrs={
                "data-hx-get": reverse_lazy("hr_invitations:campaign_create"),
                "data-hx-trigger": "change",
                "data-hx-target": "#audience",
                "data-hx-swap": "outerHTML",
            }
        ),
    )


class CampaignMessageForm(forms.ModelForm):
    class Meta:
        model = Campaign
        fields = [
            "name",
            "subject_nb",
            "body_nb",
            "subject_en",
            "body_en",
            "reminder_count",
            "reminder_interval_days",
            "reply_to",
        ]
        widgets = {
            "body_nb": forms.Textarea(attrs={"rows": 16}),
            "body_en": forms.Textarea(attrs={"rows": 16}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["body_nb"].help_text = PLACEHOLDER_HELP
        self.fields["body_en"].help_text = PLACEHOLDER_HELP
        self.fields["reminder_count"].widget.attrs.update({"min": 0, "max": 10})
        self.fields["reminder_interval_days"].widget.attrs.update({"min": 1, "max": 60})

    def clean_reminder_count(self):
        value = self.cleaned_data["reminder_count"]
        if value > 10:
            raise forms.ValidationError(_("At most 10 reminders."))
        return value

    def clean_reminder_interval_days(self):
        value = self.cleaned_data["reminder_interval_days"]
        if value < 1:
            raise forms.ValidationError(_("At least one day between reminders."))
        return value


class ScheduleForm(forms.Form):
    scheduled_at = forms.DateTimeField(
        label=_("Send at"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
    )

    def clean_scheduled_at(self):
        value = self.cleaned_data["scheduled_at"]
        if value <= timezone.now():
            raise forms.ValidationError(_("Choose a time in the future, or send now."))
        return value


class TestSendForm(forms.Form):
    language = forms.ChoiceField(label=_("Language"), choices=settings.LANGUAGES)


class PreviewForm(forms.Form):
    leaver = forms.TypedChoiceField(label=_("Preview as"), coerce=int, required=False)
    language = forms.ChoiceField(label=_("Language"), choices=settings.LANGUAGES, required=False)
    kind = forms.ChoiceField(
        label=_("Email"),
        choices=[("invitation", _("Invitation")), ("reminder", _("Reminder"))],
        required=False,
    )

    def __init__(self, *args, leavers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["leaver"].choices = [
            (leaver.pk, f"{leaver.full_name or leaver.email} ({leaver.email})")
            for leaver in leavers
        ]


class OutboxFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"),
        choices=[("", _("All")), *OutboxEmail.Status.choices],
        required=False,
    )
