"""The interface language of a signed-in person: their own choice (profile), else what
LocaleMiddleware found (the language cookie, then the browser's Accept-Language)."""

from django.conf import settings
from django.utils import translation

from .languages import chosen_language as user_language


class UserLanguageMiddleware:
    """Activate a signed-in person's chosen language. Runs after AuthenticationMiddleware.

    The chosen language is also written to the language cookie, so that the sign-in page (after
    signing out, or when the session expires) follows the person's choice.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        code = user_language(user) if user is not None and user.is_authenticated else ""
        if code:
            translation.activate(code)
            request.LANGUAGE_CODE = code
        response = self.get_response(request)
        # Read again: the person may have signed in, or changed their choice, in this request.
        user = getattr(request, "user", None)
        code = user_language(user) if user is not None and user.is_authenticated else ""
        if code and request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME) != code:
            response.set_cookie(
                settings.LANGUAGE_COOKIE_NAME,
                code,
                max_age=settings.LANGUAGE_COOKIE_AGE,
                path=settings.LANGUAGE_COOKIE_PATH,
                domain=settings.LANGUAGE_COOKIE_DOMAIN,
                secure=settings.LANGUAGE_COOKIE_SECURE,
                httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
                samesite=settings.LANGUAGE_COOKIE_SAMESITE,
            )
        return response
