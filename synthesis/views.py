from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST
from django_htmx.http import HttpResponseStopPolling

from billing.events import balance_changed
from billing.exceptions import InsufficientCredits
from synthesis import dictionaries as dictionary_services
from synthesis import selectors, services
from synthesis.engine.errors import EngineError
from synthesis.exceptions import SynthesisError, UnknownVoice
from synthesis.forms import DictionaryForm, SynthesisForm, blend_problem
from synthesis.picker import picker_context
from voices.exceptions import VoicePolicyError

PAGE = "synthesis/playground.html"


def _page(request: HttpRequest, form: SynthesisForm, *, job=None, status: int = 200,
          autoplay: bool = False):  # fmt: skip
    context = {"form": form, "job": job, "autoplay": autoplay, **picker_context(request.user)}
    context["jobs"] = selectors.jobs_for_user(user=request.user)[:20]
    context["api_base"] = request.build_absolute_uri("/v1")
    # The estimate under the text stays while the text does: after Generate, and after an error.
    values = [form[name].value() or "" for name in ("text", "voice", "blend", "ssml")]
    context.update(_estimate_context(*values))
    if job is not None:
        context["expected_seconds"] = services.job_expected_seconds(job=job)
    context["dictionaries"] = selectors.dictionaries_for_user(user=request.user)
    template = f"{PAGE}#composer" if request.htmx else PAGE
    return render(request, template, context, status=status)


def _estimate_context(text: str, voice: str, blend: str, ssml) -> dict:
    if problem := blend_problem(blend):
        return {"blend_error": problem, "length": len(text)}
    try:
        characters, cost = services.job_estimate(text=text, voice=blend.strip() or voice,
                                                 ssml=ssml in (True, "on"))  # fmt: skip
    except EngineError as e:
        # Shown under the text area while typing: the SSML error with its line and column.
        return {"ssml_error": str(e), "length": len(text)}
    return {"characters": characters, "cost_micros": cost, "length": len(text)}


@login_required
def playground(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        # ?job= reopens a job: someone who left during a long job comes back to its player.
        job_id = request.GET.get("job")
        job = selectors.job_get_for_user(user=request.user, public_id=job_id) if job_id else None
        initial = {"voice": request.GET.get("voice", job.voice if job else "af_heart")}
        if job is not None:
            initial.update(text=job.text, ssml=job.ssml, format=job.format, speed=job.speed)
        autoplay = job is not None and request.GET.get("play") == "1"
        return _page(request, SynthesisForm(initial=initial), job=job, autoplay=autoplay)
    form = SynthesisForm(request.POST)
    if not form.is_valid():
        return _page(request, form, status=400)
    try:
        job = services.job_submit(
            user=request.user, text=form.cleaned_data["text"], voice=form.chosen_voice(),
            language=form.cleaned_data["language"], speed=form.cleaned_data["speed"],
            fmt=form.cleaned_data["format"], ssml=form.cleaned_data["ssml"],
            dictionary_ids=form.dictionary_ids(),
            # Free (the model predicts durations anyway) and the player highlights words with it.
            timestamps=True,
            use=form.cleaned_data["use"], project=form.cleaned_data["project"],
        )  # fmt: skip
    except (SynthesisError, VoicePolicyError, InsufficientCredits) as e:
        form.add_error(_field_for(e, form), str(e)[:1].upper() + str(e)[1:])
        return _page(request, form, status=_status_for(e))
    if not request.htmx:
        return redirect(f"{request.path}?job={job.public_id}")
    response = _page(request, SynthesisForm(initial=form.cleaned_data), job=job)
    return balance_changed(response)


def _field_for(error: Exception, form: SynthesisForm) -> str | None:
    """An unknown voice is shown next to the field that named it, not above the form."""
    if isinstance(error, UnknownVoice):
        return "blend" if form.cleaned_data.get("blend") else "voice"
    return None


def _status_for(error: Exception) -> int:
    if isinstance(error, InsufficientCredits):
        return 402
    if isinstance(error, VoicePolicyError):
        return 403
    return getattr(error, "status", 400)


@login_required
@require_POST
def estimate(request: HttpRequest) -> HttpResponse:
    post = request.POST
    context = _estimate_context(post.get("text", ""), post.get("voice", ""),
                                post.get("blend", ""), post.get("ssml", ""))  # fmt: skip
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
    return _streamed(selectors.job_audio_chunks(job=job), services.FORMATS[job.format])


def _streamed(chunks, content_type: str) -> StreamingHttpResponse:
    response = StreamingHttpResponse(chunks, content_type=content_type)
    # Proxies must pass each chunk on as it comes, and nobody may cache a live stream.
    response["X-Accel-Buffering"] = "no"
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_GET
def job_listen(request: HttpRequest, public_id: str) -> HttpResponse:
    """The samples as raw PCM for the playground's player, which starts on the first chunk;
    encoded formats make a browser buffer seconds of audio before it plays anything."""
    job = selectors.job_get_for_user(user=request.user, public_id=public_id)
    return _streamed(selectors.job_listen_chunks(job=job), services.FORMATS["pcm"])


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


DICTIONARIES_PAGE = "synthesis/dictionaries.html"


@login_required
def dictionaries(request: HttpRequest) -> HttpResponse:
    form = DictionaryForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        dictionary = dictionary_services.dictionary_create(
            owner=request.user, name=form.cleaned_data["name"],
            rules=form.cleaned_data["parsed"], source=form.source(),
        )  # fmt: skip
        return redirect("synthesis:dictionary", public_id=dictionary.public_id)
    found = selectors.dictionaries_for_user(user=request.user)
    status = 400 if form.is_bound else 200
    return render(request, DICTIONARIES_PAGE, {"form": form, "dictionaries": found}, status=status)


@login_required
def dictionary(request: HttpRequest, public_id: str) -> HttpResponse:
    found = selectors.dictionary_get_for_user(user=request.user, public_id=public_id)
    latest = found.versions.order_by("-number").first()
    initial = {"name": found.name, "rules": dictionary_services.rules_to_text(latest.rules)}
    form = DictionaryForm(request.POST or None, request.FILES or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        dictionary_services.dictionary_rules_set(
            dictionary=found, rules=form.cleaned_data["parsed"], source=form.source(),
            name=form.cleaned_data["name"],
        )  # fmt: skip
        return redirect("synthesis:dictionary", public_id=found.public_id)
    context = {"dictionary": found, "form": form, "versions": found.versions.all()}
    return render(
        request, "synthesis/dictionary.html", context, status=400 if form.is_bound else 200
    )


@login_required
@require_POST
def dictionary_delete(request: HttpRequest, public_id: str) -> HttpResponse:
    found = selectors.dictionary_get_for_user(user=request.user, public_id=public_id)
    dictionary_services.dictionary_delete(dictionary=found)
    return redirect("synthesis:dictionaries")
