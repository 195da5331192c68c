from django.urls import path

from coachmap.library import views

app_name = "library"
urlpatterns = [
    path("", views.index, name="index"),
    path("new/", views.resource_new, name="resource-new"),
    path("<id:resource_id>/", views.resource_detail, name="resource"),
    path("<id:resource_id>/edit/", views.resource_edit, name="resource-edit"),
    path("<id:resource_id>/open/", views.resource_open, name="resource-open"),
]
