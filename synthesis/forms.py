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
        help_text="Mix stock voices with weights, e.g. af_bella(2)+af_sky(1).",
    )
    language = forms.ChoiceField(choices=LANGUAGE_CHOICES, required=False)
    speed = forms.FloatField(min_value=0.5, max_value=2.0, initial=1.0)
    format = forms.ChoiceField(choices=PAGE_FORMAT_CHOICES, initial="mp3")
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

    def chosen_voice(self) -> str:
        return (self.cleaned_data.get("blend") or "").strip() or self.cleaned_data["voice"]
