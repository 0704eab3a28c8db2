"""Serve Plotly's JavaScript from the installed Python package: no CDN, no build step."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import plotly
from django.contrib.staticfiles.finders import BaseFinder
from django.core.files.storage import FileSystemStorage

PLOTLY_DIR = Path(plotly.__file__).parent / "package_data"
PLOTLY_FILES = {"vendor/plotly.min.js": "plotly.min.js"}


class PlotlyFinder(BaseFinder):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.storage = FileSystemStorage(location=str(PLOTLY_DIR))
        self.storage.prefix = "vendor"  # type: ignore[attr-defined]

    def check(self, **kwargs: Any) -> list[Any]:
        return []

    def find(self, path: str, find_all: bool = False, **kwargs: Any) -> Any:
        if path in PLOTLY_FILES:
            found = str(PLOTLY_DIR / PLOTLY_FILES[path])
            return [found] if find_all else found
        return [] if find_all else None

    def list(self, ignore_patterns: Any) -> Any:
        for name in PLOTLY_FILES.values():
            yield name, self.storage
