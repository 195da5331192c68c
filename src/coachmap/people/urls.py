from django.urls import path

from coachmap.people import views

app_name = "people"

urlpatterns = [
    path("", views.index, name="index"),
    path("new/", views.person_new, name="new"),
    path("invite-teachers/", views.invite_teachers, name="invite-teachers"),
    path("<id:person_id>/", views.person_detail, name="person"),
    path("<id:person_id>/roles/", views.role_give, name="role-give"),
    path("<id:person_id>/roles/<id:membership_id>/remove/", views.role_take, name="role-take"),
    path("<id:person_id>/switch/", views.person_switch, name="switch"),
    path("<id:person_id>/invite/", views.person_invite, name="invite"),
]
