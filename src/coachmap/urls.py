from django.contrib.auth import views as auth_views
from django.urls import include, path

from coachmap.api.api import api
from coachmap.core import views as core_views
from coachmap.core.admin import site as admin_site

handler400 = "coachmap.core.views.bad_request"

urlpatterns = [
    path("", core_views.home, name="home"),
    path("accounts/login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("district/settings/", core_views.district_settings, name="district-settings"),
    path("", include("coachmap.improvement.urls")),
    path("", include("coachmap.coaching.urls")),
    path("reports/", include("coachmap.reports.urls")),
    path("data/", include("coachmap.roster.urls")),
    path("surveys/", include("coachmap.feedback.urls")),
    path("library/", include("coachmap.library.urls")),
    path("api/", api.urls),
    path("admin/", admin_site.urls),
]
