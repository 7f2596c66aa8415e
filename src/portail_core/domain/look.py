"""A commune's look: its main colour and its logo, shown on every page of its portal.

The colour replaces the portal's own blue (``--brand`` in portail.css): the header band and the
buttons, with white text on it, and the links, on the white page and on the pale grey-blue of
the footer and notices. It is accepted only if every one of these keeps the contrast WCAG AA
asks of text (4.5:1). The logo is a PNG, JPEG or WebP image of 200 Ko at most, recognised by its
first bytes and its dimensions read from its header; never SVG, which may carry scripts.

A commune without a look keeps the portal's own colour and no logo: its pages do not change.
"""

from __future__ import annotations

import enum
import hashlib
import re

from attrs import field, frozen

__all__ = [
    "BACKGROUNDS",
    "MAX_LOGO_BYTES",
    "MAX_LOGO_SIDE",
    "MINIMUM_CONTRAST",
    "CommuneLook",
    "Logo",
    "LogoFormat",
    "LogoImage",
    "colour_problem",
    "contrast_ratio",
    "read_logo",
    "relative_luminance",
]

MINIMUM_CONTRAST = 4.5  # WCAG 2.x AA, normal text
MAX_LOGO_BYTES = 200 * 1024
MAX_LOGO_SIDE = 4000  # pixels: far more than a header shows, far less than a decompression bomb
# The colours the main colour meets in portail.css, and what the message calls them.
BACKGROUNDS = (
    ("#ffffff", "le blanc du texte de l'en-tête et des boutons, et du fond des pages"),
    ("#eef2f7", "le gris-bleu clair du pied de page et des encadrés, où elle colore les liens"),
)

_COLOUR = re.compile(r"#[0-9a-fA-F]{6}", re.ASCII)
_SHA256 = re.compile(r"[0-9a-f]{64}", re.ASCII)


def relative_luminance(colour: str) -> float:
    """The relative luminance of an sRGB colour "#RRGGBB", from 0 (black) to 1 (white)."""
    channels = (int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5))
    r, g, b = (c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast_ratio(first: str, second: str) -> float:
    """The WCAG contrast ratio of two colours "#RRGGBB", from 1 (same) to 21 (black on white)."""
    lighter, darker = sorted((relative_luminance(first), relative_luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def _ratio_text(ratio: float) -> str:
    """ "4,47:1": truncated, never rounded up to a pass it does not reach."""
    return f"{int(ratio * 100) / 100:.2f}".replace(".", ",") + ":1"


def colour_problem(colour: str) -> str | None:
    """Why ``colour`` cannot be the main colour, in French, or None if it can."""
    if not _COLOUR.fullmatch(colour):
        return 'La couleur principale (colour) s\'écrit "#RRGGBB" en hexadécimal, ex. : "#00427a"'
    for background, where in BACKGROUNDS:
        ratio = contrast_ratio(colour, background)
        if ratio < MINIMUM_CONTRAST:
            return (
                f"La couleur principale (colour) {colour.lower()} n'offre qu'un contraste de "
                f"{_ratio_text(ratio)} avec {where} ; il faut au moins 4,5:1 (norme WCAG AA) : "
                "choisissez une couleur plus foncée"
            )
    return None


class LogoFormat(enum.Enum):
    """The image formats a logo may have (never SVG: it may carry scripts)."""

    PNG = "image/png"
    JPEG = "image/jpeg"
    WEBP = "image/webp"

    @property
    def media_type(self) -> str:
        return self.value


def _is_sha256(_: object, __: object, value: str) -> None:
    if _SHA256.fullmatch(value) is None:
        raise ValueError(f"not a lowercase hex SHA-256 digest: {value!r}")


@frozen
class Logo:
    """What the commune keeps of its logo: its format and the SHA-256 of its bytes (the bytes
    are read apart, only to be served)."""

    format: LogoFormat
    digest: str = field(validator=_is_sha256)


@frozen
class LogoImage:
    """A logo's bytes, checked, with their format."""

    content: bytes = field(repr=lambda content: f"<{len(content)} octets>")
    format: LogoFormat

    @property
    def logo(self) -> Logo:
        return Logo(self.format, hashlib.sha256(self.content).hexdigest())


def read_logo(content: bytes) -> LogoImage:
    """The logo in ``content``, or ValueError saying in French why it is refused."""
    if not content:
        raise ValueError("le fichier du logo est vide")
    if len(content) > MAX_LOGO_BYTES:
        raise ValueError(
            f"le logo pèse {len(content) // 1024} Ko : 200 Ko au plus (réduisez l'image)"
        )
    found = _format_and_size(content)
    if found is None:
        raise ValueError(
            "le logo doit être une image PNG, JPEG ou WebP (le contenu de ce fichier n'en est "
            "pas une ; le SVG n'est pas accepté)"
        )
    image_format, (width, height) = found
    if not (1 <= width <= MAX_LOGO_SIDE and 1 <= height <= MAX_LOGO_SIDE):
        raise ValueError(
            f"le logo mesure {width} × {height} pixels : {MAX_LOGO_SIDE} pixels de côté au plus"
        )
    return LogoImage(content, image_format)


def _format_and_size(data: bytes) -> tuple[LogoFormat, tuple[int, int]] | None:
    """The format announced by the first bytes and the dimensions its header gives, or None
    when the bytes are not one of the formats or their header is cut or malformed."""
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        size = _png_size(data)
        return None if size is None else (LogoFormat.PNG, size)
    if data.startswith(b"\xff\xd8\xff"):
        size = _jpeg_size(data)
        return None if size is None else (LogoFormat.JPEG, size)
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        size = _webp_size(data)
        return None if size is None else (LogoFormat.WEBP, size)
    return None


def _png_size(data: bytes) -> tuple[int, int] | None:
    if len(data) < 24 or data[12:16] != b"IHDR":  # the first chunk is always the header
        return None
    return int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")


# Start-of-frame markers (baseline, progressive, lossless...): they carry the dimensions.
_JPEG_FRAMES = frozenset({*range(0xC0, 0xC4), *range(0xC5, 0xC8), *range(0xC9, 0xCC)}) | {
    0xCD,
    0xCE,
    0xCF,
}


def _jpeg_size(data: bytes) -> tuple[int, int] | None:
    position = 2
    while position + 4 <= len(data):
        if data[position] != 0xFF:
            return None
        marker = data[position + 1]
        if marker == 0xFF:  # fill byte
            position += 1
            continue
        if marker == 0x01 or 0xD0 <= marker <= 0xD8:  # markers without a length
            position += 2
            continue
        if marker == 0xDA:  # the image data starts, and no frame header came before
            return None
        length = int.from_bytes(data[position + 2 : position + 4], "big")
        if marker in _JPEG_FRAMES:
            if position + 9 > len(data):
                return None
            height = int.from_bytes(data[position + 5 : position + 7], "big")
            width = int.from_bytes(data[position + 7 : position + 9], "big")
            return width, height
        if length < 2:
            return None
        position += 2 + length
    return None


def _webp_size(data: bytes) -> tuple[int, int] | None:
    chunk = data[12:16]
    if chunk == b"VP8 " and len(data) >= 30 and data[23:26] == b"\x9d\x01\x2a":
        width = int.from_bytes(data[26:28], "little") & 0x3FFF
        height = int.from_bytes(data[28:30], "little") & 0x3FFF
        return width, height
    if chunk == b"VP8L" and len(data) >= 25 and data[20] == 0x2F:
        bits = int.from_bytes(data[21:25], "little")
        return 1 + (bits & 0x3FFF), 1 + ((bits >> 14) & 0x3FFF)
    if chunk == b"VP8X" and len(data) >= 30:
        return 1 + int.from_bytes(data[24:27], "little"), 1 + int.from_bytes(data[27:30], "little")
    return None


@frozen
class CommuneLook:
    """The commune's main colour ("#rrggbb", None: the portal's own) and logo (None: none)."""

    colour: str | None = None
    logo: Logo | None = None

    @property
    def stylesheet_digest(self) -> str | None:
        """What names the stylesheet that sets the colour (it changes with the colour, so that
        browsers never keep an old one), or None when the portal's own colour stays."""
        if self.colour is None:
            return None
        return hashlib.sha256(self.colour.encode("ascii")).hexdigest()[:16]

    def describe(self) -> str:
        """In French, for the audit trail: « couleur #1d4e2c, logo image/png (3f2a9c0d1e4b) »."""
        colour = f"couleur {self.colour}" if self.colour else "couleur du portail"
        logo = (
            f"logo {self.logo.format.media_type} ({self.logo.digest[:12]})"
            if self.logo
            else "sans logo"
        )
        return f"{colour}, {logo}"
