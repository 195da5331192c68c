from django.urls import path

from coachmap.impact import views

app_name = "impact"
urlpatterns = [
    path("", views.index, name="index"),
    path("estimates.csv", views.export, name="export"),
    path("board.pdf", views.board_pdf, name="pdf"),
]
