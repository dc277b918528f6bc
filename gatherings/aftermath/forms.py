"""The rating form of the day-after feedback link."""

from django import forms
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from . import feedback


class FeedbackForm(forms.Form):
    rating = forms.TypedChoiceField(
        label=_("How was the gathering?"),
        # Lazy, so each request shows the words in its own language.
        choices=[
            (rating, format_lazy("{} – {}", rating, label))
            for rating, label in feedback.RATING_LABELS.items()
        ],
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose a rating from 1 to 5.")},
    )
    comment = forms.CharField(
        label=_("Anything you want to tell us? (optional)"),
        help_text=_("What was good, and what should we do differently next time?"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")  # labels above fields carry no colon
        super().__init__(*args, **kwargs)
