from django.utils import translation


class UserLanguageMiddleware:
    """A logged-in user's pages are in the language they chose, on every device. The language is put back after
    the response, so the next request handled by the same thread starts from its own."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.language:
            with translation.override(user.language):
                request.LANGUAGE_CODE = user.language
                response = self.get_response(request)
            response.headers.setdefault("Content-Language", user.language)
            return response
        return self.get_response(request)
