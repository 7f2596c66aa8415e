"""Security headers sent with every response (SECURITY.md)."""

from __future__ import annotations

from functools import partial
from urllib.parse import urlsplit

from flask import Flask, Response

__all__ = ["content_security_policy", "register"]


def content_security_policy(payfip_url: str) -> str:
    """Everything from the portal itself; forms may also lead to PayFiP, where « Payer en
    ligne » redirects the family (browsers apply ``form-action`` to a form's redirects)."""
    parts = urlsplit(payfip_url)
    payfip_origin = f"{parts.scheme}://{parts.netloc}"
    return (
        "default-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; "
        f"form-action 'self' {payfip_origin}"
    )


def register(app: Flask, payfip_url: str) -> None:
    app.after_request(partial(_add_security_headers, content_security_policy(payfip_url)))


def _add_security_headers(policy: str, response: Response) -> Response:
    headers = response.headers
    headers.setdefault("Content-Security-Policy", policy)
    headers.setdefault("Strict-Transport-Security", "max-age=63072000; includeSubDomains")
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("Referrer-Policy", "same-origin")
    headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
    headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
    return response
