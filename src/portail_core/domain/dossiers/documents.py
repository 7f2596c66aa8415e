"""Uploaded supporting documents: which files are accepted, and what is kept about them.

A family may upload a PDF, a JPEG or a PNG of at most 5 Mo. The format is read from the first
bytes of the content (its "magic number"), never from the file name or the content type the
browser claims: a PDF renamed ``scan.png`` is a PDF, a text file renamed ``scan.pdf`` is refused.

The name the browser sent is kept only to be shown and offered back on download, once cleaned:
its last path component, without control or invisible formatting characters, 120 characters at
most. It never becomes a path: the file store names files by a random ``file_id``.
"""

from __future__ import annotations

import enum
import re
import unicodedata

import pendulum
from attrs import field, frozen, validators

from portail_core.errors import InvalidInput

__all__ = [
    "EARLIER_LAYOUT",
    "MAX_DOCUMENT_BYTES",
    "MAX_NAME_LENGTH",
    "SNIFF_BYTES",
    "DocumentFormat",
    "KeptFile",
    "StoredDocument",
    "check_upload",
    "clean_filename",
    "is_file_id",
    "sniff_format",
]

MAX_DOCUMENT_BYTES = 5 * 1024 * 1024
MAX_NAME_LENGTH = 120
FALLBACK_NAME = "document"

EMPTY = "Le fichier est vide."
TOO_LARGE = "Le fichier dépasse 5 Mo."
NOT_ACCEPTED = (
    "Seuls les fichiers PDF, JPEG et PNG sont acceptés (le contenu de ce fichier n'en est pas un)."
)
FIELD = "file"  # the key of the problem in ``InvalidInput.problems``

_FILE_ID = re.compile(r"[0-9a-f]{32}", re.ASCII)  # 128 random bits, lowercase hex
_SHA256 = re.compile(r"[0-9a-f]{64}", re.ASCII)
_SEPARATORS = re.compile(r"[/\\]")  # browsers on Windows may send "C:\Users\...\scan.pdf"
_MAX_SUFFIX = 10  # ".pdf", ".jpeg": kept whole when a long name is shortened


class DocumentFormat(enum.Enum):
    """The accepted file formats."""

    PDF = "pdf"
    JPEG = "jpeg"
    PNG = "png"

    @property
    def label(self) -> str:
        return {
            DocumentFormat.PDF: "document PDF",
            DocumentFormat.JPEG: "image JPEG",
            DocumentFormat.PNG: "image PNG",
        }[self]

    @property
    def mime_type(self) -> str:
        return {
            DocumentFormat.PDF: "application/pdf",
            DocumentFormat.JPEG: "image/jpeg",
            DocumentFormat.PNG: "image/png",
        }[self]

    @property
    def extension(self) -> str:
        """The usual extension, without the dot."""
        return {
            DocumentFormat.PDF: "pdf",
            DocumentFormat.JPEG: "jpg",
            DocumentFormat.PNG: "png",
        }[self]

    @property
    def extensions(self) -> frozenset[str]:
        """Every extension that names this format, lowercase, without the dot."""
        return {
            DocumentFormat.PDF: frozenset({"pdf"}),
            DocumentFormat.JPEG: frozenset({"jpg", "jpeg", "jpe", "jfif"}),
            DocumentFormat.PNG: frozenset({"png"}),
        }[self]


_SIGNATURES: tuple[tuple[bytes, DocumentFormat], ...] = (
    (b"%PDF-", DocumentFormat.PDF),
    (b"\xff\xd8\xff", DocumentFormat.JPEG),
    (b"\x89PNG\r\n\x1a\n", DocumentFormat.PNG),
)
SNIFF_BYTES = max(len(signature) for signature, _ in _SIGNATURES)


def sniff_format(head: bytes) -> DocumentFormat | None:
    """The format announced by the first bytes of a file, or None if none accepted matches."""
    for signature, document_format in _SIGNATURES:
        if head.startswith(signature):
            return document_format
    return None


def check_upload(data: bytes, filename: str) -> DocumentFormat:
    """The format of an uploaded file, or ``InvalidInput`` saying in French why it is refused.

    ``filename`` is what the browser sent; it is deliberately not consulted, since a name or an
    extension proves nothing about the content.
    """
    del filename  # never trusted: the verdict depends on the bytes alone
    if not data:
        raise InvalidInput(EMPTY, {FIELD: EMPTY})
    if len(data) > MAX_DOCUMENT_BYTES:
        raise InvalidInput(TOO_LARGE, {FIELD: TOO_LARGE})
    document_format = sniff_format(data[:SNIFF_BYTES])
    if document_format is None:
        raise InvalidInput(NOT_ACCEPTED, {FIELD: NOT_ACCEPTED})
    return document_format


def is_file_id(text: str) -> bool:
    """Whether ``text`` has the shape of a file store reference (32 lowercase hex digits).

    Checked before any look-up, so that no reference can ever name a path ("../x", "a/b").
    """
    return _FILE_ID.fullmatch(text) is not None


def clean_filename(name: str) -> str:
    """The name a browser sent, fit to be shown and offered back: never a path.

    Keeps the last path component (``/`` or ``\\``), drops control, invisible and unassigned
    characters, folds spaces, trims leading and trailing dots and spaces, and shortens it to 120
    characters keeping its extension. Gives "document" when nothing is left. Cleaning a cleaned
    name changes nothing.
    """
    last = _SEPARATORS.split(name)[-1]
    # Category C: controls, bidi overrides and zero widths, surrogates, private use, unassigned.
    visible = "".join(char for char in last if not unicodedata.category(char).startswith("C"))
    folded = " ".join(unicodedata.normalize("NFC", visible).split()).strip(" .")
    if len(folded) > MAX_NAME_LENGTH:
        stem, dot, suffix = folded.rpartition(".")
        if dot and stem and len(suffix) < _MAX_SUFFIX:
            keep = MAX_NAME_LENGTH - len(suffix) - 1
            folded = f"{stem[:keep].rstrip(' .')}.{suffix}"
        else:
            folded = folded[:MAX_NAME_LENGTH].rstrip(" .")
    return folded or FALLBACK_NAME


def _is_sha256(_: object, __: object, value: str) -> None:
    if _SHA256.fullmatch(value) is None:
        raise ValueError(f"not a lowercase hex SHA-256 digest: {value!r}")


def _is_file_id(_: object, __: object, value: str) -> None:
    if not is_file_id(value):
        raise ValueError(f"not a file store reference: {value!r}")


@frozen
class StoredDocument:
    """What the file store kept: its reference, the format read from the content, and more."""

    file_id: str = field(validator=_is_file_id)
    format: DocumentFormat = field(validator=validators.instance_of(DocumentFormat))
    size: int = field(
        validator=[validators.instance_of(int), validators.ge(1), validators.le(MAX_DOCUMENT_BYTES)]
    )
    sha256: str = field(validator=_is_sha256)
    original_name: str = field(converter=clean_filename)

    @property
    def download_name(self) -> str:
        """The original name, with the extension of the real format when it claims another."""
        stem, dot, suffix = self.original_name.rpartition(".")
        if dot and stem and suffix.lower() in self.format.extensions:
            return self.original_name
        base = stem if dot and stem else self.original_name
        return f"{base}.{self.format.extension}"


# The family_id of a KeptFile an earlier version of the store kept outside the families'
# folders (all in one tree): whichever family names it refers to it.
EARLIER_LAYOUT = 0


@frozen
class KeptFile:
    """A file the document store keeps, as the purge of orphans sees it: in the folder of
    ``family_id`` (or ``EARLIER_LAYOUT``), named ``name`` (a reference, or the temporary name
    of an unfinished upload), last written at ``written_at``."""

    family_id: int
    name: str
    written_at: pendulum.DateTime

    @property
    def unfinished(self) -> bool:
        """An upload interrupted before its file was complete (never referenced)."""
        return not is_file_id(self.name)
