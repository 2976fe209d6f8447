from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _


class SignInForm(AuthenticationForm):
    """One sign-in form for everyone. The error never says whether the name exists (no user enumeration)."""

    error_messages = {
        "invalid_login": _(
            "The sign-in name or password is not right. Students sign in with their school code, a hyphen and "
            "their student number, for example 330101-20260001."
        ),
        "inactive": _(
            "The sign-in name or password is not right. Students sign in with their school code, a hyphen and "
            "their student number, for example 330101-20260001."
        ),
    }

    username = forms.CharField(
        label=_("Sign-in name"),
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "username", "autocapitalize": "none", "autofocus": True}),
    )
    password = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def clean_username(self):
        # Full-width characters typed on a Chinese keyboard are the same name.
        import unicodedata

        return unicodedata.normalize("NFKC", self.cleaned_data["username"]).strip()
