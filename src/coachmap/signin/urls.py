"""The district's sign-in settings, and django-allauth's provider addresses (only those: coachmap
keeps its own sign-in page and password pages, so allauth's account pages are not served)."""

from __future__ import annotations

from allauth.urls import build_provider_urlpatterns
from django.urls import URLPattern, URLResolver, path

from coachmap.signin import views

app_name = "signin"
urlpatterns = [
    path("", views.settings_page, name="settings"),
    path("passwords/", views.passwords_page, name="passwords"),
    path("<slug:kind>/", views.provider_page, name="provider"),
]

# Not namespaced: allauth reverses these by their own names.
provider_urlpatterns: list[URLPattern | URLResolver] = [
    path("login/cancelled/", views.login_cancelled, name="socialaccount_login_cancelled"),
    path("login/error/", views.login_error, name="socialaccount_login_error"),
    # Google's one-tap sign-in posts a token straight here, past the sign-in page: not offered.
    *(p for p in build_provider_urlpatterns() if getattr(p, "name", "") != "google_login_by_token"),
]
