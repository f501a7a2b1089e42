"""Headless Chromium for tests and pictures: the machine's own Chromium (the Debian package,
/usr/bin/chromium), driven through the `playwright` package, never a browser it downloads.

`make test` installs Chromium when it is missing (the Makefile's `browser` target); without it
a test that needs a browser fails with a message saying how to install it, never skips.

    with chromium() as browser:
        png = render_png(browser, page_html, width=390)
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]
MISSING = ("Chromium is not installed: run `make browser` (it runs `apt-get install "
           "chromium`), or set NUDGE_CHROMIUM to a Chromium executable.")


def chromium_path() -> str:
    """The Chromium to drive: $NUDGE_CHROMIUM, else `chromium` on the PATH, else an error."""
    wanted = os.environ.get("NUDGE_CHROMIUM") or shutil.which("chromium") or (
        "/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else "")
    if not wanted or not Path(wanted).exists():
        raise RuntimeError(MISSING)
    return wanted


@contextmanager
def chromium() -> Iterator:
    """A started headless Chromium (a playwright Browser), closed on the way out."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        raise RuntimeError("The playwright package is not installed: run `make "
                           ".venv/.installed-dev` (it is one of the test tools).") from None
    path = chromium_path()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=path, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


@contextmanager
def opened(browser, html: str, *, width: int, height: int = 800, scale: float = 1) -> Iterator:
    """A page `width` CSS pixels wide showing `html` (offline: any request is refused). Below
    600 px it is a phone's: the page's viewport tag is obeyed, so a page without one is laid
    out 980 px wide and shrunk, as a phone does."""
    context = browser.new_context(viewport={"width": width, "height": height},
                                  device_scale_factor=scale, is_mobile=width < 600)
    context.route("**/*", lambda route: route.abort())  # a self-contained page needs none
    page = context.new_page()
    try:
        page.set_content(html, wait_until="load")
        yield page
    finally:
        context.close()


def render_png(browser, html: str, *, width: int, scale: float = 1) -> bytes:
    """The whole page as a PNG, `width` CSS pixels wide (times `scale` in real pixels)."""
    with opened(browser, html, width=width, scale=scale) as page:
        return page.screenshot(full_page=True, type="png")
