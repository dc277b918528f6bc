"""Email for every app: the outbox, sending, suppression, unsubscribe and ESP webhooks.

The bottom layer: it imports Django and anymail, and every other app imports it.
"""
