"""Large demo stores for benchmarks, generated once and kept between runs.

They live in the user cache folder (or ACW_BENCH_CACHE), keyed by their parameters, by
the demo generator's own text and by the schema's migrations, so a changed generator
or schema makes a new store; a cached
store is brought up to the current schema (new indexes, say) before each use, as acw
itself would on opening it. History ends at a fixed moment so every run sees the same
rows.
"""

from __future__ import annotations

import hashlib
import os
from datetime import UTC, datetime
from pathlib import Path

import platformdirs

END = datetime(2026, 11, 1, tzinfo=UTC)


def cache_dir() -> Path:
    configured = os.environ.get("ACW_BENCH_CACHE")
    folder = (
        Path(configured)
        if configured
        else Path(platformdirs.user_cache_dir("acw-bench", appauthor=False))
    )
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def demo_store(calls: int, *, agents: int = 40, days: int = 90, seed: int = 1) -> Path:
    """Path of a store holding `acw demo` history of this size (made on first use)."""
    import acw_tui.store.demo
    from acw_tui.store import open_store
    from acw_tui.store.demo import generate_demo
    from acw_tui.store.migrations import MIGRATIONS

    generator = hashlib.sha256(Path(acw_tui.store.demo.__file__).read_bytes()).hexdigest()[:8]
    # The schema's migrations too: a store made by a build with other migrations (a
    # newer one, or a sibling's) cannot be opened, or upgraded, by this one.
    schema = hashlib.sha256(",".join(m.module for m in MIGRATIONS).encode()).hexdigest()[:6]
    path = (
        cache_dir()
        / f"demo-c{calls}-a{agents}-d{days}-s{seed}-{END:%Y%m%d}-{generator}-{schema}.db"
    )
    if path.exists():
        open_store(path).close()  # applies any migration newer than the cached store
        return path
    partial = path.with_suffix(".partial")
    for leftover in partial.parent.glob(partial.name + "*"):
        leftover.unlink()
    print(f"   generating {calls} calls into {path} (once; cached for next time)", flush=True)
    store = open_store(partial)
    generate_demo(store, calls=calls, agents=agents, days=days, seed=seed, end=END)
    store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    store.close()
    partial.rename(path)
    # Stores of this shape made by another generator or schema are not used again by
    # this build; a million calls take gigabytes, so they go.
    shape = f"demo-c{calls}-a{agents}-d{days}-s{seed}-"
    for stale in cache_dir().glob(shape + "*"):
        if not stale.name.startswith(path.name):
            stale.unlink(missing_ok=True)
    return path
