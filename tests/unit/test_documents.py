import hashlib

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from portail_core.domain.dossiers.documents import (
    MAX_DOCUMENT_BYTES,
    DocumentFormat,
    StoredDocument,
    check_upload,
    clean_filename,
    is_file_id,
    sniff_format,
)
from portail_core.errors import InvalidInput

# The signatures, written out here rather than imported: the tests check the module's table.
PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n%%EOF\n"
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00\xff\xd9"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02"
SIGNATURES = (b"%PDF-", b"\xff\xd8\xff", b"\x89PNG\r\n\x1a\n")
NOT_ACCEPTED = "Seuls les fichiers PDF, JPEG et PNG sont acceptés"
FILE_ID = "0123456789abcdef0123456789abcdef"


def stored(name: str, document_format: DocumentFormat = DocumentFormat.PDF) -> StoredDocument:
    return StoredDocument(FILE_ID, document_format, 10, "0" * 64, name)


@pytest.mark.parametrize(
    ("content", "expected"),
    [(PDF, DocumentFormat.PDF), (JPEG, DocumentFormat.JPEG), (PNG, DocumentFormat.PNG)],
)
def test_pdf_jpeg_and_png_are_recognised_from_their_first_bytes(
    content: bytes, expected: DocumentFormat
) -> None:
    assert sniff_format(content) is expected
    assert check_upload(content, "piece") is expected


@pytest.mark.parametrize(
    "head",
    [
        b"",
        b"%PDF",  # cut short
        b"%pdf-1.4",  # the signature is case-sensitive
        b" %PDF-1.4",  # and must come first
        b"\xff\xd8",
        b"\x89PNG\r\n\x1a",
        b"\x89PNG\n\n\x1a\n",  # a PNG mangled by a text-mode transfer
        b"GIF89a",
        b"PK\x03\x04",  # zip, docx, odt
        b"<svg xmlns='http://www.w3.org/2000/svg'>",
        b"<!DOCTYPE html><script>alert(1)</script>",
        b"MZ\x90\x00",  # a Windows executable
    ],
)
def test_other_or_truncated_signatures_are_not_recognised(head: bytes) -> None:
    assert sniff_format(head) is None


@pytest.mark.parametrize(
    ("document_format", "label", "mime_type"),
    [
        (DocumentFormat.PDF, "document PDF", "application/pdf"),
        (DocumentFormat.JPEG, "image JPEG", "image/jpeg"),
        (DocumentFormat.PNG, "image PNG", "image/png"),
    ],
)
def test_each_format_has_a_french_label_and_a_mime_type(
    document_format: DocumentFormat, label: str, mime_type: str
) -> None:
    assert document_format.label == label
    assert document_format.mime_type == mime_type


def test_a_pdf_renamed_png_is_still_a_pdf() -> None:
    assert check_upload(PDF, "photo.png") is DocumentFormat.PDF


def test_a_text_file_renamed_pdf_is_refused_in_french() -> None:
    with pytest.raises(InvalidInput, match=NOT_ACCEPTED) as refusal:
        check_upload("Voilà mon justificatif de domicile.\n".encode(), "justificatif.pdf")
    assert "n'en est pas un" in refusal.value.message
    assert refusal.value.problems == {"file": refusal.value.message}


def test_an_empty_file_is_refused_in_french() -> None:
    with pytest.raises(InvalidInput, match=r"^Le fichier est vide\.$") as refusal:
        check_upload(b"", "vide.pdf")
    assert refusal.value.problems == {"file": "Le fichier est vide."}


def test_a_file_of_exactly_5_mo_is_accepted() -> None:
    assert MAX_DOCUMENT_BYTES == 5 * 1024 * 1024
    data = PDF + b"\0" * (MAX_DOCUMENT_BYTES - len(PDF))
    assert len(data) == 5_242_880
    assert check_upload(data, "gros.pdf") is DocumentFormat.PDF


def test_one_byte_over_5_mo_is_refused_in_french() -> None:
    data = PDF + b"\0" * (MAX_DOCUMENT_BYTES - len(PDF) + 1)
    with pytest.raises(InvalidInput, match=r"^Le fichier dépasse 5 Mo\.$"):
        check_upload(data, "gros.pdf")


@given(st.binary(min_size=1, max_size=2048), st.text(max_size=40))
def test_random_bytes_without_a_known_signature_are_always_refused(
    data: bytes, filename: str
) -> None:
    assume(not data.startswith(SIGNATURES))
    with pytest.raises(InvalidInput, match=NOT_ACCEPTED):
        check_upload(data, filename)


@given(
    st.sampled_from(
        [(PDF, DocumentFormat.PDF), (JPEG, DocumentFormat.JPEG), (PNG, DocumentFormat.PNG)]
    ),
    st.binary(max_size=512),
    st.sampled_from(["scan.pdf", "photo.jpg", "image.png", "notes.txt", "", "../x.exe"]),
)
def test_the_verdict_depends_on_the_content_never_on_the_name(
    sample: tuple[bytes, DocumentFormat], tail: bytes, filename: str
) -> None:
    head, expected = sample
    assert check_upload(head + tail, filename) is expected


@pytest.mark.parametrize(
    ("sent", "kept"),
    [
        ("../../etc/passwd", "passwd"),
        ("C:\\Users\\Léa\\Documents\\attestation CAF.pdf", "attestation CAF.pdf"),
        ("a\x00b.pdf", "ab.pdf"),
        ("facture\r\nSet-Cookie: x=1.pdf", "factureSet-Cookie: x=1.pdf"),
        ("scan\u202egnp.exe", "scangnp.exe"),  # a right-to-left override hides the real extension
        ("  avis   d'imposition  2025 .pdf ", "avis d'imposition 2025 .pdf"),
        (".bashrc", "bashrc"),
        ("..", "document"),
        ("../", "document"),
        ("", "document"),
        ("\x00\x01\x1f", "document"),
        ("Ame\u0301lie.png", "Amélie.png"),  # one spelling per name (NFC)
    ],
)
def test_uploaded_names_are_cleaned_to_a_harmless_basename(sent: str, kept: str) -> None:
    assert clean_filename(sent) == kept
    assert stored(sent).original_name == kept


def test_a_very_long_name_is_cut_to_120_characters_keeping_its_extension() -> None:
    assert clean_filename("a" * 300 + ".pdf") == "a" * 116 + ".pdf"
    assert clean_filename("x" * 500) == "x" * 120


@given(st.text(max_size=300))
def test_a_cleaned_name_is_short_visible_and_stays_as_it_is(sent: str) -> None:
    name = clean_filename(sent)
    assert 1 <= len(name) <= 120
    assert "/" not in name
    assert "\\" not in name
    assert name not in {".", ".."}
    assert all(char.isprintable() or char == " " for char in name)
    assert clean_filename(name) == name


@pytest.mark.parametrize(
    ("name", "document_format", "download_name"),
    [
        ("attestation.pdf", DocumentFormat.PDF, "attestation.pdf"),
        ("PHOTO.JPEG", DocumentFormat.JPEG, "PHOTO.JPEG"),
        ("photo.png", DocumentFormat.PDF, "photo.pdf"),
        ("scan", DocumentFormat.PNG, "scan.png"),
        ("../../etc/passwd", DocumentFormat.JPEG, "passwd.jpg"),
    ],
)
def test_a_document_is_offered_back_with_the_extension_of_its_real_format(
    name: str, document_format: DocumentFormat, download_name: str
) -> None:
    assert stored(name, document_format).download_name == download_name


def test_a_stored_document_keeps_a_digest_of_its_content() -> None:
    document = StoredDocument(
        FILE_ID, DocumentFormat.PNG, len(PNG), hashlib.sha256(PNG).hexdigest(), "image.png"
    )
    assert document.size == len(PNG)
    assert len(document.sha256) == 64


@pytest.mark.parametrize(
    "changes",
    [
        {"file_id": "../x"},
        {"file_id": "0123456789ABCDEF0123456789ABCDEF"},
        {"size": 0},
        {"size": MAX_DOCUMENT_BYTES + 1},
        {"sha256": "not a digest"},
        {"format": "pdf"},
    ],
)
def test_a_stored_document_cannot_hold_an_impossible_value(changes: dict[str, object]) -> None:
    values: dict[str, object] = {
        "file_id": FILE_ID,
        "format": DocumentFormat.PDF,
        "size": 10,
        "sha256": "0" * 64,
        "original_name": "a.pdf",
    }
    with pytest.raises((ValueError, TypeError)):
        StoredDocument(**{**values, **changes})  # type: ignore[arg-type]  # the point


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (FILE_ID, True),
        ("f" * 32, True),
        ("F" * 32, False),
        ("a" * 31, False),
        ("a" * 33, False),
        ("a" * 31 + "\n", False),
        ("../" + "a" * 29, False),
        ("aa/bb/" + "a" * 26, False),
        ("g" * 32, False),
        ("", False),
    ],
)
def test_only_32_lowercase_hex_digits_make_a_file_reference(text: str, expected: bool) -> None:
    assert is_file_id(text) is expected
