"""Contrast between two colours, as WCAG 2.2 measures it (relative luminance, 1:1 to 21:1)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

WHITE = "#ffffff"
# WCAG 2.2 AA: normal text needs 4.5:1; a focus indicator or other non-text part 3:1.
TEXT_CONTRAST = 4.5
NON_TEXT_CONTRAST = 3.0


def luminance(colour: str) -> float:
    """The relative luminance of ``#rrggbb``."""
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    r, g, b = (c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast_ratio(one: str, other: str) -> float:
    darker, lighter = sorted([luminance(one), luminance(other)])
    return (lighter + 0.05) / (darker + 0.05)


def validate_white_text_readable(colour: str) -> None:
    """A status's colour is the background of its label in white: it must be dark enough."""
    try:
        ratio = contrast_ratio(colour, WHITE)
    except ValueError:
        return  # the field's format validator says what is wrong
    if ratio < TEXT_CONTRAST:
        raise ValidationError(
            _(
                "White text on this colour has a contrast of %(ratio).2f:1; "
                "choose a darker colour (at least 4.5:1)."
            ),  # fmt: skip
            params={"ratio": ratio},
            code="low_contrast",
        )
