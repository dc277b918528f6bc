"""allauth's forms where an address comes in, held to the 254 characters an address may have.

Django's email validator lets up to 320 characters through; every email column
here (accounts, outbox, register) is 254 long, as RFC 5321 allows for a path,
so a longer address must be a form error, not a database error.
"""

from allauth.account.forms import RequestLoginCodeForm, ResetPasswordForm
from django.core.validators import MaxLengthValidator

EMAIL_MAX_LENGTH = 254


def limit_email_field(field) -> None:
    field.max_length = EMAIL_MAX_LENGTH
    field.validators.append(MaxLengthValidator(EMAIL_MAX_LENGTH))
    field.widget.attrs["maxlength"] = str(EMAIL_MAX_LENGTH)


class LoginCodeForm(RequestLoginCodeForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "email" in self.fields:
            limit_email_field(self.fields["email"])


class PasswordResetForm(ResetPasswordForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        limit_email_field(self.fields["email"])
