"""Public pages of invitations (links in emails, ESP webhooks), mounted at the site root."""

from anymail.webhooks.amazon_ses import AmazonSESTrackingWebhookView
from anymail.webhooks.brevo import BrevoTrackingWebhookView
from anymail.webhooks.mailgun import MailgunTrackingWebhookView
from anymail.webhooks.postmark import PostmarkTrackingWebhookView
from django.urls import path

from . import join_views, mail_views

app_name = "invitations"
urlpatterns = [
    path("unsubscribe/<str:token>/", mail_views.unsubscribe_view, name="unsubscribe"),
    path("join/request/", join_views.join_request, name="join_request"),
    path("join/request/sent/", join_views.join_request_sent, name="join_request_sent"),
    path("join/<str:token>/", join_views.join, name="join"),
    path("join/<str:token>/decline/", join_views.decline, name="join_decline"),
    # Bounce and complaint webhooks, behind ANYMAIL_WEBHOOK_SECRET basic auth.
    path(
        "webhooks/mailgun/tracking/",
        mail_views.tracking_webhook(MailgunTrackingWebhookView),
        name="mailgun_tracking",
    ),
    path(
        "webhooks/postmark/tracking/",
        mail_views.tracking_webhook(PostmarkTrackingWebhookView),
        name="postmark_tracking",
    ),
    path(
        "webhooks/amazon-ses/tracking/",
        mail_views.tracking_webhook(AmazonSESTrackingWebhookView),
        name="amazon_ses_tracking",
    ),
    path(
        "webhooks/brevo/tracking/",
        mail_views.tracking_webhook(BrevoTrackingWebhookView),
        name="brevo_tracking",
    ),
]
