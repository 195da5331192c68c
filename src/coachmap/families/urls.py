from django.urls import path

from coachmap.families import views

app_name = "families"
urlpatterns = [
    path("", views.report_list, name="index"),
    path("new/", views.report_new, name="new"),
    path("<id:report_id>/", views.report_detail, name="report"),
    path("<id:report_id>/edit/", views.report_edit, name="edit"),
    path("<id:report_id>/publish/", views.report_publish, name="publish"),
    path("<id:report_id>/revoke/", views.report_revoke, name="revoke"),
    path("<id:report_id>/report.pdf", views.report_pdf, name="pdf"),
    # The families' link: no account; the school and an unguessable token (docs/families.md).
    path("read/<id:school_id>/<str:token>/", views.public_report, name="public"),
    path("read/<id:school_id>/<str:token>/report.pdf", views.public_report_pdf, name="public-pdf"),
]
