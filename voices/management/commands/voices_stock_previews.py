"""Render (or queue) the preview of every stock voice, so the library plays them at once."""

from django.core.management.base import BaseCommand

from voices.previews import stock_preview_name, stock_preview_render, stock_previews_queue_missing
from voices.selectors import stock_voices


class Command(BaseCommand):
    help = "Render the stock voice previews that are missing (in this process, or --queue them)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--queue", action="store_true", help="queue them for a worker instead")

    def handle(self, *args, queue: bool = False, **options) -> None:
        if queue:
            missing = stock_previews_queue_missing()
            self.stdout.write("".join(f"queued {voice_id}\n" for voice_id in missing), ending="")
        else:
            missing = [v.id for v in stock_voices() if stock_preview_name(v.id) is None]
            for voice_id in missing:
                stock_preview_render(voice_id=voice_id)
                self.stdout.write(f"rendered {voice_id}")
        self.stdout.write(self.style.SUCCESS(f"{len(missing)} preview(s) missing at start"))
