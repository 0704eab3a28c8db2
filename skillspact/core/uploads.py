"""Validating uploaded files by size, extension and content, not by what the client claims."""

from __future__ import annotations

from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _

# Extension -> the magic bytes its content must start with (None: must be text).
DOCUMENT_TYPES: dict[str, tuple[bytes, ...] | None] = {
    ".pdf": (b"%PDF-",),
    ".docx": (b"PK\x03\x04",),
    ".xlsx": (b"PK\x03\x04",),
    ".pptx": (b"PK\x03\x04",),
    ".odt": (b"PK\x03\x04",),
    ".ods": (b"PK\x03\x04",),
    ".png": (b"\x89PNG\r\n\x1a\n",),
    ".jpg": (b"\xff\xd8\xff",),
    ".jpeg": (b"\xff\xd8\xff",),
    ".csv": None,
    ".txt": None,
    ".md": None,
}


def validate_document(upload: UploadedFile) -> None:
    """Raise ValidationError unless `upload` is an allowed document type within the size limit."""
    max_bytes = settings.UPLOAD_MAX_BYTES
    if upload.size is None or upload.size == 0:
        raise ValidationError(_("The file is empty."), code="empty")
    if upload.size > max_bytes:
        raise ValidationError(
            _("The file is %(size)s MB; the limit is %(limit)s MB.")
            % {"size": f"{upload.size / 1_048_576:.1f}", "limit": f"{max_bytes / 1_048_576:.0f}"},
            code="too_large",
        )
    extension = PurePath(upload.name or "").suffix.lower()
    if extension not in DOCUMENT_TYPES:
        raise ValidationError(
            _("Files of type “%(ext)s” are not accepted. Allowed: %(allowed)s.")
            % {"ext": extension or _("(none)"), "allowed": ", ".join(sorted(DOCUMENT_TYPES))},
            code="bad_type",
        )
    upload.seek(0)
    head = upload.read(2048)
    upload.seek(0)
    signatures = DOCUMENT_TYPES[extension]
    if signatures is None:
        try:
            head.decode("utf-8")
        except UnicodeDecodeError as error:
            # A multi-byte character cut at the 2048th byte is still text.
            if error.start < len(head) - 4:
                raise ValidationError(
                    _("The file does not look like text."), code="bad_content"
                ) from error
        if b"\x00" in head:
            raise ValidationError(_("The file does not look like text."), code="bad_content")
    elif not any(head.startswith(signature) for signature in signatures):
        raise ValidationError(
            _("The file’s content does not match its “%(ext)s” extension.") % {"ext": extension},
            code="bad_content",
        )
