"""What the mail app tells the apps above it."""

from django.dispatch import Signal

# An address was suppressed for good (opted out, bounced, complained or erased).
# Sent inside the suppressing transaction with `email` (normalised) and `reason`.
address_suppressed = Signal()
