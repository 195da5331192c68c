from django.urls import path

from coachmap.roster import views

app_name = "roster"
urlpatterns = [
    path("imports/", views.imports, name="imports"),
    path("imports/<id:run_id>/", views.import_run, name="import-run"),
    path("imports/<id:run_id>/status/", views.import_status, name="import-status"),
    path("imports/<id:run_id>/import/", views.import_confirm, name="import-confirm"),
    path("imports/sync/", views.sync, name="sync"),
    path("imports/sync/now/", views.sync_now, name="sync-now"),
]
