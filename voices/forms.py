from __future__ import annotations

import dataclasses

from django import forms
from django.conf import settings
from django.utils import timezone

from voices.exceptions import UploadRejected
from voices.models import ConsentRecord, Voice
from voices.prompts import CONSENT_STATEMENTS, GUIDED_PROMPTS, USES
from voices.selectors import STAFF_STATES
from voices.services.consent import ConsentFields
from voices.uploads import audio_probe, document_check


def _checked(check, *args, **kwargs):
    try:
        return check(*args, **kwargs)
    except UploadRejected as e:
        raise forms.ValidationError(e.message) from e


class ConsentForm(forms.Form):
    voice_name = forms.CharField(max_length=80, label="Name for the new voice")
    relation = forms.ChoiceField(
        choices=ConsentRecord.Relation.choices,
        widget=forms.RadioSelect,
        label="Who is the speaker?",
    )
    speaker_name = forms.CharField(max_length=120, label="The speaker's full name")
    speaker_email = forms.EmailField(required=False, label="The speaker's e-mail address")
    uses = forms.MultipleChoiceField(
        choices=USES, widget=forms.CheckboxSelectMultiple, label="Permitted uses"
    )
    project_name = forms.CharField(max_length=120, required=False, label="Project name")
    uses_note = forms.CharField(
        max_length=500, required=False, label="Anything else about how the voice may be used"
    )
    expires_on = forms.DateField(
        required=False,
        label="Consent expires on (optional)",
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    signature = forms.CharField(max_length=120, label="Signature: type your full name")
    recording = forms.FileField(label="Spoken consent statement")
    document = forms.FileField(required=False, label="Signed consent document (PDF, PNG or JPEG)")

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for key, text in CONSENT_STATEMENTS:
            self.fields[f"statement_{key}"] = forms.BooleanField(required=True, label=text)

    def statement_fields(self):
        return [self[f"statement_{key}"] for key, _ in CONSENT_STATEMENTS]

    def clean_recording(self):
        # Header checks only, as for samples: the clone's worker decodes it and listens to it.
        return _checked(
            audio_probe,
            self.cleaned_data.get("recording"),
            max_bytes=settings.VOICES_MAX_FILE_BYTES,
            what="consent recording",
        )

    def clean_expires_on(self):
        day = self.cleaned_data.get("expires_on")
        if day is not None and day <= timezone.localdate():
            raise forms.ValidationError("The expiry date must be in the future.")
        return day

    def clean(self):
        data = super().clean()
        if data.get("relation") == ConsentRecord.Relation.OTHER:
            if not data.get("speaker_email"):
                self.add_error("speaker_email", "Give the speaker's e-mail address.")
            if self.files.get("document"):
                data["document"] = self._document()
            else:
                self.add_error("document", "Upload the consent document the speaker signed.")
        else:
            data["document"] = None
        if "project" in data.get("uses", []) and not data.get("project_name"):
            self.add_error("project_name", "Name the project the voice may be used for.")
        return data

    def consent_fields(self) -> ConsentFields:
        """The valid form's answers (call after is_valid())."""
        data = self.cleaned_data
        names = [f.name for f in dataclasses.fields(ConsentFields)]
        return ConsentFields(**{n: data[n] for n in names if data.get(n) is not None})

    def _document(self):
        try:
            return _checked(
                document_check,
                self.files.get("document"),
                max_bytes=settings.VOICES_MAX_DOCUMENT_BYTES,
            )
        except forms.ValidationError as e:
            self.add_error("document", e)
            return None


class SampleUploadForm(forms.Form):
    file = forms.FileField(label="Recording")
    prompt_index = forms.IntegerField(
        required=False, min_value=0, max_value=len(GUIDED_PROMPTS) - 1, widget=forms.HiddenInput
    )

    def clean_file(self):
        # Header checks only: the worker decodes and analyses (voices.services.analysis).
        return _checked(
            audio_probe,
            self.cleaned_data.get("file"),
            max_bytes=settings.VOICES_MAX_FILE_BYTES,
            what="recording",
        )


class TierForm(forms.Form):
    tier = forms.ChoiceField(choices=Voice.Tier.choices, widget=forms.RadioSelect)


class RenameForm(forms.Form):
    name = forms.CharField(max_length=80)


class StockFilterForm(forms.Form):
    lang = forms.CharField(required=False)
    gender = forms.ChoiceField(
        required=False, choices=[("", "Any"), ("female", "Female"), ("male", "Male")]
    )
    q = forms.CharField(required=False, max_length=60)


class StaffFilterForm(forms.Form):
    state = forms.ChoiceField(
        required=False,
        choices=[("", "Any state")] + [(s, s.replace("_", " ").capitalize()) for s in STAFF_STATES],
    )
    relation = forms.ChoiceField(
        required=False, choices=[("", "Any speaker")] + list(ConsentRecord.Relation.choices)
    )
    since = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
    until = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
    q = forms.CharField(required=False, max_length=120, label="Search")
