from django.conf import settings
from django.contrib.auth.middleware import LoginRequiredMiddleware as _Base
from django.http import HttpResponseBadRequest, JsonResponse
from django.middleware.locale import LocaleMiddleware as _LocaleBase
from django.utils import translation
from django.utils.translation import gettext as _


class LoginRequiredMiddleware(_Base):
    """Every page needs a login (Django's own middleware), except the API — which answers 401
    itself, as API clients expect — and the health check."""

    open_prefixes = ("/api/", "/healthz", "/static/", "/i18n/")

    def process_view(self, request, view_func, view_args, view_kwargs):
        if request.path.startswith(self.open_prefixes):
            return None
        return super().process_view(request, view_func, view_args, view_kwargs)


class LocaleMiddleware(_LocaleBase):
    """Chinese first (DESIGN.md promise 5): the language is the one the user picked with the
    language switch (a cookie), otherwise LANGUAGE_CODE — never guessed from the browser, since
    office computers often run English-language systems."""

    def process_request(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        supported = {code for code, _name in settings.LANGUAGES}
        language = chosen if chosen in supported else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()


class NulRefusedMiddleware:
    """A NUL character in the path, the query string or a posted form's fields is answered 400
    before any view: no page has a use for one, and PostgreSQL refuses NUL in text, so a `?q=%00`
    or a posted field reaching the database without a Django form (whose fields refuse NUL) was a
    500. tests/core/test_nul.py sends one to every route without parameters. (CSRF's middleware
    reads the posted form anyway; JSON bodies are the API's schemas' business.)"""

    def __init__(self, get_response):
        self.get_response = get_response

    FORMS = ("application/x-www-form-urlencoded", "multipart/form-data")

    @staticmethod
    def _holds_nul(data) -> bool:
        return any("\x00" in key or any("\x00" in v for v in values) for key, values in data.lists())

    def __call__(self, request):
        posted = request.method == "POST" and request.content_type in self.FORMS
        if (
            "\x00" in request.path
            or self._holds_nul(request.GET)
            or (posted and self._holds_nul(request.POST))  # the fields, not the uploaded files
        ):
            message = _("The request holds an invalid character (NUL).")
            if request.path.startswith("/api/"):
                return JsonResponse({"detail": message}, status=400)
            return HttpResponseBadRequest(message, content_type="text/plain; charset=utf-8")
        return self.get_response(request)
