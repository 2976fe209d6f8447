"""Front-end views of people: sign-in, the school admin's pages, class rosters and slips, students' data."""

from .accounts import PasswordChange, SignInView, sign_out

__all__ = ["PasswordChange", "SignInView", "sign_out"]
