"""Headless Chromium for the browser tests: the fixture and a recorded page.

Skipped when Chromium or Playwright is missing, except under CI (CI set), where
that is a failure. Every request other than ``file:`` and ``data:`` is blocked.
"""

import os
import shutil
from pathlib import Path

import pytest

CHROMIUM = "/usr/bin/chromium"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync"]
ARTIFACTS = Path(__file__).resolve().parents[1] / "test-artifacts"


def _unavailable(reason):
    if os.environ.get("CI"):
        pytest.fail(f"browser tests cannot run under CI: {reason}")
    pytest.skip(reason)


@pytest.fixture(scope="module", name="browser")
def chromium_browser():
    """Headless Chromium (import this into a test module to use the ``browser`` fixture)."""
    if not (Path(CHROMIUM).exists() or shutil.which("chromium")):
        _unavailable(f"Chromium not found at {CHROMIUM}")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("the playwright package is not installed")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield browser
        browser.close()


class Page:
    """A loaded page (a map by default) with everything the checks need recorded."""

    def __init__(self, browser, path, map_name=None, *, wait_for=".leaflet-overlay-pane path"):
        self.requests, self.blocked, self.dialogs, self.errors = [], [], [], []
        self.page = browser.new_page(viewport={"width": 1100, "height": 800})
        self.page.on("dialog", lambda d: (self.dialogs.append(d.message), d.dismiss()))
        self.page.on("console",
                     lambda m: self.errors.append(m.text) if m.type == "error" else None)
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.route("**/*", self._route)
        self.page.goto(path.as_uri())
        if wait_for:
            self.page.wait_for_selector(wait_for, state="attached")
        self.map_name = map_name

    def _route(self, route):
        url = route.request.url
        self.requests.append(url)
        if url.startswith("file:") or url.startswith("data:"):
            route.continue_()
        else:
            self.blocked.append(url)
            route.abort()

    def hover_region(self, polygon, *, attempts=5):
        """Point the mouse at ``polygon`` and return its tooltip (exactly one open).

        On a loaded machine the first move can land before Leaflet has bound its
        handlers or while the view still settles, so the point is recomputed and
        the move repeated a few times before giving up.
        """
        point = polygon.representative_point()
        script = (
            f"() => {{ var p = {self.map_name}.latLngToContainerPoint([{point.y}, {point.x}]);"
            f" var r = {self.map_name}.getContainer().getBoundingClientRect();"
            " return [r.left + p.x, r.top + p.y]; }")
        one_tooltip = "() => document.querySelectorAll('.leaflet-tooltip').length === 1"
        for attempt in range(attempts):
            xy = self.page.evaluate(script)
            self.page.mouse.move(xy[0] + 3, xy[1] + 3)
            self.page.mouse.move(*xy)
            # Exactly one tooltip: the previous region's must have closed.
            try:
                self.page.wait_for_function(one_tooltip, timeout=3000)
                break
            except Exception:  # playwright's TimeoutError; retried below
                if attempt == attempts - 1:
                    raise
                self.page.mouse.move(0, 0)
        return self.page.locator(".leaflet-tooltip")

    def close(self):
        self.page.close()
