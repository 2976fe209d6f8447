from django.urls import path

from . import views

app_name = "lessons"

urlpatterns = [
    path("", views.curriculum_home, name="home"),
    path("search/", views.search, name="search"),
    path("lessons/<int:pk>/teacher/", views.teacher_view, name="teacher"),
    path("lessons/<int:pk>.json", views.lesson_json, name="lesson_json"),
]
