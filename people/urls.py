from django.urls import path

from . import views

app_name = "people"

urlpatterns = [
    path("signin/", views.SignInView.as_view(), name="login"),
    path("signout/", views.sign_out, name="logout"),
    path("account/password/", views.PasswordChange.as_view(), name="password_change"),
]
