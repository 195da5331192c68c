from django.urls import path

from coachmap.api import views

app_name = "tokens"

urlpatterns = [
    path("tokens/", views.personal, name="personal"),
    path("tokens/<id:token_id>/revoke/", views.personal_revoke, name="personal-revoke"),
    path("service-accounts/", views.services, name="services"),
    path("service-accounts/<id:account_id>/revoke/", views.service_revoke, name="service-revoke"),
]
