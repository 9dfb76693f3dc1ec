"""Every page requires a signed-in user unless its view is marked with @login_not_required."""

from django.contrib.auth.middleware import LoginRequiredMiddleware


class LoginRequiredByDefaultMiddleware(LoginRequiredMiddleware):
    """Django's LoginRequiredMiddleware, except for the API, which answers 401/403 itself."""

    def process_view(self, request, view_func, view_args, view_kwargs):
        if request.path_info.startswith("/api/"):
            return None
        return super().process_view(request, view_func, view_args, view_kwargs)
