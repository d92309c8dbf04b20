"""Sync to a hub (SPEC §8): the site's outbox client, the hub's web app and its stores.

The site uploads its outbox in batches; the hub applies each batch in one transaction
and answers with its acknowledged high-water mark, which the site adopts. Guides and
templates travel the other way as checksummed, versioned file bundles.
"""

from acw_tui.errors import AcwError


class SyncError(AcwError):
    """Sync could not finish; the message says what the hub or the network answered."""


class HubError(AcwError):
    """The hub's store or configuration is unusable; the message names the URL or site."""
