"""Public pages of joining: the join link, no thanks, and asking to join."""

from http import HTTPStatus

from allauth.core import ratelimit
from django.contrib import messages
from django.contrib.auth import login
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from alumni_network.mail.models import normalise_email
from alumni_network.mail.views import invalid_link
from members.guidelines import current_guidelines

from .forms import JoinForm, JoinRequestForm
from .join import AlreadyHasAccount, decline_invitation, has_joined, join_network
from .links import InvalidLink, invitation_for_token
from .requests import request_to_join


def _already_joined(request, invitation):
    return render(request, "invitations/join/already_joined.html", {"invitation": invitation})


# GET and HEAD only show the page (mail scanners follow links); POST joins.
@require_http_methods(["GET", "HEAD", "POST"])
def join(request, token):
    try:
        invitation = invitation_for_token(token)
    except InvalidLink:
        return invalid_link(request)
    if has_joined(invitation):
        return _already_joined(request, invitation)
    leaver = invitation.leaver
    form = JoinForm(
        request.POST if request.method == "POST" else None,
        email=leaver.email,
        initial={"first_name": leaver.first_name, "last_name": leaver.last_name},
    )
    if request.method == "POST" and form.is_valid():
        try:
            user = join_network(
                invitation=invitation,
                first_name=form.cleaned_data["first_name"],
                last_name=form.cleaned_data["last_name"],
                password=form.cleaned_data["password"],
                language=get_language(),
            )
        except AlreadyHasAccount:
            return _already_joined(request, invitation)
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        if form.cleaned_data["login_method"] == JoinForm.CODE:
            messages.success(
                request,
                _("Welcome! Next time, log in with a code we email to %(email)s.")
                % {"email": user.email},
            )
        else:
            messages.success(request, _("Welcome to the network!"))
        return redirect("members:home")
    guidelines = current_guidelines()
    context = {
        "invitation": invitation,
        "leaver": leaver,
        "form": form,
        "guidelines_text": guidelines.text_for(get_language()) if guidelines else "",
        "token": token,
    }
    return render(request, "invitations/join/join.html", context)


@require_http_methods(["GET", "HEAD", "POST"])
def decline(request, token):
    try:
        invitation = invitation_for_token(token)
    except InvalidLink:
        return invalid_link(request)
    if has_joined(invitation):
        return _already_joined(request, invitation)
    if request.method == "POST":
        decline_invitation(invitation=invitation)
        return render(request, "invitations/join/declined.html", {"invitation": invitation})
    return render(
        request, "invitations/join/decline.html", {"invitation": invitation, "token": token}
    )


@require_http_methods(["GET", "HEAD", "POST"])
def join_request(request):
    form = JoinRequestForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        # Counted per client and per address (settings.ACCOUNT_RATE_LIMITS["join_request"])
        # in the cache login's limits use, failing open the same way while it is down.
        if not ratelimit.consume(
            request, action="join_request", key=normalise_email(form.cleaned_data["email"])
        ):
            form.add_error(
                None,
                _(
                    "We have received several requests from you in a short time. "
                    "Please wait an hour and try again. If you have already sent "
                    "your request, there is no need to send it again: we will be in touch."
                ),
            )
            return render(
                request,
                "invitations/join/request.html",
                {"form": form},
                status=HTTPStatus.TOO_MANY_REQUESTS,
            )
        request_to_join(**form.cleaned_data, language=get_language())
        return redirect("invitations:join_request_sent")
    return render(request, "invitations/join/request.html", {"form": form})


@require_http_methods(["GET", "HEAD"])
def join_request_sent(request):
    return render(request, "invitations/join/request_sent.html")
