from django.urls import path

from .views import bulletins, dashboard, ledger, plans, regions, report, samples, schools

app_name = "plans"

urlpatterns = [
    path("", dashboard.dashboard_view, name="dashboard"),
    path("regions/", regions.region_list, name="regions"),
    path("regions/<int:pk>/", regions.region_view, name="region"),
    path("regions/<int:pk>/plans/", plans.region_plans, name="region_plans"),
    path("school/", schools.my_school, name="my_school"),
    path("schools/<int:pk>/", schools.school_view, name="school"),
    path("classes/<int:pk>/", schools.class_view, name="class"),
    path("classes/<int:pk>/records/<slug:what>/", schools.records_view, name="records"),
    path("report/", report.report_view, name="report"),
    path("report.csv", report.report_csv, name="report_csv"),
    path("exports/", report.export_create, name="export_create"),
    path("exports/<int:pk>/", report.export_detail, name="export"),
    path("exports/<int:pk>/status/", report.export_status, name="export_status"),
    path("exports/<int:pk>/download/", report.export_download, name="export_download"),
    path("bulletins/", bulletins.bulletin_list, name="bulletins"),
    path("bulletins/<int:pk>/", bulletins.bulletin_detail, name="bulletin"),
    path("bulletins/<int:pk>/publish/", bulletins.bulletin_publish, name="bulletin_publish"),
    path("bulletins/<int:pk>/file.<slug:fmt>", bulletins.bulletin_file, name="bulletin_file"),
    path("ledger/", ledger.ledger_list, name="ledger"),
    path("ledger/<int:pk>/", ledger.ledger_item, name="ledger_item"),
    path("ledger/<int:pk>/<slug:action>/", ledger.ledger_action, name="ledger_action"),
    path("evidence/<int:pk>/", ledger.evidence_file, name="evidence_file"),
    path("samples/", samples.samples_view, name="samples"),
    path("samples/<int:pk>/", samples.sample_view, name="sample"),
    path("samples/<int:pk>/schools/<int:school_id>/", samples.sample_archive, name="sample_archive"),
    path("plans/", plans.plans_view, name="plans"),
    path("plans/<int:pk>/", plans.plan_view, name="plan"),
    path("plans/<int:pk>/do/<slug:action>/", plans.plan_action, name="plan_action"),
    path("plans/<int:pk>/tasks/new/", plans.task_add, name="task_add"),
    path("plans/<int:pk>/activity-types/", plans.activity_type_add, name="activity_type_add"),
    path("activity-types/<int:pk>/remove/", plans.activity_type_remove, name="activity_type_remove"),
    path("tasks/<int:pk>/", plans.task_edit, name="task_edit"),
    path("tasks/<int:pk>/do/<slug:action>/", plans.task_action, name="task_action"),
]
