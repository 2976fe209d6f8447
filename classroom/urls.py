from django.urls import path

from .views import assigning, files, integrity, letters, reader, records, student, teacher, training

app_name = "classroom"

urlpatterns = [
    # Teachers
    path("", teacher.my_classes, name="my_classes"),
    path("assign/", teacher.assign, name="assign"),
    path("assignments/<int:pk>/", teacher.assignment_change, name="assignment_change"),
    path("assignments/<int:pk>/withdraw/", teacher.assignment_withdraw, name="assignment_withdraw"),
    path("assignments/<int:pk>/results/", teacher.quiz_results, name="quiz_results"),
    path("assignments/<int:pk>/allowances/", assigning.allowances, name="allowances"),
    path("assignments/<int:pk>/add-lessons/", assigning.add_new_lessons, name="add_new_lessons"),
    path("classes/<int:pk>/groups/", assigning.class_groups, name="class_groups"),
    path("groups/<int:pk>/", assigning.group_edit, name="group_edit"),
    path("classes/<int:pk>/", teacher.class_progress, name="class_progress"),
    path("classes/<int:pk>/export.<str:fmt>", teacher.export, name="class_export"),
    path("classes/<int:pk>/letters/", letters.class_letters, name="class_letters"),
    path("letters/<int:pk>/", letters.letter_send, name="letter_send"),
    path("letters/<int:pk>/slips/", letters.letter_slips, name="letter_slips"),
    path("letters/<int:pk>/withdraw/", letters.letter_withdraw, name="letter_withdraw"),
    path("letters/<int:pk>/students/<int:student_pk>/reissue/", letters.letter_reissue, name="letter_reissue"),
    path("training/", training.training_list, name="training"),
    path("training/<int:pk>/", training.training_take, name="training_take"),
    path("hours/", records.class_hours, name="class_hours"),
    path("hours/new/", records.class_hour_edit, name="class_hour_new"),
    path("hours/<int:pk>/", records.class_hour_edit, name="class_hour_edit"),
    path("hours/<int:pk>/delete/", records.class_hour_delete, name="class_hour_delete"),
    path("hours/export.<str:fmt>", records.class_hours_export, name="class_hours_export"),
    path("hours/files/<int:pk>/", files.class_hour_file, name="class_hour_file"),
    path("hours/files/<int:pk>/delete/", records.class_hour_file_delete, name="class_hour_file_delete"),
    path("activities/", records.activities, name="activities"),
    path("activities/new/", records.activity_edit, name="activity_new"),
    path("activities/<int:pk>/", records.activity, name="activity"),
    path("activities/<int:pk>/edit/", records.activity_edit, name="activity_edit"),
    path("evidence/<int:pk>/", files.evidence_file, name="evidence_file"),
    path("evidence/<int:pk>/delete/", records.evidence_delete, name="evidence_delete"),
    path("works/", records.works, name="works"),
    path("works/<int:pk>/file/", files.work_file, name="work_file"),
    path("works/<int:pk>/delete/", records.work_delete, name="work_delete"),
    # Integrity review (school admins and bureau staff decide; teachers read their classes' flags)
    path("integrity/", integrity.queue, name="integrity_queue"),
    path("integrity/<int:pk>/", integrity.flag_detail, name="integrity_flag"),
    path("integrity/<int:pk>/decide/", integrity.flag_decide, name="integrity_decide"),
    path("integrity/<int:pk>/group/", integrity.group, name="integrity_group"),
    path("integrity/<int:pk>/group/decide/", integrity.group_decide, name="integrity_group_decide"),
    # Students
    path("me/", student.my_work, name="my_work"),
    path("me/modules/<int:pk>/", student.module, name="module"),
    path("me/certificate/", student.certificate, name="certificate"),
    path("me/parents/", letters.my_parent_letters, name="my_parent_letters"),
    path("lessons/<int:pk>/", reader.read, name="read"),
    path("lessons/<int:pk>/signal/", reader.signal, name="signal"),
]
