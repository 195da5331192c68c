from django.urls import path

from coachmap.notifications import views

app_name = "notifications"
urlpatterns = [
    path("notifications/", views.notifications, name="list"),
    path("notifications/email/", views.email_settings, name="settings"),
]
