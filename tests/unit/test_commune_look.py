"""A commune's look (domain/look.py): the contrast its colour must keep, and the logo's checks."""

from __future__ import annotations

import hashlib
import io

import pytest
from hypothesis import given
from hypothesis import strategies as st
from PIL import Image

from portail_core.domain.communes import Commune
from portail_core.domain.look import (
    MAX_LOGO_BYTES,
    CommuneLook,
    Logo,
    LogoFormat,
    colour_problem,
    contrast_ratio,
    read_logo,
    relative_luminance,
)
from portail_core.errors import InvalidInput

colours = st.integers(0, 0xFFFFFF).map(lambda n: f"#{n:06x}")


def image(image_format: str, size: tuple[int, int] = (120, 48), **options: object) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (29, 78, 44)).save(buffer, format=image_format, **options)
    return buffer.getvalue()


# ------------------------------------------------------------------------ contrast (WCAG 2.x)


@pytest.mark.parametrize(
    ("first", "second", "expected"),
    [
        ("#000000", "#ffffff", 21.0),
        ("#ffffff", "#ffffff", 1.0),
        ("#767676", "#ffffff", 4.54),  # the lightest grey that passes AA on white
        ("#777777", "#ffffff", 4.48),  # and the next one, which does not
        ("#0000ff", "#ffffff", 8.59),
        ("#ff0000", "#ffffff", 4.0),
    ],
)
def test_known_contrast_ratios(first: str, second: str, expected: float) -> None:
    assert contrast_ratio(first, second) == pytest.approx(expected, abs=0.01)


@given(colours, colours)
def test_contrast_is_symmetric_and_between_a_colour_s_own_and_black_on_white(
    first: str, second: str
) -> None:
    ratio = contrast_ratio(first, second)
    assert ratio == contrast_ratio(second, first)
    assert contrast_ratio(first, first) == 1.0
    assert 1.0 <= ratio <= contrast_ratio("#000000", "#ffffff")


@given(colours)
def test_luminance_grows_with_each_channel(colour: str) -> None:
    value = int(colour[1:], 16)
    for shift in (16, 8, 0):
        if (value >> shift) & 0xFF < 0xFF:
            brighter = f"#{value + (1 << shift):06x}"
            assert relative_luminance(brighter) > relative_luminance(colour)


@given(colours)
def test_a_colour_is_accepted_exactly_when_white_and_the_pale_background_keep_aa(
    colour: str,
) -> None:
    keeps_aa = min(contrast_ratio(colour, "#ffffff"), contrast_ratio(colour, "#eef2f7")) >= 4.5
    assert (colour_problem(colour) is None) is keeps_aa


def test_a_pale_colour_is_refused_with_its_ratio_and_what_is_needed() -> None:
    problem = colour_problem("#FF0000")
    assert problem is not None
    assert "#ff0000" in problem
    assert "3,99:1" in problem  # 3.998: never rounded up
    assert "au moins 4,5:1" in problem
    assert "colour" in problem


def test_a_colour_that_passes_on_white_but_not_on_the_pale_background_is_refused() -> None:
    assert contrast_ratio("#737373", "#ffffff") >= 4.5
    problem = colour_problem("#737373")
    assert problem is not None
    assert "gris-bleu clair" in problem


@pytest.mark.parametrize("text", ["00427a", "#00427", "#00427g", "blue", "#00427a "])
def test_a_colour_not_written_rrggbb_is_refused_naming_the_form(text: str) -> None:
    problem = colour_problem(text)
    assert problem is not None
    assert '"#RRGGBB"' in problem


# ------------------------------------------------------------------------ logo


@pytest.mark.parametrize(
    ("image_format", "expected", "options"),
    [
        ("PNG", LogoFormat.PNG, {}),
        ("JPEG", LogoFormat.JPEG, {}),
        ("JPEG", LogoFormat.JPEG, {"progressive": True}),
        ("WEBP", LogoFormat.WEBP, {}),  # lossy: VP8
        ("WEBP", LogoFormat.WEBP, {"lossless": True}),  # VP8L
    ],
)
def test_png_jpeg_and_webp_logos_are_read(
    image_format: str, expected: LogoFormat, options: dict[str, object]
) -> None:
    content = image(image_format, **options)
    logo = read_logo(content)
    assert logo.format is expected
    assert logo.logo == Logo(expected, hashlib.sha256(content).hexdigest())


def test_an_svg_is_refused_saying_so() -> None:
    svg = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
    with pytest.raises(ValueError, match="PNG, JPEG ou WebP") as caught:
        read_logo(svg)
    assert "SVG" in str(caught.value)


def test_a_png_signature_without_its_header_is_refused() -> None:
    with pytest.raises(ValueError, match="PNG, JPEG ou WebP"):
        read_logo(b"\x89PNG\r\n\x1a\n" + b"\0" * 40)


def test_a_jpeg_cut_before_its_frame_header_is_refused() -> None:
    with pytest.raises(ValueError, match="PNG, JPEG ou WebP"):
        read_logo(image("JPEG")[:20])


def test_an_empty_or_heavy_logo_is_refused() -> None:
    with pytest.raises(ValueError, match="vide"):
        read_logo(b"")
    heavy = image("PNG") + b"\0" * MAX_LOGO_BYTES
    with pytest.raises(ValueError, match="200 Ko au plus"):
        read_logo(heavy)


def test_a_huge_image_is_refused_with_its_dimensions() -> None:
    with pytest.raises(ValueError, match="5000 × 10 pixels"):
        read_logo(image("PNG", (5000, 10)))


# ------------------------------------------------------------------------ on the commune


def test_a_commune_without_a_look_keeps_the_portal_s_own() -> None:
    commune = Commune.create(insee_code="40184", name="M", school_zone="A", contact_email="a@b.fr")
    assert commune.look == CommuneLook()
    assert commune.look.stylesheet_digest is None


def test_a_commune_s_colour_is_kept_lowercase_and_named_by_a_digest() -> None:
    logo = read_logo(image("PNG")).logo
    commune = Commune.create(
        insee_code="40184",
        name="M",
        school_zone="A",
        contact_email="a@b.fr",
        colour="#1D4E2C",
        logo=logo,
    )
    assert commune.look == CommuneLook("#1d4e2c", logo)
    other = CommuneLook("#1d4e2d")
    assert commune.look.stylesheet_digest != other.stylesheet_digest
    assert "couleur #1d4e2c, logo image/png" in commune.look.describe()


def test_a_commune_with_a_pale_colour_is_refused_with_its_other_problems() -> None:
    with pytest.raises(InvalidInput) as caught:
        Commune.create(
            insee_code="x", name="M", school_zone="A", contact_email="a@b.fr", colour="#ffff00"
        )
    assert set(caught.value.problems) == {"insee_code", "colour"}
    assert "contraste de 1,07:1" in caught.value.problems["colour"]
