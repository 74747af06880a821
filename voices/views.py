"""Pages of the voices app: library, cloning flow, evidence files, revocation, staff console.

Views parse, call one service and render; domain errors become form errors or 4xx answers here.
"""

from __future__ import annotations

import json
import mimetypes
from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST
from django_htmx.http import HttpResponseStopPolling

from speeko_site.core.csv_export import csv_lines, csv_text
from voices import audit, selectors, services
from voices.exceptions import CloneRefused, UploadRejected, VoicePolicyError
from voices.forms import (
    ConsentForm,
    RenameForm,
    SampleUploadForm,
    StaffFilterForm,
    StockFilterForm,
    TierForm,
)
from voices.models import Sample, Voice
from voices.previews import stock_preview_name, stock_preview_request
from voices.prompts import GUIDED_PROMPTS, consent_code_new, spoken_statement
from voices.storage import file_sha256

CODE_SESSION_KEY = "voices:consent_code"


def _page(request: HttpRequest, template: str, partial: str, context: dict, status: int = 200):
    """The whole page, or only its named partial for an htmx request."""
    name = f"{template}#{partial}" if request.htmx else template
    return render(request, name, context, status=status)


def _file(name: str, *, download_name: str = "") -> FileResponse:
    if not name or not default_storage.exists(name):
        raise Http404("This file no longer exists.")
    content_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
    response = FileResponse(default_storage.open(name, "rb"), content_type=content_type)
    response["Cache-Control"] = "private, no-store"
    if download_name:
        response["Content-Disposition"] = f'inline; filename="{download_name}"'
    return response


def staff_required(view):
    @wraps(view)
    @login_required
    def wrapper(request, *args, **kwargs):
        if not request.user.is_staff:
            raise PermissionDenied("Staff only.")
        return view(request, *args, **kwargs)

    return wrapper


# --- library -----------------------------------------------------------------------------------


@login_required
def library(request: HttpRequest) -> HttpResponse:
    form = StockFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    stock = selectors.stock_voices(
        lang=filters.get("lang") or None, gender=filters.get("gender") or None, q=filters.get("q")
    )
    context = {
        "form": form,
        "stock": [(v, bool(stock_preview_name(v.id))) for v in stock],
        "languages": selectors.stock_languages(),
        "voices": selectors.voices_for_user(user=request.user)[:6],
    }
    return _page(request, "voices/library.html", "stock_results", context)


@login_required
def stock_preview(request: HttpRequest, voice_id: str) -> HttpResponse:
    selectors.stock_voice_get(voice_id=voice_id)
    name = stock_preview_name(voice_id)
    if name is None:
        stock_preview_request(voice_id=voice_id)
        # 503 + Retry-After: the preview is being rendered by a worker; the page retries.
        response = HttpResponse("This preview is being prepared.", status=503)
        response["Retry-After"] = "5"
        return response
    return _file(name)


@login_required
def mine(request: HttpRequest) -> HttpResponse:
    context = {
        "voices": selectors.voices_for_user(user=request.user),
        "drafts": selectors.drafts_for_user(user=request.user),
    }
    return render(request, "voices/mine.html", context)


# --- cloning flow ------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def clone_consent(request: HttpRequest) -> HttpResponse:
    code = request.session.setdefault(CODE_SESSION_KEY, consent_code_new())
    form = ConsentForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            voice = services.consent_create(
                user=request.user, fields=form.consent_fields(), code=code,
                ip_address=request.META.get("REMOTE_ADDR"),
                user_agent=request.headers.get("User-Agent", ""),
            )  # fmt: skip
        except (UploadRejected, VoicePolicyError) as e:
            form.add_error(None, e.message)
        else:
            request.session[CODE_SESSION_KEY] = consent_code_new()
            return redirect("voices:clone_samples", voice.public_id)
    speaker = form.data.get("speaker_name", "") if form.is_bound else ""
    context = {
        "form": form,
        "code": code,
        "statement": spoken_statement(speaker_name=speaker, code=code),
    }
    return render(request, "voices/clone_consent.html", context, status=400 if form.errors else 200)


@login_required
@require_http_methods(["GET", "POST"])
def clone_samples(request: HttpRequest, public_id: str) -> HttpResponse:
    voice = selectors.voice_get_for_user(user=request.user, public_id=public_id)
    if voice.status not in (Voice.Status.DRAFT, Voice.Status.FAILED):
        return redirect("voices:detail", voice.public_id)
    form, errors = SampleUploadForm(), []
    if request.method == "POST":
        errors = _samples_add(request, voice)
    context = _samples_context(voice, form, errors)
    if request.htmx and request.method == "GET" and not context["analysing"]:
        # The partial polls while a sample is analysed; the last answer tells htmx to stop.
        response = render(request, "voices/clone_samples.html#samples", context)
        return HttpResponseStopPolling(response.content)
    return _page(request, "voices/clone_samples.html", "samples", context, 400 if errors else 200)


def _samples_add(request: HttpRequest, voice: Voice) -> list[str]:
    """Add each uploaded file; returns what went wrong with the ones that were refused."""
    errors = []
    files = request.FILES.getlist("file") or [None]
    for upload in files:
        form = SampleUploadForm(request.POST, {"file": upload} if upload else {})
        if not form.is_valid():
            errors += [f"{getattr(upload, 'name', 'File')}: {e}" for e in _form_errors(form)]
            continue
        kind = (
            Sample.Kind.RECORDED if request.POST.get("kind") == "recorded" else Sample.Kind.UPLOAD
        )
        try:
            services.sample_add(
                voice=voice, upload=form.cleaned_data["file"], kind=kind,
                prompt_index=form.cleaned_data.get("prompt_index"), original_name=upload.name,
            )  # fmt: skip
        except UploadRejected as e:
            errors.append(f"{upload.name}: {e.message}")
    return errors


def _form_errors(form) -> list[str]:
    return [str(e) for field_errors in form.errors.values() for e in field_errors]


def _samples_context(voice: Voice, form, errors: list[str]) -> dict:
    samples = list(voice.samples.all())
    seconds = selectors.voice_speech_seconds(voice=voice)
    recorded = {s.prompt_index for s in samples if s.prompt_index is not None}
    analysing = any(s.status == Sample.Status.ANALYSING for s in samples)
    rejected = any(s.status == Sample.Status.REJECTED for s in samples)
    return {
        "voice": voice, "form": form, "errors": errors, "samples": samples,
        "analysing": analysing, "rejected": rejected,
        "can_continue": seconds >= 10 and not analysing and not rejected,
        "judged": selectors.sample_verdicts(samples=samples, speech_seconds=seconds),
        "speech_seconds": seconds, "prompts": list(enumerate(GUIDED_PROMPTS)),
        "recorded_prompts": recorded, "tier_limits": services.TIER_LIMITS,
    }  # fmt: skip


@login_required
@require_POST
def sample_delete(request: HttpRequest, public_id: str) -> HttpResponse:
    sample = selectors.sample_get_for_user(user=request.user, public_id=public_id)
    voice = sample.voice
    try:
        services.sample_delete(sample=sample)
    except UploadRejected as e:
        return HttpResponse(e.message, status=409)
    if request.htmx:
        context = _samples_context(voice, SampleUploadForm(), [])
        return render(request, "voices/clone_samples.html#samples", context)
    return redirect("voices:clone_samples", voice.public_id)


@login_required
def sample_audio(request: HttpRequest, public_id: str) -> FileResponse:
    sample = selectors.sample_get_for_user(user=request.user, public_id=public_id)
    return _file(sample.file)


@login_required
@require_http_methods(["GET", "POST"])
def clone_tier(request: HttpRequest, public_id: str) -> HttpResponse:
    voice = selectors.voice_get_for_user(user=request.user, public_id=public_id)
    if voice.status not in (Voice.Status.DRAFT, Voice.Status.FAILED):
        return redirect("voices:detail", voice.public_id)
    form = TierForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.voice_clone_start(voice=voice, tier=form.cleaned_data["tier"])
        except CloneRefused as e:
            form.add_error(None, e.message)
        except UploadRejected:
            # Another submission of this form started the clone first; show that one.
            return redirect("voices:detail", voice.public_id)
        else:
            return redirect("voices:detail", voice.public_id)
    context = {"voice": voice, "form": form, **_tier_context(voice)}
    return render(request, "voices/clone_tier.html", context, status=400 if form.errors else 200)


def _tier_context(voice: Voice) -> dict:
    from billing.money import format_usd
    from billing.pricing import cloning_fee_micros

    seconds = selectors.voice_speech_seconds(voice=voice)
    tiers = []
    for tier, (low, high) in services.TIER_LIMITS.items():
        tiers.append({
            "value": tier, "label": Voice.Tier(tier).label,
            "fee": format_usd(cloning_fee_micros(tier)),
            "low": low, "high": high, "enough": low <= seconds <= high,
        })  # fmt: skip
    return {
        "tiers": tiers, "speech_seconds": seconds,
        "recommended": services.PROFESSIONAL_RECOMMENDED_SECONDS,
    }  # fmt: skip


# --- a cloned voice ----------------------------------------------------------------------------


@login_required
def voice_detail(request: HttpRequest, public_id: str) -> HttpResponse:
    voice = selectors.voice_get_for_user(user=request.user, public_id=public_id)
    if voice.status == Voice.Status.DRAFT:
        return redirect("voices:clone_samples", voice.public_id)
    context = {"voice": voice, "consent": getattr(voice, "consent", None), "rename": RenameForm()}
    return render(request, "voices/detail.html", context)


@login_required
def voice_progress(request: HttpRequest, public_id: str) -> HttpResponse:
    voice = selectors.voice_get_for_user(user=request.user, public_id=public_id)
    context = {"voice": voice, "consent": getattr(voice, "consent", None), "rename": RenameForm()}
    if voice.status == Voice.Status.PROCESSING:
        return render(request, "voices/detail.html#status", context)
    # Done: swap in the final state and tell htmx to stop polling.
    response = HttpResponseStopPolling()
    response.content = render(request, "voices/detail.html#status", context).content
    return response


@login_required
@require_POST
def voice_cancel(request: HttpRequest, public_id: str) -> HttpResponse:
    voice = selectors.voice_get_for_user(user=request.user, public_id=public_id)
    services.voice_clone_cancel(voice=voice)
    return redirect("voices:detail", voice.public_id)


@login_required
@require_POST
def voice_rename(request: HttpRequest, public_id: str) -> HttpResponse:
    voice = selectors.voice_get_for_user(user=request.user, public_id=public_id)
    form = RenameForm(request.POST)
    if not form.is_valid():
        return HttpResponse("Give the voice a name (at most 80 characters).", status=400)
    services.voice_rename(voice=voice, name=form.cleaned_data["name"])
    if request.htmx:
        return HttpResponse(voice.name)
    return redirect("voices:detail", voice.public_id)


@login_required
@require_POST
def voice_delete(request: HttpRequest, public_id: str) -> HttpResponse:
    voice = selectors.voice_get_for_user(user=request.user, public_id=public_id)
    services.voice_erase(
        voice=voice, reason="deleted by owner", actor=f"user:{request.user.public_id}"
    )
    messages.success(request, f"“{voice.name}” and everything made with it were erased.")
    return redirect("voices:mine")


@login_required
def voice_preview(request: HttpRequest, public_id: str) -> FileResponse:
    voice = selectors.voice_get_for_user(user=request.user, public_id=public_id)
    return _file(voice.preview_file)


# --- evidence and revocation -------------------------------------------------------------------


@login_required
def consent_recording(request: HttpRequest, public_id: str) -> FileResponse:
    consent = selectors.consent_get_for_user(user=request.user, public_id=public_id)
    return _file(consent.recording_file)


@login_required
def consent_document(request: HttpRequest, public_id: str) -> FileResponse:
    consent = selectors.consent_get_for_user(user=request.user, public_id=public_id)
    return _file(consent.document_file, download_name=f"{consent.public_id}-consent")


@require_http_methods(["GET", "POST"])
def revoke(request: HttpRequest, token: str) -> HttpResponse:
    """The speaker's own page (no account needed): the signed link is the credential."""
    consent = selectors.consent_from_revocation_token(token)
    if request.method == "POST" and consent.revoked_at is None:
        services.consent_revoke(consent=consent, by="speaker", actor="speaker:link")
        consent.refresh_from_db()
    return render(request, "voices/revoke.html", {"consent": consent})


# --- staff console -----------------------------------------------------------------------------


@staff_required
def staff_consents(request: HttpRequest) -> HttpResponse:
    form = StaffFilterForm(request.GET or None)
    records = selectors.consents_for_staff(**(form.cleaned_data if form.is_valid() else {}))
    context = {"form": form, "records": records[:200], "query": request.GET.urlencode()}
    return _page(request, "voices/staff_consents.html", "results", context)


@staff_required
def staff_consents_csv(request: HttpRequest) -> StreamingHttpResponse:
    form = StaffFilterForm(request.GET or None)
    records = selectors.consents_for_staff(**(form.cleaned_data if form.is_valid() else {}))
    header = ["consent", "voice", "account", "relation", "state", "speaker", "uses", "expires_on",
              "code_heard", "name_heard", "speaker_match", "created_at", "revoked_at",
              "erased_at", "recording_sha256", "document_sha256"]  # fmt: skip
    rows = (
        [c.public_id, c.voice_public_id, c.user_public_id, c.relation, c.state,
         csv_text(c.speaker_name), " ".join(c.uses), c.expires_on or "", _yes_no(c.code_heard),
         _yes_no(c.name_heard), c.speaker_match or "", c.created_at.isoformat(),
         c.revoked_at or "", c.erased_at or "", c.recording_sha256, c.document_sha256]
        for c in records.iterator()
    )  # fmt: skip
    lines = csv_lines(header, rows)
    response = StreamingHttpResponse(lines, content_type="text/csv")
    response["Content-Disposition"] = 'attachment; filename="consent-records.csv"'
    return response


def _yes_no(value: bool | None) -> str:
    return "" if value is None else ("yes" if value else "no")


@staff_required
def staff_consent_detail(request: HttpRequest, public_id: str) -> HttpResponse:
    consent = selectors.consent_get_for_user(user=request.user, public_id=public_id)
    evidence = [
        ("Consent recording", consent.recording_sha256, file_sha256(consent.recording_file)),
        ("Signed document", consent.document_sha256, file_sha256(consent.document_file)),
    ]
    context = {
        "consent": consent,
        "evidence": [(label, stored, live) for label, stored, live in evidence if stored],
        "entries": selectors.audit_entries_for_consent(consent=consent),
    }
    return render(request, "voices/staff_consent_detail.html", context)


@staff_required
@require_POST
def staff_consent_approve(request: HttpRequest, public_id: str) -> HttpResponse:
    consent = selectors.consent_get_for_user(user=request.user, public_id=public_id)
    try:
        services.consent_approve(consent=consent, staff_user=request.user)
    except VoicePolicyError as e:
        messages.error(request, e.message)
    return redirect("voices:staff_consent", consent.public_id)


@staff_required
@require_POST
def staff_consent_revoke(request: HttpRequest, public_id: str) -> HttpResponse:
    consent = selectors.consent_get_for_user(user=request.user, public_id=public_id)
    services.consent_revoke(consent=consent, by="staff", actor=f"staff:{request.user.public_id}")
    messages.success(request, "Consent revoked; the voice was disabled and erased.")
    return redirect("voices:staff_consent", consent.public_id)


@staff_required
@require_http_methods(["GET", "POST"])
def staff_audit(request: HttpRequest) -> HttpResponse:
    """The chain, the consent rows against it, and (POST) a checkpoint staff kept, checked."""
    checkpoints, error = None, ""
    if request.method == "POST":
        upload = request.FILES.get("checkpoint")
        try:
            checkpoint = audit.checkpoint_parse(upload.read(4096) if upload else b"")
        except ValueError as e:
            error = str(e)
        else:
            checkpoints = [*audit.stored_checkpoints(), checkpoint]
    context = {
        "report": audit.audit_chain_verify(checkpoints=checkpoints),
        "records": audit.audit_records_verify(),
        "uploaded": checkpoints is not None,
        "error": error,
        "url": reverse("voices:staff_consents"),
    }
    return render(request, "voices/staff_audit.html", context, status=400 if error else 200)


@staff_required
def staff_audit_checkpoint(request: HttpRequest) -> HttpResponse:
    """Today's signed checkpoint, to keep somewhere the database's owner can't reach."""
    checkpoint = audit.audit_checkpoint_store()
    if checkpoint is None:
        raise Http404("The audit chain is empty.")
    response = HttpResponse(json.dumps(checkpoint, indent=2), content_type="application/json")
    name = f"speeko-audit-checkpoint-{checkpoint['index']}.json"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
