"""Forms for credentials: the public verification form and the revocation form."""

from __future__ import annotations

from pathlib import PurePath
from typing import Any

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

# A baked badge is a small image; a credential is a few kilobytes of JSON or text.
VERIFY_MAX_BYTES = 2 * 1024 * 1024
VERIFY_MAX_CHARS = 200_000
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
VERIFY_TYPES = (".png", ".svg", ".json", ".jsonld", ".jwt", ".txt")


def _read_upload(upload: UploadedFile) -> bytes:
    """The upload's content, refused when too large, of a type not accepted, or not what its
    extension says."""
    if not upload.size:
        raise forms.ValidationError(_("The file is empty."), code="empty")
    if upload.size > VERIFY_MAX_BYTES:
        raise forms.ValidationError(
            _("The file is %(size)s MB; the limit is %(limit)s MB.")
            % {"size": f"{upload.size / 1_048_576:.1f}", "limit": VERIFY_MAX_BYTES // 1_048_576},
            code="too_large",
        )
    extension = PurePath(upload.name or "").suffix.lower()
    if extension not in VERIFY_TYPES:
        raise forms.ValidationError(
            _("Files of type “%(ext)s” are not accepted. Allowed: %(allowed)s.")
            % {"ext": extension or _("(none)"), "allowed": ", ".join(VERIFY_TYPES)},
            code="bad_type",
        )
    upload.seek(0)
    content = upload.read(VERIFY_MAX_BYTES + 1)
    if extension == ".png":
        if not content.startswith(PNG_SIGNATURE):
            raise forms.ValidationError(
                _("The file’s content is not a PNG image."), code="bad_content"
            )
        return bytes(content)
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise forms.ValidationError(
            _("The file does not look like text."), code="bad_content"
        ) from error
    if "\x00" in text:
        raise forms.ValidationError(_("The file does not look like text."), code="bad_content")
    if extension == ".svg" and "<svg" not in text[:4096]:
        raise forms.ValidationError(
            _("The file’s content is not an SVG image."), code="bad_content"
        )
    return text.encode("utf-8")


class VerifyForm(forms.Form):
    """Paste a credential (JWT or JSON) or upload one (baked PNG or SVG, JSON, JWT)."""

    credential = forms.CharField(
        label=gettext_lazy("Paste a credential"),
        required=False,
        max_length=VERIFY_MAX_CHARS,
        strip=True,
        widget=forms.Textarea(attrs={"rows": 8, "spellcheck": "false", "autocomplete": "off"}),
        help_text=gettext_lazy("A VC-JWT (three parts separated by dots) or a credential in JSON."),
    )
    file = forms.FileField(
        label=gettext_lazy("Or upload a file"),
        required=False,
        help_text=gettext_lazy(
            "A badge image with the credential baked in (PNG or SVG), or a JSON or JWT file; "
            "at most 2 MB."
        ),
        widget=forms.ClearableFileInput(
            attrs={"accept": ".png,.svg,.json,.jsonld,.jwt,.txt,image/png,image/svg+xml"}
        ),
    )

    def clean_file(self) -> bytes | None:
        upload = self.cleaned_data.get("file")
        if not upload:
            return None
        return _read_upload(upload)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        text, content = cleaned.get("credential"), cleaned.get("file")
        if self.errors:
            return cleaned
        if text and content:
            raise forms.ValidationError(
                _("Paste a credential or upload a file, not both."), code="both"
            )
        if not text and not content:
            raise forms.ValidationError(
                _("Paste a credential or upload a file to verify."), code="nothing"
            )
        return cleaned

    def data_to_verify(self) -> bytes | str:
        """What the person handed in: the pasted text or the file's bytes."""
        return self.cleaned_data.get("file") or self.cleaned_data["credential"]


class RevokeForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Reason"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("The learner reads this in the e-mail that tells them."),
    )
