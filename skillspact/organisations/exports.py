"""The member list as CSV and XLSX, for the secretariat."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from typing import Any

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from skillspact.organisations import regions
from skillspact.organisations.models import Organisation

COLUMNS = [
    ("id", lambda o: str(o.public_id)),
    ("legal_name", lambda o: o.legal_name),
    ("acronym", lambda o: o.acronym),
    ("status", lambda o: o.status),
    ("listed_in_directory", lambda o: "yes" if o.is_listed else "no"),
    ("stakeholder_type", lambda o: o.stakeholder_type),
    ("country", lambda o: str(o.country)),
    ("nuts2", lambda o: o.nuts2),
    ("region_name", lambda o: regions.region_name(o.nuts2)),
    ("size_band", lambda o: o.size_band),
    ("website", lambda o: o.website),
    ("pact_registration_ref", lambda o: o.pact_registration_ref),
    ("interests", lambda o: "; ".join(i.slug for i in o.interests.all())),
    ("member_of_networks", lambda o: "; ".join(n.legal_name for n in o.networks.all())),
    ("joined_at", lambda o: o.joined_at.date().isoformat() if o.joined_at else ""),
    ("left_at", lambda o: o.left_at.date().isoformat() if o.left_at else ""),
]


def _safe(value: Any) -> Any:
    """Neutralise spreadsheet formulas in user text (CSV/formula injection)."""
    if isinstance(value, str) and value[:1] in {"=", "+", "-", "@", "\t", "\r"}:
        return "'" + value
    return value


def rows(organisations: Iterable[Organisation]) -> Iterator[list[Any]]:
    """The header, then one row per organisation."""
    yield [name for name, _getter in COLUMNS]
    for organisation in organisations:
        yield [_safe(getter(organisation)) for _name, getter in COLUMNS]


class _Echo:
    def write(self, value: str) -> str:
        return value


def csv_stream(organisations: Iterable[Organisation]) -> Iterator[str]:
    """CSV lines, streamed so a large export does not sit in memory."""
    writer = csv.writer(_Echo())
    yield "\ufeff"  # so spreadsheet programs read UTF-8
    for row in rows(organisations):
        yield writer.writerow(row)


def xlsx_bytes(organisations: Iterable[Organisation]) -> bytes:
    """An XLSX workbook with one sheet of members."""
    workbook = Workbook(write_only=False)
    sheet = workbook.active
    assert sheet is not None
    sheet.title = _("Members")[:31]
    for index, row in enumerate(rows(organisations)):
        sheet.append(row)
        if index == 0:
            for cell in sheet[1]:
                cell.font = Font(bold=True)
    sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
