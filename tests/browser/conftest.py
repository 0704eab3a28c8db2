"""Browser fixtures: Debian's Chromium, driven by Playwright, on pytest-django's live server."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from django.urls import get_resolver
from playwright.sync_api import Browser, BrowserContext, Page, sync_playwright
from pytest_django.live_server_helper import LiveServer

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
# Short waits: a journey that works finishes in seconds; one that hangs should fail soon.
TIMEOUT_MS = 5_000

NewPage = Callable[[], Page]


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """One headless Chromium for the whole run; each test gets fresh contexts."""
    if not CHROMIUM.exists():
        message = (
            f"{CHROMIUM} is missing: the browser tests need Debian's Chromium "
            "(apt-get install -y chromium)."
        )
        if os.environ.get("CI"):
            pytest.fail(message, pytrace=False)
        pytest.skip(message)
    # Playwright's sync API keeps an asyncio loop running in this thread while it is open, and
    # Django then refuses ORM calls (test database setup, personas, factories, checks on rows)
    # as if they came from async code. Nothing here shares a connection with that loop, so the
    # check is lifted for exactly as long as the loop runs.
    with pytest.MonkeyPatch.context() as patch, sync_playwright() as playwright:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        yield chromium
        chromium.close()


@pytest.fixture
def new_page(browser: Browser, live_server: LiveServer) -> Iterator[NewPage]:
    """Open a page in a new context: another person, with their own cookies, on the live server."""
    contexts: list[BrowserContext] = []
    # Load the URLconf and every view module it imports here, not in the live server's first
    # request, which a busy machine could otherwise spend past the short wait.
    get_resolver().url_patterns  # noqa: B018 - the attribute access imports the views

    def open_page() -> Page:
        context = browser.new_context(
            base_url=live_server.url,
            viewport={"width": 1280, "height": 900},
            locale="en-GB",
        )
        context.set_default_timeout(TIMEOUT_MS)
        context.set_default_navigation_timeout(TIMEOUT_MS)
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_page: NewPage) -> Page:
    """The page of the first person in a journey."""
    return new_page()
