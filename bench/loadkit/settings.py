"""coachmap's own settings, with one change: the URL table is bench/loadkit/urls.py, which adds the
trivial baseline view to the product's pages. Only the load benchmark serves with this module
(DJANGO_SETTINGS_MODULE=bench.loadkit.settings), so the product itself never gains the route."""

from coachmap.settings import *  # noqa: F403 - the product's settings, unchanged

ROOT_URLCONF = "bench.loadkit.urls"
