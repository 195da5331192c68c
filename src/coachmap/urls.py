from django.contrib.auth import views as auth_views
from django.urls import include, path, re_path

from coachmap.api import legacy as api_legacy
from coachmap.api.api import api
from coachmap.core import views as core_views
from coachmap.core.admin import site as admin_site
from coachmap.home import views as home_views
from coachmap.people import views as people_views
from coachmap.signin import urls as signin_urls
from coachmap.signin import views as signin_views

handler400 = "coachmap.core.views.bad_request"

urlpatterns = [
    # For a load balancer: no sign-in, JSON (docs/deploy.md).
    path("healthz", core_views.healthz, name="healthz"),
    path("", home_views.home, name="home"),
    path("accounts/login/", signin_views.SignInView.as_view(), name="login"),
    # Single sign-on: the providers' sign-in and return addresses (docs/sign-in.md).
    path("accounts/sso/", include(signin_urls.provider_urlpatterns)),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    # Passwords: each person sets their own, through a single-use emailed link or with the old one.
    path(
        "accounts/password/reset/",
        auth_views.PasswordResetView.as_view(
            email_template_name="registration/password_reset_email.txt",
            subject_template_name="registration/password_reset_subject.txt",
        ),
        name="password_reset",
    ),
    path(
        "accounts/password/reset/sent/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "accounts/password/reset/<uidb64>/<token>/",
        core_views.PasswordResetConfirm.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "accounts/password/reset/done/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    # An invitation: the first set-your-password link of an account nobody has used yet.
    path(
        "accounts/invitation/<uidb64>/<token>/",
        people_views.InvitationAccept.as_view(),
        name="invitation_accept",
    ),
    path("accounts/email/", core_views.email_change, name="email_change"),
    path("accounts/password/change/", auth_views.PasswordChangeView.as_view(), name="password_change"),
    path(
        "accounts/password/change/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path("district/settings/", core_views.district_settings, name="district-settings"),
    path("district/sign-in/", include("coachmap.signin.urls")),
    path("district/people/", include("coachmap.people.urls")),
    path("", include("coachmap.improvement.urls")),
    path("", include("coachmap.coaching.urls")),
    path("", include("coachmap.notifications.urls")),
    path("reports/", include("coachmap.reports.urls")),
    path("families/", include("coachmap.families.urls")),
    path("program/", include("coachmap.program.urls")),
    path("impact/", include("coachmap.impact.urls")),
    path("data/", include("coachmap.roster.urls")),
    path("surveys/", include("coachmap.feedback.urls")),
    path("library/", include("coachmap.library.urls")),
    # The API (issue 20): versioned; the first, unversioned paths answer the same (docs/api.md).
    path("api/v1/", api.urls),
    re_path(r"^api/(?!v1(?:/|$))(?P<rest>.*)$", api_legacy.forward, name="api-legacy"),
    path("account/", include("coachmap.api.urls")),
    path("admin/", admin_site.urls),
]
