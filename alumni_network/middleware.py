"""Request middleware of the site as a whole."""

from django.utils import translation


class UserLanguageMiddleware:
    """Serve a logged-in person in the language stored on their account.

    Runs after LocaleMiddleware (cookie, Accept-Language) and authentication,
    so the stored preference wins on every device the person logs in from.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        language = getattr(user, "language", "") if user and user.is_authenticated else ""
        if language:
            translation.activate(language)
            request.LANGUAGE_CODE = language
        return self.get_response(request)
