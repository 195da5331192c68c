from django.urls import path

from coachmap.reports import views

app_name = "reports"
urlpatterns = [
    path("coaching/", views.coaching_trends, name="coaching-trends"),
    path("coaching/<slug:table>.csv", views.dashboard_csv, name="dashboard-csv"),
    path("summary/", views.summary_page, name="summary"),
    path("summary.pdf", views.summary_pdf, name="summary-pdf"),
    path("impact/", views.impact_summary, name="impact"),
    path("impact.pdf", views.impact_pdf, name="impact-pdf"),
]
