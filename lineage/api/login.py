"""Sign-in for browsers, which cannot send a bearer header.

``/login`` takes a token in a form and gives the browser a session cookie derived from it (HttpOnly,
SameSite=Strict, so no other site's page can make the browser send it; see ``auth.session_value``).
The cookie grants read access only, whatever the token:
a browser session looks at lineage, and recording it stays with bearer tokens, so a forged form post
could never write even if the cookie did travel.

Failed sign-ins are limited per client address (``Settings.max_login_failures`` a minute, then 429
with ``Retry-After``), so tokens cannot be guessed at the speed of the network. While limited, even
the right token is turned away: otherwise the limit would only slow the guessing, not stop it.
"""

from __future__ import annotations

from html import escape
from urllib.parse import parse_qs

from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import Route

from lineage.api.auth import SESSION_COOKIE, session_value
from lineage.api.throttle import FailureLimit

PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>lineage-graph: sign in</title>
<style>body{{font:15px system-ui,sans-serif;max-width:28rem;margin:4rem auto}}
input{{width:100%;padding:.4rem}}button{{margin-top:.6rem;padding:.4rem 1rem}}
.problem{{color:#b00020}}</style>
</head>
<body><h1>lineage-graph</h1><p>This server needs a token. Signing in here gives this browser read access.</p>
{problem}<form method="post" action="/login"><input type="hidden" name="next" value="{next}">
<label>Token <input type="password" name="token" autocomplete="current-password" autofocus></label>
<button type="submit">Sign in</button></form></body></html>"""


def _safe_next(value: str | None) -> str:
    """Only a path on this server: ``//evil.example`` or ``https://...`` would make an open redirect."""
    if value and value.startswith("/") and not value.startswith("//") and "\\" not in value:
        return value
    return "/"


def _page(
    next_path: str, problem: str = "", status: int = 200, headers: dict[str, str] | None = None
) -> HTMLResponse:
    paragraph = f'<p class="problem">{escape(problem)}</p>' if problem else ""
    return HTMLResponse(
        PAGE.format(problem=paragraph, next=escape(next_path)), status_code=status, headers=headers
    )


async def login_form(request: Request) -> Response:
    return _page(_safe_next(request.query_params.get("next")))


async def login(request: Request) -> Response:
    # A urlencoded form is all this page sends; parsing it here spares a multipart dependency.
    form = parse_qs((await request.body()).decode("utf-8", "replace"))
    token, next_path = form.get("token", [""])[0], _safe_next(form.get("next", [""])[0])
    tokens = request.app.state.settings.tokens
    if tokens is None:
        return RedirectResponse(next_path, status_code=303)
    failures: FailureLimit = request.app.state.login_failures
    client = request.client.host if request.client else "unknown"
    wait = failures.retry_after(client)
    if wait is not None:
        problem = f"Too many failed sign-ins from this address: try again in {wait} seconds."
        return _page(next_path, problem, status=429, headers={"Retry-After": str(wait)})
    if tokens.access_for(f"Bearer {token}") is None:
        failures.failed(client)
        return _page(next_path, "That token is not valid.", status=401)
    response = RedirectResponse(next_path, status_code=303)
    response.set_cookie(
        SESSION_COOKIE,
        session_value(token),
        httponly=True,
        samesite="strict",
        secure=request.url.scheme == "https",
        path="/",
    )
    return response


routes = [Route("/login", login_form, methods=["GET"]), Route("/login", login, methods=["POST"])]
