from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from speeko_site.accounts.forms import DeleteAccountForm, ProfileForm
from speeko_site.accounts.services import user_delete, user_update_profile


@login_required
def account(request: HttpRequest) -> HttpResponse:
    form = ProfileForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        user_update_profile(user=request.user, display_name=form.cleaned_data["display_name"])
        messages.success(request, "Profile saved.")
        if not request.htmx:
            return redirect("account")
    template = "accounts/account.html#profile" if request.htmx else "accounts/account.html"
    return render(
        request, template, {"form": form, "delete_form": DeleteAccountForm(user=request.user)}
    )


@login_required
def account_delete(request: HttpRequest) -> HttpResponse:
    form = DeleteAccountForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        user = request.user
        logout(request)
        user_delete(user=user)
        messages.success(request, "Your account and its voices and audio were deleted.")
        return redirect("landing")
    status = 400 if request.method == "POST" else 200
    return render(request, "accounts/delete.html", {"delete_form": form}, status=status)
