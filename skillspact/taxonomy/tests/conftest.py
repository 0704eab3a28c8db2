"""Fixtures of the taxonomy tests: a tiny ESCO download on disk and imported."""

from __future__ import annotations

from pathlib import Path

import pytest

from skillspact.taxonomy import importer
from skillspact.taxonomy.models import EscoVersion
from skillspact.taxonomy.tests import esco_files


@pytest.fixture
def esco_folder(tmp_path: Path) -> Path:
    """The tiny download as an ESCO v1.1.1 folder (v1.1 file names, English)."""
    return esco_files.write_folder(tmp_path / "v1.1.1")


@pytest.fixture
def esco_v1(db: None, esco_folder: Path) -> EscoVersion:
    """The tiny download imported as v1.1.1, the default version."""
    importer.esco_import([esco_folder])
    return EscoVersion.objects.get(code="v1.1.1")
