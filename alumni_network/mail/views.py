"""Pages behind the links in emails that need no login (unsubscribe), and the ESP webhooks."""

from anymail.exceptions import AnymailConfigurationError
from django.conf import settings
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from .suppression import is_suppressed
from .unsubscribe import InvalidLink, email_for_unsubscribe_token, unsubscribe


def invalid_link(request):
    return render(request, "mail/link_invalid.html", status=400)


# The signed token is the authority here, and RFC 8058 one-click POSTs come
# from mail providers without a CSRF token.
@csrf_exempt
@require_http_methods(["GET", "HEAD", "POST"])
def unsubscribe_view(request, token):
    try:
        email = email_for_unsubscribe_token(token)
    except InvalidLink:
        return invalid_link(request)
    if request.method != "POST":
        return render(
            request,
            "mail/unsubscribe.html",
            {"email": email, "already": is_suppressed(email)},
        )
    unsubscribe(email=email)
    if request.POST.get("List-Unsubscribe") == "One-Click":
        return HttpResponse(status=200)
    return render(request, "mail/unsubscribed.html", {"email": email})


def tracking_webhook(view_class):
    """An anymail tracking webhook, answering only once it is configured.

    Without ANYMAIL_WEBHOOK_SECRET (basic auth) or the ESP's own keys the
    endpoint does not exist, rather than accept unauthenticated events or fail.
    """

    @csrf_exempt
    def view(request, *args, **kwargs):
        if not settings.ANYMAIL.get("WEBHOOK_SECRET"):
            raise Http404
        try:
            return view_class.as_view()(request, *args, **kwargs)
        except AnymailConfigurationError as error:
            raise Http404 from error

    return view
