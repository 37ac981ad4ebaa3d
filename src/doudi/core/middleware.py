from django.conf import settings
from django.contrib.auth.middleware import LoginRequiredMiddleware as _Base
from django.middleware.locale import LocaleMiddleware as _LocaleBase
from django.utils import translation


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
