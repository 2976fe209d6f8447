"""The parent's page of a 告家长书 link: short, because it is printed as a QR code and sometimes typed."""

from django.urls import path

from .views import letters

urlpatterns = [path("<str:token>/", letters.parent_letter, name="parent_letter")]
