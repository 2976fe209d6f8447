from django.urls import path

from .views import staff, taking

app_name = "quizzes"

urlpatterns = [
    path("", taking.index, name="index"),
    path("<int:pk>/", taking.detail, name="detail"),
    path("<int:pk>/start/", taking.start, name="start"),
    path("attempt/<int:pk>/", taking.take, name="take"),
    path("attempt/<int:pk>/answer/", taking.save, name="save"),
    path("attempt/<int:pk>/submit/", taking.submit, name="submit"),
    path("attempt/<int:pk>/result/", taking.result, name="result"),
    path("<int:pk>/preview/", staff.preview, name="preview"),
    path("<int:pk>/results/", staff.results, name="results"),
    path("import/", staff.import_page, name="import"),
    path("export/", staff.export, name="export"),
]
