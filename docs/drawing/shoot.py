"""HTML pages photographed in headless Chromium (Debian's, through playwright), at twice the
pixel density so text stays sharp on high-resolution screens, cropped to the picture.

Chromium is the system's /usr/bin/chromium (`apt-get install chromium`); playwright's own
browser download is never used. The flags keep it from reaching out to the network, which
this kind of machine refuses.
"""

from __future__ import annotations

import io
import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

CHROMIUM = os.environ.get("NUDGE_CHROMIUM", "/usr/bin/chromium")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run"]
SCALE = 2
COLOURS = 256  # screenshots of flat UI lose nothing visible; the file shrinks by 2-3 times


@dataclass(frozen=True)
class Shot:
    """One picture: a page, the window width it is laid out in, and what to keep of it."""

    html: str
    width: int = 800
    selector: str = "#picture"  # the element photographed; "" for the whole page
    max_height: int = 0  # CSS pixels kept from the top (0: all of it)


def missing() -> list[str]:
    """What the pictures need from the system and do not find (Debian package names)."""
    needs = [] if Path(CHROMIUM).exists() else [f"chromium (no {CHROMIUM}; or NUDGE_CHROMIUM)"]
    fonts = subprocess.run(["fc-list", ":", "family"], capture_output=True, text=True,
                           check=False).stdout if shutil.which("fc-list") else ""
    if "Color Emoji" not in fonts:
        needs.append("fonts-noto-color-emoji (emoji would be drawn as empty boxes)")
    return needs


def shoot(shots: dict[Path, Shot]) -> list[Path]:
    """Write each page's picture to its path; one browser for all of them."""
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        raise FileNotFoundError(f"no Chromium at {CHROMIUM}: apt-get install chromium, or "
                                "set NUDGE_CHROMIUM to another Chromium")

    written = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        try:
            for path, shot in shots.items():
                page = browser.new_page(viewport={"width": shot.width, "height": 600},
                                        device_scale_factor=SCALE)
                page.set_content(shot.html, wait_until="load")
                page.evaluate("document.fonts.ready")
                clip = page.evaluate(
                    """(selector) => {
                        const node = selector ? document.querySelector(selector)
                                              : document.documentElement;
                        const box = node.getBoundingClientRect();
                        return {x: box.left, y: box.top + window.scrollY,
                                width: Math.ceil(box.width), height: Math.ceil(box.height)};
                    }""", shot.selector)
                if shot.max_height:
                    clip["height"] = min(clip["height"], shot.max_height)
                small(page.screenshot(clip=clip, full_page=True), path)
                page.close()
                written.append(path)
        finally:
            browser.close()
    return written


def small(png: bytes, path: Path) -> None:
    """Write the screenshot with at most COLOURS colours (no dithering: flat areas stay
    flat), so the README's pictures stay a few tens of kilobytes."""
    from PIL import Image

    with Image.open(io.BytesIO(png)) as image:
        reduced = image.convert("RGB").quantize(colors=COLOURS, method=Image.Quantize.MEDIANCUT,
                                                dither=Image.Dither.NONE)
        reduced.save(path, "PNG", optimize=True)
