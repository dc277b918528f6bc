"""Unsubscribe links and ESP tracking webhooks, mounted at the site root."""

from anymail.webhooks.amazon_ses import AmazonSESTrackingWebhookView
from anymail.webhooks.brevo import BrevoTrackingWebhookView
from anymail.webhooks.mailgun import MailgunTrackingWebhookView
from anymail.webhooks.postmark import PostmarkTrackingWebhookView
from django.urls import path

from . import views

app_name = "mail"
urlpatterns = [
    path("unsubscribe/<str:token>/", views.unsubscribe_view, name="unsubscribe"),
    # Bounce and complaint webhooks, behind ANYMAIL_WEBHOOK_SECRET basic auth.
    path(
        "webhooks/mailgun/tracking/",
        views.tracking_webhook(MailgunTrackingWebhookView),
        name="mailgun_tracking",
    ),
    path(
        "webhooks/postmark/tracking/",
        views.tracking_webhook(PostmarkTrackingWebhookView),
        name="postmark_tracking",
    ),
    path(
        "webhooks/amazon-ses/tracking/",
        views.tracking_webhook(AmazonSESTrackingWebhookView),
        name="amazon_ses_tracking",
    ),
    path(
        "webhooks/brevo/tracking/",
        views.tracking_webhook(BrevoTrackingWebhookView),
        name="brevo_tracking",
    ),
]
