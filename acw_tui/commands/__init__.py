"""Feature command groups of `acw` (guide, templates, redact, sync, hub, report).

Each module defines its click commands with heavy imports inside the command bodies;
`acw_tui.cli` registers them, so `acw --help` lists everything.
"""
