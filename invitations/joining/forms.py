"""Forms of joining: the join page and the public request to join."""

from django import forms
from django.contrib.auth import password_validation
from django.utils.translation import gettext_lazy as _

from members.models import User


class JoinForm(forms.Form):
    PASSWORD, CODE = "password", "code"

    first_name = forms.CharField(label=_("First name"), max_length=150)
    last_name = forms.CharField(label=_("Last name"), max_length=150, required=False)
    login_method = forms.ChoiceField(
        label=_("How do you want to log in?"),
        choices=[
            (PASSWORD, _("With a password")),
            (CODE, _("Email me a login code each time (no password)")),
        ],
        initial=PASSWORD,
        widget=forms.RadioSelect,
    )
    password = forms.CharField(
        label=_("Password"),
        required=False,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=password_validation.password_validators_help_text_html,
    )
    accept_guidelines = forms.BooleanField(
        label=_("I accept the network's purpose and guidelines"),
        error_messages={"required": _("You can join once you accept the guidelines.")},
    )

    def __init__(self, *args, email: str, **kwargs):
        self.email = email
        super().__init__(*args, **kwargs)
        self.fields["first_name"].widget.attrs["autocomplete"] = "given-name"
        self.fields["last_name"].widget.attrs["autocomplete"] = "family-name"

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("login_method") == self.PASSWORD:
            password = cleaned.get("password")
            if not password:
                self.add_error("password", _("Choose a password, or log in with a code instead."))
            else:
                user = User(
                    email=self.email,
                    first_name=cleaned.get("first_name", ""),
                    last_name=cleaned.get("last_name", ""),
                )
                try:
                    password_validation.validate_password(password, user)
                except forms.ValidationError as error:
                    self.add_error("password", error)
        else:
            cleaned["password"] = None
        return cleaned


class JoinRequestForm(forms.Form):
    name = forms.CharField(
        label=_("Your name"),
        max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    email = forms.EmailField(
        label=_("Email"),
        # The email columns are 254 long; Django's validator lets up to 320 through.
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        help_text=_("The address you want to use in the network."),
    )
    years = forms.CharField(
        label=_("Years at the company"),
        max_length=50,
        help_text=_("For example 2012–2019."),
    )
    department = forms.CharField(label=_("Department"), max_length=150, required=False)
    message = forms.CharField(
        label=_("Anything else we should know?"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class JoinDecisionForm(forms.Form):
    APPROVE, REJECT = "approve", "reject"

    decision = forms.ChoiceField(choices=[(APPROVE, _("Approve")), (REJECT, _("Reject"))])
    # A register row to link; empty adds them to the register (or uses their address's row).
    leaver = forms.IntegerField(required=False)
