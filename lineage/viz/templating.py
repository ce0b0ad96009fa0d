"""Rendering the pages: Jinja2 with autoescaping, every script and style inlined, and a Content Security
Policy that allows exactly those inlined scripts and styles.

Inlining makes a page work with no network at all, as a file attached to a ticket as well as served.
The policy is the second line of defence behind escaping: an injected ``<img onerror=...>`` or
``<script>`` would not match a hash, so it would not run, and nothing may be fetched from anywhere.
"""

from __future__ import annotations

import base64
import hashlib
import json
from functools import cache
from importlib.resources import files
from typing import Any

import jinja2
from markupsafe import Markup

VIS_NETWORK = "lib/vis-9.1.2/vis-network.min.js"

_environment = jinja2.Environment(
    loader=jinja2.PackageLoader("lineage.viz", "templates"),
    autoescape=True,
    undefined=jinja2.StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)


def render(template: str, **context: Any) -> str:
    """Render a page template with the shared stylesheet, the named scripts inlined, and the policy."""
    scripts = [_asset(name) for name in context.pop("scripts", ())]
    css = _static("page.css")
    return _environment.get_template(template).render(
        css=Markup(css),
        scripts=[Markup(s) for s in scripts],
        csp=content_security_policy(scripts, [css]),
        **context,
    )


def content_security_policy(scripts: list[str], styles: list[str]) -> str:
    """Only these inline scripts and styles, no fetching of anything, forms sent back to this server."""
    script_src = " ".join(_hash(s) for s in scripts) or "'none'"
    style_src = " ".join(_hash(s) for s in styles) or "'none'"
    return (
        f"default-src 'none'; script-src {script_src}; style-src {style_src}; "
        "img-src data:; form-action 'self'; base-uri 'none'"
    )


def script_json(value: Any) -> Markup:
    """JSON that is safe inside ``<script type="application/json">``: no ``</script>``, no ``<!--``
    and no line separators can end or confuse the block, whatever strings the data holds."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    for raw, escaped in (
        ("<", "\\u003c"),
        (">", "\\u003e"),
        ("&", "\\u0026"),
        ("\u2028", "\\u2028"),
        ("\u2029", "\\u2029"),
    ):
        text = text.replace(raw, escaped)
    return Markup(text)


@cache
def _asset(name: str) -> str:
    """A script by name: vis-network from the copy pyvis ships, or one of ours from ``static/``."""
    text = files("pyvis").joinpath(VIS_NETWORK).read_text("utf-8") if name == "vis-network" else _static(name)
    if "</script" in text.lower():
        raise RuntimeError(f"{name} cannot be inlined: it contains '</script'")
    return text


@cache
def _static(name: str) -> str:
    return files("lineage.viz").joinpath("static", name).read_text("utf-8")


@cache
def _hash(text: str) -> str:
    digest = hashlib.sha256(text.encode("utf-8")).digest()
    return f"'sha256-{base64.b64encode(digest).decode()}'"
