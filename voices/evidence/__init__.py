"""Checks on consent evidence, free of Django: the spoken statement and the separate take.

- `recognise`: transcribe a recording with Whisper base (faster-whisper, CTranslate2);
- `statement`: does a transcript say the one-time code, the speaker's name and the consent;
- `fingerprint`: is one recording (part of) another, after re-encoding or trimming;
- `assets`: install and verify the recogniser's weights (``python -m voices.evidence.assets``).
"""
