"""Certificates of attendance as PDF, for people checked in at an event that has ended.

Text is set in DejaVu Sans when the font is installed (it covers Latin, Greek and Cyrillic
names); without it the PDF core font Helvetica is used and characters outside Latin-1 are
written without their accents or, failing that, as "?", so that no name ever breaks the file.
"""

from __future__ import annotations

import logging
import unicodedata
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from django.conf import settings
from django.urls import reverse
from django.utils import formats
from django.utils.translation import gettext as _
from fpdf import FPDF

from skillspact.events.attendance import event_time
from skillspact.events.models import Event, EventSession, Registration

FONT_DIRS = [
    Path("/usr/share/fonts/truetype/dejavu"),
    Path("/usr/share/fonts/dejavu"),
    Path("/usr/share/fonts/TTF"),
    Path("/usr/local/share/fonts"),
]
# Font subsetting reports every table at INFO; one certificate would fill the log.
logging.getLogger("fontTools").setLevel(logging.WARNING)

BRAND = (11, 79, 138)
INK = (27, 31, 36)
MUTED = (77, 85, 97)


def _dejavu() -> tuple[Path, Path] | None:
    for directory in FONT_DIRS:
        regular, bold = directory / "DejaVuSans.ttf", directory / "DejaVuSans-Bold.ttf"
        if regular.is_file() and bold.is_file():
            return regular, bold
    return None


# Latin letters that Unicode does not decompose into a base letter and an accent.
_PLAIN: dict[int, str] = {
    ord(letter): plain
    for letter, plain in zip("ŁłĐđĦħıŦŧŊŋĿŀſƏə‘’“”–—", "LlDdHhiTtNnLlsEe''\"\"--", strict=True)
}
_PLAIN.update({ord("Œ"): "OE", ord("œ"): "oe"})


def latin1(text: str) -> str:
    """`text` in Latin-1 for the core fonts: accents dropped where needed, else "?"."""
    out = []
    for char in text.translate(_PLAIN):
        try:
            char.encode("latin-1")
            out.append(char)
            continue
        except UnicodeEncodeError:
            pass
        base = "".join(
            c for c in unicodedata.normalize("NFKD", char) if not unicodedata.combining(c)
        )
        try:
            out.append(base.encode("latin-1").decode("latin-1") if base else "?")
        except UnicodeEncodeError:
            out.append("?")
    return "".join(out)


class _Certificate(FPDF):
    def __init__(self) -> None:
        super().__init__(orientation="L", unit="mm", format="A4")
        fonts = _dejavu()
        if fonts:
            self.add_font("DejaVu", "", str(fonts[0]))
            self.add_font("DejaVu", "B", str(fonts[1]))
            self.base_family = "DejaVu"
            self.has_unicode_font = True
        else:
            self.base_family = "Helvetica"
            self.has_unicode_font = False
        self.set_auto_page_break(auto=True, margin=18)
        self.set_margins(25, 20, 25)

    def text_of(self, text: str) -> str:
        return text if self.has_unicode_font else latin1(text)

    def line_of(
        self,
        text: str,
        *,
        size: float,
        bold: bool = False,
        color: Sequence[int] = INK,
        height: float | None = None,
    ) -> None:
        self.set_font(self.base_family, "B" if bold else "", size)
        self.set_text_color(*color)
        self.multi_cell(
            0, height or size * 0.5, self.text_of(text), align="C", new_x="LMARGIN", new_y="NEXT"
        )


def _when(event: Event) -> str:
    start, end = event_time(event, event.starts_at), event_time(event, event.ends_at)
    first = formats.date_format(start, "DATE_FORMAT")
    if start.date() == end.date():
        return _("%(date)s, %(start)s–%(end)s (%(zone)s)") % {
            "date": first,
            "start": start.strftime("%H:%M"),
            "end": end.strftime("%H:%M"),
            "zone": event.time_zone,
        }
    return _("%(first)s to %(last)s") % {
        "first": first,
        "last": formats.date_format(end, "DATE_FORMAT"),
    }


def _where(event: Event) -> str:
    place = ", ".join(part for part in (event.venue, event.address) if part)
    if event.format == Event.Format.ONLINE:
        return _("Online")
    if event.format == Event.Format.HYBRID:
        return _("%(place)s and online") % {"place": place} if place else _("Online")
    return place


def _session_line(event: Event, session: EventSession) -> str:
    start = event_time(event, session.starts_at)
    end = event_time(event, session.ends_at)
    day = formats.date_format(start, "SHORT_DATE_FORMAT")
    return f"{day}, {start:%H:%M}–{end:%H:%M} · {session.title}"


def certificate_pdf(
    *,
    registration: Registration,
    sessions: Sequence[EventSession],
) -> bytes:
    """The certificate of attendance of a checked-in registration, as PDF bytes."""
    event = registration.event
    user: Any = registration.user
    name = (user.full_name or user.email) if user is not None else ""
    organiser = event.organisation.legal_name if event.organisation else settings.PARTNERSHIP_NAME
    verify_url = settings.SITE_URL + reverse("events:detail", args=[event.slug])

    pdf = _Certificate()
    pdf.set_title(pdf.text_of(_("Certificate of attendance") + " · " + event.title))
    pdf.set_author(pdf.text_of(organiser))
    pdf.set_creator("skillspact")
    pdf.set_lang(settings.LANGUAGE_CODE)
    pdf.add_page()
    pdf.set_draw_color(*BRAND)
    pdf.set_line_width(1.2)
    pdf.rect(10, 10, pdf.w - 20, pdf.h - 20)

    pdf.ln(6)
    pdf.line_of(settings.PARTNERSHIP_NAME, size=11, color=MUTED)
    pdf.ln(4)
    pdf.line_of(_("Certificate of attendance"), size=28, bold=True, color=BRAND, height=14)
    pdf.ln(6)
    pdf.line_of(_("This certifies that"), size=13, color=MUTED)
    pdf.ln(2)
    pdf.line_of(name, size=24, bold=True, height=12)
    pdf.ln(2)
    pdf.line_of(
        _("took part in the %(kind)s") % {"kind": event.get_kind_display().lower()},
        size=13,
        color=MUTED,
    )
    pdf.ln(2)
    pdf.line_of(event.title, size=18, bold=True, height=9)
    pdf.ln(2)
    pdf.line_of(_when(event), size=12)
    where = _where(event)
    if where:
        pdf.line_of(where, size=12)
    pdf.line_of(_("Organised by %(name)s") % {"name": organiser}, size=12, color=MUTED)

    if sessions:
        pdf.ln(5)
        pdf.line_of(_("Sessions attended"), size=12, bold=True)
        for session in sessions:
            pdf.line_of(_session_line(event, session), size=10.5, height=5.5)

    pdf.ln(8)
    checked_in = registration.checked_in_at
    verification = _(
        "Registration %(reference)s, checked in on %(date)s. The organiser can confirm this "
        "certificate with this reference: %(url)s"
    ) % {
        "reference": registration.public_id,
        "date": formats.date_format(event_time(event, checked_in), "SHORT_DATE_FORMAT")
        if checked_in
        else "—",
        "url": verify_url,
    }
    pdf.line_of(verification, size=8.5, color=MUTED, height=4.5)
    return bytes(pdf.output())


def filename(registration: Registration) -> str:
    """A download name for the certificate."""
    return f"certificate-{registration.event.slug}.pdf"
