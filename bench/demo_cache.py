"""Large demo stores for benchmarks, generated once and kept in the user cache folder."""

from __future__ import annotations

import shutil
from pathlib import Path

import platformdirs

from acw_tui.store import open_store


def demo_store(calls: int, *, agents: int = 40, days: int = 90, seed: int = 1) -> Path:
    """Path of a store holding `acw demo` history of this size (made on first use)."""
    cache = Path(platformdirs.user_cache_dir("acw-bench", appauthor=False))
    cache.mkdir(parents=True, exist_ok=True)
    path = cache / f"demo-{calls}-{agents}-{days}-{seed}.db"
    if not path.exists():
        from acw_tui.demo import generate_demo

        partial = path.with_suffix(".partial")
        for leftover in cache.glob(partial.name + "*"):
            leftover.unlink()
        store = open_store(partial)
        print(f"   generating a {calls}-call demo store (once; cached in {cache})", flush=True)
        generate_demo(store, calls=calls, agents=agents, days=days, seed=seed)
        store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        store.close()
        shutil.move(partial, path)
    return path
