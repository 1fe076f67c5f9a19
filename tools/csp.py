"""Trunk post-build hook: writes the Content-Security-Policy of the built page into its
index.html, allowing only what skyhex needs. Trunk's loader is an inline module script, so
the policy names its SHA-256 (no 'unsafe-inline' for scripts); wasm needs
'wasm-unsafe-eval'. Inputs given by URL, and raster tiles, come from any http(s) host the
user names. Style attributes stay allowed (the components set positions and colours with
them); stylesheets and everything else come from the page's own origin.

Run by Trunk with TRUNK_STAGING_DIR set (see Trunk.toml).
"""

import base64
import hashlib
import os
import re
from pathlib import Path

INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>(.*?)</script>", re.S)


def policy(html: str) -> str:
    hashes = " ".join(
        "'sha256-" + base64.b64encode(hashlib.sha256(body.encode()).digest()).decode() + "'"
        for body in INLINE_SCRIPT.findall(html)
    )
    return "; ".join([
        "default-src 'self'",
        f"script-src 'self' 'wasm-unsafe-eval' {hashes}",
        "worker-src 'self'",
        "connect-src 'self' http: https:",
        "img-src 'self' data: blob: http: https:",
        "style-src-elem 'self'",
        "style-src-attr 'unsafe-inline'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'none'",
    ])


def main() -> None:
    index = Path(os.environ["TRUNK_STAGING_DIR"]) / "index.html"
    html = index.read_text(encoding="utf-8")
    assert "Content-Security-Policy" not in html, "the policy is written once"
    meta = f'<meta http-equiv="Content-Security-Policy" content="{policy(html)}" />'
    # Right after the charset, before any script: a policy applies to what follows it.
    charset = '<meta charset="utf-8" />'
    assert charset in html, "index.html declares its charset"
    html = html.replace(charset, charset + "\n    " + meta, 1)
    index.write_text(html, encoding="utf-8")


if __name__ == "__main__":
    main()
