"""Better Norwegian for a few of allauth's own strings.

allauth's nb catalogue has "Endre Passord", "Notat: Du er allerede logget inn"
and "Er du sikker at du ønsker å logge ut?". The site catalogue comes first in
LOCALE_PATHS, so translating the same msgids there overrides allauth's. Their
templates are not ours, so these marks keep makemessages from dropping them.
"""

from django.utils.translation import gettext_noop

ALLAUTH_MSGIDS = (
    gettext_noop("Change Password"),
    # Shown as "Note: You are already logged in as …".
    gettext_noop("Note"),
    gettext_noop("Are you sure you want to sign out?"),
)
