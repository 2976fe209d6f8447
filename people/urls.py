from django.urls import path

from .views import accounts, classes, passwords, school, students

app_name = "people"

urlpatterns = [
    path("signin/", accounts.SignInView.as_view(), name="login"),
    path("signout/", accounts.sign_out, name="logout"),
    path("account/password/", accounts.PasswordChange.as_view(), name="password_change"),
    path("school/", school.school_list, name="school_list"),
    path("school/<str:code>/", school.school_home, name="school_home"),
    path("school/<str:code>/import/", school.roster_upload, name="roster_upload"),
    path("school/<str:code>/import/<int:pk>/", school.roster_preview, name="roster_preview"),
    path("school/<str:code>/promote/", school.promote, name="promote"),
    path("staff/", passwords.staff_accounts, name="staff_accounts"),
    path("people/<int:user_id>/reset-password/", passwords.reset_password, name="reset_password"),
    path("classes/", classes.class_list, name="class_list"),
    path("classes/<int:pk>/", classes.class_detail, name="class_detail"),
    path("classes/<int:pk>/slips/", classes.class_slips, name="class_slips"),
    path("students/<int:pk>/", students.student_detail, name="student_detail"),
    path("students/<int:pk>/export/", students.student_export, name="student_export"),
    path("students/<int:pk>/anonymise/", students.student_anonymise, name="student_anonymise"),
]
