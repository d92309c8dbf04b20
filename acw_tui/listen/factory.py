"""The adapter for a SOURCE, with its secret."""

from __future__ import annotations

import ssl

from acw_tui.listen.source import Adapter, SourceSpec


def adapter_for(
    spec: SourceSpec, secret: str, *, public_url: str = "", tls: ssl.SSLContext | None = None
) -> Adapter:
    if spec.kind == "ami":
        from acw_tui.listen.ami import AmiAdapter

        return AmiAdapter(spec, secret, tls=tls)
    if spec.kind == "esl":
        from acw_tui.listen.esl import EslAdapter

        return EslAdapter(spec, secret)
    from acw_tui.listen.webhook import WebhookAdapter

    return WebhookAdapter(spec, secret, public_url=public_url)
