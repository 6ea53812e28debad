"""Keep this node's search index in step with the database: run once per node (production).

Reads the search outbox after the position stored beside this node's index, applies the
changes, commits the index, stores the position; then waits SEARCH_FOLLOW_INTERVAL seconds
and does it again. A node with no position (a new node, a lost index) or one further behind
than the outbox retention rebuilds its index first. `--once` catches up and exits.
"""

from __future__ import annotations

import signal
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand

from notices.search import get_backend, index_dir
from notices.search.follow import Follower, FollowResult, follow_forever


class Command(BaseCommand):
    help = "Follow the search outbox into this node's search index (one per node)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--once", action="store_true", help="Catch up once and exit.")
        parser.add_argument("--interval", type=float, default=None,
                            help="Seconds between reads (default SEARCH_FOLLOW_INTERVAL).")

    def handle(self, *args: Any, **options: Any) -> None:
        interval = options["interval"]
        if interval is None:
            interval = float(getattr(settings, "SEARCH_FOLLOW_INTERVAL", 0.5))
        stopping = False

        def stop(signum: int, frame: Any) -> None:
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        path = index_dir()
        follower = Follower(get_backend(), path)
        self.stdout.write(f"following the search outbox into {path}")

        def report(result: FollowResult) -> None:
            nonlocal stopping
            if result.rebuilt is not None:
                self.stdout.write(f"rebuilt the index: {result.rebuilt} notices")
            if result.applied:
                self.stdout.write(f"applied {result.applied} changes "
                                  f"({result.notices} notices), position {result.position}")
            if options["once"]:
                stopping = True

        follow_forever(follower, should_stop=lambda: stopping, interval=interval,
                       report=report)
