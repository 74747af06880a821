from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from speeko_site.accounts.forms import ProfileForm
from speeko_site.accounts.services import user_update_profile


@login_required
def account(request: HttpRequest) -> HttpResponse:
    form = ProfileForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        user_update_profile(user=request.user, display_name=form.cleaned_data["display_name"])
        messages.success(request, "Profile saved.")
        if not request.htmx:
            return redirect("account")
    template = "accounts/account.html#profile" if request.htmx else "accounts/account.html"
    return render(request, template, {"form": form})
