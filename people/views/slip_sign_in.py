"""Signing in by the QR code on a sign-in slip.

Scanning the code opens /signin/slip/<code>/. The GET only shows a button: phones, chat apps and mail
scanners fetch links to preview them, and such a fetch must never sign anyone in, nor learn whose code it is
(the code is not even looked up). The POST checks the code (people.slip_codes.check) and signs its student in
through Django's login() with the ModelBackend, as a password would, so every session hook (audit "signin",
idle clock, axes) sees an ordinary sign-in, and lands where a password sign-in lands.
"""

from django.conf import settings
from django.contrib.auth import login
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from core.navigation import landing_for
from core.ratelimit import ratelimit

from .. import slip_codes

# Per network, like the password form: a computer room of fifty scans within a minute. A code has 192 random
# bits, so this limit is not what stops guessing; it keeps one network from hammering the lookup.
SLIP_SIGN_IN_LIMIT = 60
MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"


@never_cache
@require_http_methods(["GET", "POST"])
@ratelimit("signin-slip", limit=SLIP_SIGN_IN_LIMIT, window=60, key="ip")
def slip_sign_in(request, code):
    if request.method == "GET":
        return render(request, "people/slip_sign_in.html")
    token, refusal = slip_codes.check(code)
    if refusal:
        if token is not None:
            slip_codes.record_refusal(token, refusal, request)
        return render(request, "people/slip_sign_in.html", {"refusal": slip_codes.REFUSALS[refusal]}, status=403)
    login(request, token.student.user, backend=MODEL_BACKEND)
    slip_codes.record_use(token, request)
    # A room scanning slips for an exam lands on it, not on the home page a request away (core.navigation).
    return redirect(landing_for(request) or settings.LOGIN_REDIRECT_URL)
