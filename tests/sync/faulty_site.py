"""`acw sync --quiet` that stops dead at a chosen moment: `python -m tests.sync.faulty_site`.

It builds the `Syncer` the way `acw sync` does (config and store from `ACW_HOME`) with
a `SyncObserver` that exits at once, `os._exit(71)`, as a kill -9 or a power cut would:

- `--die-before-ack N`  when the hub has acknowledged batch N of the run, before the
                        site records the ack
- `--die-mid-apply`     when the first file of a received release is on disk, before
                        the release is switched in

Without either it is a plain sync: the summary on stdout, a failure on stderr (exit 1).
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from acw_tui.sync import SyncError
from acw_tui.sync.client import SyncObserver

DIED = 71


class DyingSync(SyncObserver):
    def __init__(self, before_ack: int | None, mid_apply: bool) -> None:
        self.before_ack = before_ack
        self.mid_apply = mid_apply

    def batch_acknowledged(self, number: int, mark: int) -> None:
        if number == self.before_ack:
            os._exit(DIED)

    def bundle_file_written(self, kind: str, path: Path) -> None:
        if self.mid_apply:
            os._exit(DIED)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.sync.faulty_site")
    parser.add_argument("--die-before-ack", type=int, metavar="N")
    parser.add_argument("--die-mid-apply", action="store_true")
    args = parser.parse_args(argv)

    from acw_tui.settings.config import load_config
    from acw_tui.settings.paths import database_file
    from acw_tui.store import open_store
    from acw_tui.sync.client import configured_client, configured_syncer

    try:
        config = load_config()
        client = configured_client(config)
        store = open_store(database_file())
        syncer = configured_syncer(
            store, config, client, observer=DyingSync(args.die_before_ack, args.die_mid_apply)
        )
        try:
            summary = syncer.run()
        finally:
            syncer.close()
            client.close()
            store.close()
    except SyncError as exc:
        print(f"Error: {exc}", file=sys.stderr)
        return 1
    print("\n".join(summary.lines()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
