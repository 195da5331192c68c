from django.urls import path

from coachmap.reports import views

app_name = "reports"
urlpatterns = [
    path("coaching/", views.coaching_trends, name="coaching-trends"),
    path("impact/", views.impact_summary, name="impact"),
    path("impact.pdf", views.impact_pdf, name="impact-pdf"),
]
