from __future__ import annotations

from django import forms
from django.conf import settings

from voices.prompts import USES

LANGUAGE_CHOICES = [
    ("", "From the voice"),
    ("a", "English (US)"),
    ("b", "English (UK)"),
    ("e", "Spanish"),
    ("f", "French"),
    ("h", "Hindi"),
    ("i", "Italian"),
    ("j", "Japanese"),
    ("p", "Portuguese (Brazil)"),
    ("z", "Mandarin Chinese"),
]
PAGE_FORMAT_CHOICES = [
    ("mp3", "MP3"),
    ("wav", "WAV (16-bit PCM)"),
    ("opus", "Ogg Opus"),
    ("flac", "FLAC"),
]


class SynthesisForm(forms.Form):
    text = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 8, "placeholder": "Type or paste text to speak…"}),
        strip=False,
        error_messages={"required": "Type some text to speak."},
    )
    ssml = forms.BooleanField(required=False, label="SSML")
    voice = forms.CharField(max_length=200, error_messages={"required": "Choose a voice."})
    blend = forms.CharField(
        max_length=200,
        required=False,
        label="Or a blend",
        help_text="Mix stock voices with weights, e.g. af_bella(2)+af_sky(1). "
        "When filled in, the blend is spoken instead of the voice.",
    )
    language = forms.ChoiceField(choices=LANGUAGE_CHOICES, required=False)
    speed = forms.FloatField(min_value=0.5, max_value=2.0, initial=1.0)
    format = forms.ChoiceField(choices=PAGE_FORMAT_CHOICES, initial="mp3")
    dictionary = forms.CharField(max_length=60, required=False, label="Pronunciation")
    use = forms.ChoiceField(
        choices=[("", "Its only permitted use")] + USES,
        required=False,
        label="Use (cloned voices)",
        help_text="What the speech is for; it must be a use the speaker consented to.",
    )
    project = forms.CharField(max_length=120, required=False, label="Project")

    def clean_text(self) -> str:
        text = self.cleaned_data["text"]
        if not text.strip():
            raise forms.ValidationError("Type some text to speak.")
        if len(text) > settings.SYNTHESIS_MAX_CHARACTERS:
            raise forms.ValidationError(
                f"The text has {len(text):,} characters; the limit is "
                f"{settings.SYNTHESIS_MAX_CHARACTERS:,}."
            )
        return text

    def clean_blend(self) -> str:
        blend = self.cleaned_data["blend"].strip()
        if problem := blend_problem(blend):
            raise forms.ValidationError(problem)
        return blend

    def dictionary_ids(self) -> list[str]:
        chosen = (self.cleaned_data.get("dictionary") or "").strip()
        return [chosen] if chosen else []

    def chosen_voice(self) -> str:
        return (self.cleaned_data.get("blend") or "").strip() or self.cleaned_data["voice"]


def blend_problem(spec: str) -> str:
    """What is wrong with a blend, in words for whoever typed it; "" when it is usable."""
    from synthesis.engine import get_engine
    from synthesis.engine.errors import BadBlend
    from synthesis.engine.voices import parse_blend

    if not spec.strip():
        return ""
    known = {voice.id for voice in get_engine().voice_catalogue()}
    names = [part.split("(", 1)[0].strip() for part in spec.split("+")]
    if unknown := [name for name in names if name and name not in known]:
        listed = ", ".join(f"“{name}”" for name in unknown)
        return (
            f"There is no stock voice called {listed}. Use ids from the voice list, e.g. af_bella."
        )
    try:
        parse_blend(spec)
    except BadBlend:
        return "Write a blend as stock voice ids with weights, e.g. af_bella(2)+af_sky(1)."
    return ""


class DictionaryForm(forms.Form):
    """A dictionary's name and rules, typed one per line or uploaded as a PLS file."""

    name = forms.CharField(max_length=100)
    rules = forms.CharField(
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 10, "spellcheck": "false"}),
        help_text="One rule per line: 'Speeko = /spˈikoʊ/' to say a word with IPA phonemes, "
        "'WHO -> World Health Organization' to read other text in its place. Use == for a "
        "case-sensitive match; lines starting with # are comments.",
    )
    pls = forms.FileField(
        required=False, label="Or a PLS file", help_text="A W3C pronunciation lexicon (IPA)."
    )

    def clean(self) -> dict:
        from synthesis.dictionaries import InvalidDictionary, rules_from_pls, rules_from_text

        data = super().clean()
        upload = data.get("pls")
        try:
            if upload:
                data["parsed"] = rules_from_pls(upload.read())
            else:
                data["parsed"] = rules_from_text(data.get("rules") or "")
        except InvalidDictionary as e:
            raise forms.ValidationError(e.message) from e
        return data

    def source(self) -> str:
        return "pls" if self.cleaned_data.get("pls") else "editor"
