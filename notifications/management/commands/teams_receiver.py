"""Run a local stand-in for a Teams Workflows webhook and print each card it receives."""

import json
import time

from django.core.management.base import BaseCommand

from notifications.webhook_receiver import WebhookReceiver


class Command(BaseCommand):
    help = "Receive Teams webhook posts locally (the demo channel posts to port 8199)."

    def add_arguments(self, parser):
        parser.add_argument("--port", type=int, default=8199)

    def handle(self, *args, **options):
        receiver = WebhookReceiver(port=options["port"]).start()
        self.stdout.write(f"Listening on http://{receiver.netloc}/ (Ctrl-C stops)")
        shown = rejected = 0
        try:
            while True:
                time.sleep(0.5)
                for card in receiver.cards()[shown:]:
                    self.stdout.write(json.dumps(card, indent=2, ensure_ascii=False))
                shown = len(receiver.received)
                for status, problems in receiver.rejected[rejected:]:
                    self.stderr.write(f"Refused ({status}): {'; '.join(problems)}")
                rejected = len(receiver.rejected)
        except KeyboardInterrupt:
            receiver.stop()
