from django.urls import path

from coachmap.notifications import views

app_name = "notifications"
urlpatterns = [
    path("notifications/", views.notifications, name="list"),
    path("notifications/email/", views.email_settings, name="settings"),
    path("notifications/webhooks/", views.webhooks_page, name="webhooks"),
    path("notifications/webhooks/<id:endpoint_id>/remove/", views.webhook_remove, name="webhook-remove"),
]
