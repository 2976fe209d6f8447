"""API keys for a region's officer, a bureau's or a school's administrator: make one (shown once), list them,
revoke one. A city's or a province's key reads only (people.api_tokens.issue).

Who may manage which organisation's keys is people.scope's (`api_key_organisations_for`); making and revoking
are audit-logged by people.api_tokens.
"""

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from core.sanitize import MARKUP_MESSAGE, clean_plain, has_markup

from .. import api_tokens, scope
from ..models import ApiAccess, Region


class ApiKeyForm(forms.Form):
    organisation = forms.ChoiceField(label=_("Organisation"))
    name = forms.CharField(
        label=_("Name"), max_length=100, help_text=_("What the key is for, e.g. the school information system.")
    )
    access = forms.ChoiceField(label=_("Access"), choices=ApiAccess.choices, initial=ApiAccess.READ)
    days = forms.IntegerField(
        label=_("Valid for (days)"),
        min_value=1,
        max_value=api_tokens.MAX_DAYS,
        initial=api_tokens.DEFAULT_DAYS,
    )

    def __init__(self, *args, regions=(), districts, schools, **kwargs):
        super().__init__(*args, **kwargs)
        self.organisations = (
            {f"r{r.pk}": r for r in regions} | {f"d{d.pk}": d for d in districts} | {f"s{s.pk}": s for s in schools}
        )
        self.fields["organisation"].choices = [(key, str(org)) for key, org in self.organisations.items()]
        if regions:
            self.fields["access"].help_text = _("A city's or a province's key may only read.")

    def clean_name(self):
        name = clean_plain(self.cleaned_data["name"])
        if has_markup(name):
            raise forms.ValidationError(MARKUP_MESSAGE)
        return name

    def clean_organisation(self):
        return self.organisations[self.cleaned_data["organisation"]]

    def clean(self):
        data = super().clean()
        if isinstance(data.get("organisation"), Region) and data.get("access") == ApiAccess.READ_WRITE:
            self.add_error("access", _("A city's or a province's key may only read."))
        return data


def _organisations(user) -> dict:
    regions, districts, schools = scope.api_key_organisations_for(user)
    found = {
        "regions": list(regions.order_by("code")),
        "districts": list(districts.order_by("code")),
        "schools": list(schools.order_by("code")),
    }
    if not any(found.values()):
        raise PermissionDenied
    return found


@login_required
def api_keys(request):
    organisations = _organisations(request.user)
    issued = None
    form = ApiKeyForm(request.POST or None, **organisations)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        token, key = api_tokens.issue(
            data["organisation"], name=data["name"], access=data["access"], days=data["days"], request=request
        )
        issued = {"token": token, "key": key}
        form = ApiKeyForm(**organisations)
    keys = (
        scope.manageable_api_keys_for(request.user)
        .select_related("region", "district", "school", "created_by")
        .order_by("-created_at")
    )
    response = render(request, "people/api_keys.html", {"form": form, "keys": keys, "issued": issued})
    # The page may hold a key shown once: no cache, shared or private, may keep it.
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_POST
def api_key_revoke(request, pk: int):
    token = get_object_or_404(scope.manageable_api_keys_for(request.user), pk=pk)
    api_tokens.revoke(token, request=request)
    return redirect("people:api_keys")
