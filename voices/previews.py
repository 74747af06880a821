"""Stock voice previews: rendered once by a worker, then served from media."""

from __future__ import annotations

from django.core.cache import cache
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from voices.selectors import stock_voice_get

GREETINGS = {
    "a": "Hello! I'm {name}, one of Speeko's voices. I can read anything you type.",
    "b": "Hello! I'm {name}, one of Speeko's voices. I can read anything you type.",
    "e": "¡Hola! Soy {name}, una de las voces de Speeko. Puedo leer lo que escribas.",
    "f": "Bonjour ! Je suis {name}, une des voix de Speeko. Je peux lire ce que vous écrivez.",
    "h": "नमस्ते! मैं {name} हूँ, स्पीको की एक आवाज़।",
    "i": "Ciao! Sono {name}, una delle voci di Speeko. Posso leggere quello che scrivi.",
    "j": "こんにちは。スピーコの声です。なんでも読み上げます。",
    "p": "Olá! Eu sou {name}, uma das vozes do Speeko. Posso ler o que você escrever.",
    "z": "你好！我是Speeko的声音之一。",
}
_FOLDER = "voices/stock-previews"


def stock_preview_name(voice_id: str) -> str | None:
    """The stored preview of a stock voice, or None when it has not been rendered yet."""
    for ext in ("mp3", "wav"):
        name = f"{_FOLDER}/{voice_id}.{ext}"
        if default_storage.exists(name):
            return name
    return None


def stock_preview_render(*, voice_id: str) -> str:
    from voices.services import audio_render

    existing = stock_preview_name(voice_id)
    if existing:
        return existing
    voice = stock_voice_get(voice_id=voice_id)
    text = GREETINGS.get(voice.lang, GREETINGS["a"]).format(name=voice.display_name)
    data, ext = audio_render(text=text, voice=voice.id, lang=voice.lang)
    return default_storage.save(f"{_FOLDER}/{voice_id}.{ext}", ContentFile(data))


def stock_previews_queue_missing() -> list[str]:
    """Queue a render of every stock preview not stored yet; the ids queued."""
    from voices.selectors import stock_voices

    missing = [v.id for v in stock_voices() if stock_preview_name(v.id) is None]
    for voice_id in missing:
        stock_preview_request(voice_id=voice_id)
    return missing


def stock_preview_request(*, voice_id: str) -> None:
    """Queue a render unless one was queued in the last ten minutes."""
    from voices.tasks import stock_preview_task

    if cache.add(f"voices:stock-preview:{voice_id}", 1, timeout=600):
        stock_preview_task.delay(voice_id)
