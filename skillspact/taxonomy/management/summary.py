"""The summary an import command prints."""

from __future__ import annotations

from typing import Any

from skillspact.taxonomy.importer import ImportReport


def write_summary(stdout: Any, report: ImportReport, *, show_bad_rows: int = 20) -> None:
    """Counts per table, the first bad rows and the files left out."""
    default = "; the default version" if report.made_default else ""
    stdout.write(
        f"ESCO {report.version} imported in {report.duration:.1f} s "
        f"(languages: {', '.join(report.languages)}{default})"
    )
    for name, count in report.counts.items():
        stdout.write(f"  {name.replace('_', ' '):<20} {count:>9,}")
    if report.bad_rows:
        stdout.write(f"{len(report.bad_rows):,} bad rows skipped:")
        for row in report.bad_rows[:show_bad_rows]:
            stdout.write(f"  {row}")
        if len(report.bad_rows) > show_bad_rows:
            stdout.write(
                f"  … and {len(report.bad_rows) - show_bad_rows:,} more (see the version's report)"
            )
    if report.warnings:
        stdout.write(f"{len(report.warnings):,} notes:")
        for row in report.warnings[:show_bad_rows]:
            stdout.write(f"  {row}")
    if report.ignored_files:
        stdout.write("Not read: " + "; ".join(report.ignored_files))
