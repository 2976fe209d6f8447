from django.urls import path

from .views import (
    accounts,
    audit_log,
    classes,
    passwords,
    school,
    slip_sign_in,
    slips,
    students,
    teachers,
    two_factor,
)

app_name = "people"

urlpatterns = [
    path("signin/", accounts.SignInView.as_view(), name="login"),
    path("signout/", accounts.sign_out, name="logout"),
    path("signin/slip/<str:code>/", slip_sign_in.slip_sign_in, name="slip_sign_in"),
    path("signin/verify/", two_factor.verify, name="otp_verify"),
    path("signin/two-factor/setup/", two_factor.setup, name="otp_setup"),
    path("audit-log/", audit_log.audit_log, name="audit_log"),
    path("account/password/", accounts.PasswordChange.as_view(), name="password_change"),
    path("school/", school.school_list, name="school_list"),
    path("school/<str:code>/", school.school_home, name="school_home"),
    path("school/<str:code>/import/", school.roster_upload, name="roster_upload"),
    path("school/<str:code>/import/<int:pk>/", school.roster_preview, name="roster_preview"),
    path("school/<str:code>/promote/", school.promote, name="promote"),
    path("school/<str:code>/promote/undo/", school.promote_undo, name="promote_undo"),
    path("school/<str:code>/teachers/", teachers.teacher_list, name="teacher_list"),
    path("school/<str:code>/teachers/import/", teachers.teacher_upload, name="teacher_upload"),
    path("school/<str:code>/teachers/import/<int:pk>/", teachers.teacher_preview, name="teacher_preview"),
    path("school/<str:code>/teachers/slips/", teachers.teacher_slips, name="teacher_slips"),
    path("school/<str:code>/teachers/<int:user_id>/", teachers.teacher_classes, name="teacher_classes"),
    path("staff/", passwords.staff_accounts, name="staff_accounts"),
    path("people/<int:user_id>/reset-password/", passwords.reset_password, name="reset_password"),
    path("classes/", classes.class_list, name="class_list"),
    path("classes/<int:pk>/", classes.class_detail, name="class_detail"),
    path("classes/<int:pk>/slips/", slips.class_slips, name="class_slips"),
    path("classes/<int:pk>/slips/revoke/", slips.class_codes_revoke, name="class_codes_revoke"),
    path("students/<int:pk>/", students.student_detail, name="student_detail"),
    path("students/<int:pk>/slip/", slips.student_slip, name="student_slip"),
    path("students/<int:pk>/slip/revoke/", slips.student_code_revoke, name="student_code_revoke"),
    path("students/<int:pk>/export/", students.student_export, name="student_export"),
    path("students/<int:pk>/anonymise/", students.student_anonymise, name="student_anonymise"),
]
