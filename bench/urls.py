"""The site's URLs plus the baseline page the lesson-page benchmark compares with (bench settings only)."""

from django.urls import path

from config import urls as site_urls

from . import views

handler400 = site_urls.handler400
handler403 = site_urls.handler403
handler404 = site_urls.handler404
handler500 = site_urls.handler500

urlpatterns = [
    path("bench/baseline/<path:path>", views.baseline, name="bench_baseline"),
    *site_urls.urlpatterns,
]
