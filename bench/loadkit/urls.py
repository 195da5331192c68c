"""The product's URLs plus `/bench/trivial`: the baseline of the load benchmark, a view that does
no work (no database, no template), served by the same gunicorn with the same middleware."""

from django.http import HttpRequest, HttpResponse
from django.urls import path

from bench.loadkit.labels import TRIVIAL_PATH
from coachmap.urls import handler400 as product_handler400
from coachmap.urls import urlpatterns as product_urlpatterns

handler400 = product_handler400


def trivial(request: HttpRequest) -> HttpResponse:
    return HttpResponse(b"ok", content_type="text/plain")


urlpatterns = [path(TRIVIAL_PATH.lstrip("/"), trivial, name="bench-trivial"), *product_urlpatterns]
