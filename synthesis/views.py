from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST
from django_htmx.http import HttpResponseStopPolling

from billing.events import balance_changed
from billing.exceptions import InsufficientCredits
from synthesis import selectors, services
from synthesis.engine.errors import EngineError
from synthesis.exceptions import SynthesisError
from synthesis.forms import SynthesisForm
from synthesis.picker import picker_context
from voices.exceptions import VoicePolicyError

PAGE = "synthesis/playground.html"


def _page(request: HttpRequest, form: SynthesisForm, *, job=None, status: int = 200):
    context = {"form": form, "job": job, **picker_context(request.user)}
    context["jobs"] = selectors.jobs_for_user(user=request.user)[:20]
    template = f"{PAGE}#composer" if request.htmx else PAGE
    return render(request, template, context, status=status)


@login_required
def playground(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        # ?job= reopens a job: someone who left during a long job comes back to its player.
        job_id = request.GET.get("job")
        job = selectors.job_get_for_user(user=request.user, public_id=job_id) if job_id else None
        initial = {"voice": request.GET.get("voice", job.voice if job else "af_heart")}
        if job is not None:
            initial.update(text=job.text, ssml=job.ssml, format=job.format, speed=job.speed)
        return _page(request, SynthesisForm(initial=initial), job=job)
    form = SynthesisForm(request.POST)
    if not form.is_valid():
        return _page(request, form, status=400)
    try:
        job = services.job_submit(
            user=request.user, text=form.cleaned_data["text"], voice=form.chosen_voice(),
            language=form.cleaned_data["language"], speed=form.cleaned_data["speed"],
            fmt=form.cleaned_data["format"], ssml=form.cleaned_data["ssml"],
            use=form.cleaned_data["use"], project=form.cleaned_data["project"],
        )  # fmt: skip
    except (SynthesisError, VoicePolicyError, InsufficientCredits) as e:
        form.add_error(None, e)
        return _page(request, form, status=_status_for(e))
    if not request.htmx:
        return redirect(f"{request.path}?job={job.public_id}")
    response = _page(request, SynthesisForm(initial=form.cleaned_data), job=job)
    return balance_changed(response)


def _status_for(error: Exception) -> int:
    if isinstance(error, InsufficientCredits):
        return 402
    if isinstance(error, VoicePolicyError):
        return 403
    return getattr(error, "status", 400)


@login_required
@require_POST
def estimate(request: HttpRequest) -> HttpResponse:
    text, voice = (
        request.POST.get("text", ""),
        request.POST.get("blend") or request.POST.get("voice", ""),
    )
    try:
        characters, cost = services.job_estimate(
            text=text, voice=voice, ssml=request.POST.get("ssml") == "on"
        )
    except EngineError as e:
        # Shown under the text area while typing: the SSML error with its line and column.
        return render(request, f"{PAGE}#estimate", {"ssml_error": str(e), "length": len(text)})
    context = {"characters": characters, "cost_micros": cost, "length": len(text)}
    return render(request, f"{PAGE}#estimate", context)


@login_required
@require_GET
def job_status(request: HttpRequest, public_id: str) -> HttpResponse:
    job = selectors.job_get_for_user(user=request.user, public_id=public_id)
    response = render(request, f"{PAGE}#status", {"job": job})
    if not job.is_terminal:
        return response
    stop = HttpResponseStopPolling(response.content)
    return balance_changed(stop)


@login_required
@require_GET
def job_stream(request: HttpRequest, public_id: str) -> HttpResponse:
    job = selectors.job_get_for_user(user=request.user, public_id=public_id)
    response = StreamingHttpResponse(
        selectors.job_audio_chunks(job=job), content_type=services.FORMATS[job.format]
    )
    response["X-Accel-Buffering"] = "no"
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_GET
def job_audio(request: HttpRequest, public_id: str) -> HttpResponse:
    job = selectors.job_get_for_user(user=request.user, public_id=public_id)
    if not job.has_audio:
        return HttpResponse("This job has no stored audio.", status=404, content_type="text/plain")
    return FileResponse(
        job.audio.open("rb"),
        as_attachment=request.GET.get("download") == "1",
        filename=f"speeko-{job.public_id}.{job.format}",
        content_type=services.FORMATS[job.format],
    )


@login_required
@require_POST
def job_cancel(request: HttpRequest, public_id: str) -> HttpResponse:
    job = selectors.job_get_for_user(user=request.user, public_id=public_id)
    try:
        job = services.job_cancel(job=job)
    except SynthesisError as e:
        return HttpResponse(e.message, status=e.status, content_type="text/plain")
    response = render(request, f"{PAGE}#status", {"job": job})
    return balance_changed(response)


@login_required
@require_POST
def job_delete(request: HttpRequest, public_id: str) -> HttpResponse:
    job = selectors.job_get_for_user(user=request.user, public_id=public_id)
    services.job_delete(job=job)
    if not request.htmx:
        return redirect("synthesis:playground")
    return balance_changed(HttpResponse(""))


@login_required
@require_GET
def history(request: HttpRequest) -> HttpResponse:
    jobs = selectors.jobs_for_user(user=request.user)[:20]
    return render(request, f"{PAGE}#history", {"jobs": jobs})


def ssml_guide(request: HttpRequest) -> HttpResponse:
    from synthesis.ssml_guide import EXAMPLES

    return render(request, "synthesis/ssml_guide.html", {"examples": EXAMPLES})


def ssml_example_play(request: HttpRequest, slug: str) -> HttpResponse:
    """The example's player once it is rendered; until then a placeholder that asks again."""
    from django.core.cache import cache
    from django.core.files.storage import default_storage
    from django.http import Http404

    from synthesis.ssml_guide import BY_SLUG
    from synthesis.tasks import ssml_example_render

    example = BY_SLUG.get(slug)
    if example is None:
        raise Http404("No such example.")
    ready = default_storage.exists(example.storage_name)
    # One render per example however many people press play while it is being made.
    if not ready and cache.add(f"ssml-example:{example.storage_name}", 1, timeout=120):
        ssml_example_render.delay(slug)
    template = "synthesis/ssml_guide.html#player"
    return render(request, template, {"example": example, "ready": ready})


def ssml_example_audio(request: HttpRequest, slug: str) -> HttpResponse:
    from django.core.files.storage import default_storage
    from django.http import Http404

    from synthesis.ssml_guide import BY_SLUG

    example = BY_SLUG.get(slug)
    if example is None or not default_storage.exists(example.storage_name):
        raise Http404("Not rendered yet.")
    return FileResponse(default_storage.open(example.storage_name, "rb"), content_type="audio/mpeg")
