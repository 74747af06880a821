from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from speeko_site.api import selectors, services
from speeko_site.api.forms import ApiKeyForm

PAGE = "api/keys.html"


def _render(request: HttpRequest, form: ApiKeyForm, *, new_key: str = "", status: int = 200):
    context = {
        "form": form,
        "new_key": new_key,
        "keys": selectors.api_keys_for_user(user=request.user),
    }
    template = f"{PAGE}#keys" if request.htmx else PAGE
    return render(request, template, context, status=status)


@login_required
def api_keys(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        return _render(request, ApiKeyForm())
    form = ApiKeyForm(request.POST)
    if not form.is_valid():
        return _render(request, form, status=400)
    _, raw = services.api_key_create(
        user=request.user,
        name=form.cleaned_data["name"],
        monthly_character_limit=form.cleaned_data["monthly_character_limit"],
    )
    # The secret is rendered in this response only; it is never stored or shown again.
    return _render(request, ApiKeyForm(), new_key=raw)


@login_required
@require_POST
def api_key_revoke(request: HttpRequest, public_id: str) -> HttpResponse:
    key = selectors.api_key_get_for_user(user=request.user, public_id=public_id)
    services.api_key_revoke(key=key)
    if not request.htmx:
        return redirect("api_keys")
    return _render(request, ApiKeyForm())


def api_docs(request: HttpRequest) -> HttpResponse:
    return render(request, "api/docs.html", {"base_url": request.build_absolute_uri("/v1")})
