"""Full-page screenshots of the main pages, for people to look at the site without clicking.

Signs in as the demo logins that `seed_demo` creates and saves one PNG per page at desktop
width, with Debian's Chromium driven by Playwright. It prints each file it writes.

    uv run python bench/screenshots.py --base-url http://127.0.0.1:8000 --out screenshots/
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urljoin

from playwright.sync_api import Browser, Error, Page, sync_playwright

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
SECRETARIAT_EMAIL = "secretariat@demo.skillspact.eu"
CONTACT_EMAIL = "contact@demo.skillspact.eu"
WORKER_EMAIL = "worker@demo.skillspact.eu"
DEMO_PASSWORD = "demo-pass-2026"
TIMEOUT_MS = 20_000
VIEWPORT_HEIGHT = 900


@dataclass
class Shot:
    """One screenshot: a file name and how to reach the page from a signed-in (or not) page."""

    name: str
    open: Callable[[Page], None]


def goto(path: str) -> Callable[[Page], None]:
    return lambda page: page.goto(path, wait_until="networkidle")


def follow_first(path: str, link_selector: str, what: str) -> Callable[[Page], None]:
    """Open `path`, then the first link matching `link_selector` (the page found on the way)."""

    def open_page(page: Page) -> None:
        page.goto(path, wait_until="networkidle")
        link = page.locator(link_selector).first
        if link.count() == 0:
            raise LookupError(f"no {what} linked from {path}")
        link.click()
        page.wait_for_load_state("networkidle")

    return open_page


def review_detail(page: Page) -> None:
    """An application from the queue: one awaiting a decision (with its forms) if any."""
    for query in ("?status=submitted", "", "?status=approved", "?status=rejected"):
        page.goto(f"/secretariat/applications/{query}", wait_until="networkidle")
        link = page.locator("table tbody a").first
        if link.count():
            link.click()
            page.wait_for_load_state("networkidle")
            return
    raise LookupError("no application in the review queue")


ANONYMOUS = [
    Shot("home", goto("/")),
    Shot("directory", goto("/members/")),
    Shot("directory-country-de", goto("/members/?country=DE")),
    Shot(
        "organisation",
        follow_first("/members/", "#results .org-list h3 a", "organisation"),
    ),
    Shot("login", goto("/accounts/login/")),
    Shot("signup", goto("/accounts/signup/")),
    Shot("join", goto("/join/")),
    Shot("commitments", goto("/commitments/")),
    Shot(
        "commitment",
        follow_first("/commitments/", "main table tbody a", "commitment"),
    ),
    Shot("kpis", goto("/kpis/")),
    Shot("annual-report", goto("/kpis/annual-report/")),
    Shot("events", goto("/events/")),
    Shot("events-past", goto("/events/?when=past")),
    Shot("event-workshop", goto("/events/brussels-workshop-digital-green-skills/")),
]
WORKER = [
    Shot("my-events", goto("/events/mine/")),
    Shot("event-waitlisted", goto("/events/webinar-ai-in-clinical-practice/")),
    Shot("event-networking", goto("/events/networking-day-health-skills/")),
    Shot(
        "event-ticket",
        follow_first("/events/networking-day-health-skills/", "a[href$='/ticket/']", "ticket"),
    ),
    Shot("networking-profile", goto("/events/networking-day-health-skills/networking/profile/")),
    Shot(
        "networking-participants",
        goto("/events/networking-day-health-skills/networking/participants/"),
    ),
    Shot(
        "networking-suggestions",
        goto("/events/networking-day-health-skills/networking/suggestions/"),
    ),
    Shot("networking-requests", goto("/events/networking-day-health-skills/networking/requests/")),
    Shot(
        "networking-availability",
        goto("/events/networking-day-health-skills/networking/availability/"),
    ),
    Shot("networking-agenda", goto("/events/networking-day-health-skills/networking/agenda/")),
    Shot("calendar-feed", goto("/calendar/")),
]
CONTACT = [
    Shot("application-form", goto("/join/new/")),
    Shot("profile", goto("/accounts/profile/")),
    Shot(
        "manage",
        follow_first("/accounts/profile/", "a[href$='/manage/']", "organisation to manage"),
    ),
    Shot("working-groups", goto("/working-groups/")),
    Shot(
        "working-group",
        follow_first("/working-groups/", "main a[href^='/working-groups/']", "working group"),
    ),
    Shot("commitment-form", goto("/commitments/new/")),
    Shot("reports", goto("/reports/")),
    Shot(
        "report-form",
        follow_first("/reports/", "main a[href$='/edit/']", "report to continue"),
    ),
]
SECRETARIAT = [
    Shot("review-queue", goto("/secretariat/applications/")),
    Shot("review-detail", review_detail),
    Shot("members-admin", goto("/secretariat/members/")),
    Shot("commitments-review", goto("/secretariat/commitments/")),
    Shot("reporting-windows", goto("/secretariat/windows/")),
    Shot("reports-admin", goto("/secretariat/reports/")),
    Shot("overlaps", goto("/secretariat/overlaps/")),
    Shot("kpis-secretariat", goto("/kpis/")),
    Shot("event-create", goto("/events/new/")),
    Shot("event-manage", goto("/events/brussels-workshop-digital-green-skills/manage/")),
    Shot(
        "event-manage-approvals",
        goto("/events/information-session-joining-the-partnership/manage/"),
    ),
    Shot("event-check-in", goto("/events/webinar-ai-in-clinical-practice/check-in/")),
    Shot("event-attendance", goto("/events/brussels-workshop-digital-green-skills/attendance/")),
    Shot(
        "event-feedback-results",
        goto("/events/brussels-workshop-digital-green-skills/feedback/results/"),
    ),
    Shot("networking-setup", goto("/events/networking-day-health-skills/networking/setup/")),
    Shot(
        "networking-scheduler", goto("/events/networking-day-health-skills/networking/scheduler/")
    ),
    Shot("networking-meetings", goto("/events/networking-day-health-skills/networking/meetings/")),
]


def sign_in(page: Page, email: str, password: str) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("E-mail address").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state("networkidle")
    if page.get_by_role("button", name="Sign out").count() == 0:
        raise SystemExit(f"could not sign in as {email}: is the demo data loaded (seed_demo)?")


def take(
    browser: Browser,
    base_url: str,
    out: Path,
    shots: list[Shot],
    *,
    width: int,
    number: int,
    login: tuple[str, str] | None = None,
) -> tuple[int, list[str]]:
    """Take `shots` in one browser context, signed in as `login`; return the next number."""
    context = browser.new_context(
        base_url=base_url, viewport={"width": width, "height": VIEWPORT_HEIGHT}, locale="en-GB"
    )
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    problems: list[str] = []
    try:
        if login is not None:
            sign_in(page, *login)
        for shot in shots:
            path = out / f"{number:02d}-{shot.name}.png"
            number += 1
            try:
                shot.open(page)
                page.screenshot(path=str(path), full_page=True)
            except (Error, LookupError) as error:
                problems.append(f"{shot.name}: {str(error).splitlines()[0]}")
                print(f"skipped {path.name}: {problems[-1]}", file=sys.stderr)
                continue
            print(path)
    finally:
        context.close()
    return number, problems


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--base-url", default="http://127.0.0.1:8000")
    parser.add_argument("--out", type=Path, default=Path("screenshots"))
    parser.add_argument("--password", default=DEMO_PASSWORD, help="the demo logins' password")
    parser.add_argument("--width", type=int, default=1280, help="viewport width in pixels")
    args = parser.parse_args()
    base_url = urljoin(args.base_url, "/")
    args.out.mkdir(parents=True, exist_ok=True)
    if not Path(CHROMIUM).exists():
        print(f"{CHROMIUM} is missing: apt-get install -y chromium", file=sys.stderr)
        return 2
    problems: list[str] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        try:
            number = 1
            for shots, login in (
                (ANONYMOUS, None),
                (CONTACT, (CONTACT_EMAIL, args.password)),
                (WORKER, (WORKER_EMAIL, args.password)),
                (SECRETARIAT, (SECRETARIAT_EMAIL, args.password)),
            ):
                number, missed = take(
                    browser, base_url, args.out, shots, width=args.width, number=number, login=login
                )
                problems += missed
        finally:
            browser.close()
    if problems:
        print(f"{len(problems)} page(s) not captured", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
