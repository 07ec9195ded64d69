"""Text on the status colours, and the focus ring, are readable: WCAG 2.2 AA contrast."""

import re

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError

from commitments.colours import NON_TEXT_CONTRAST, TEXT_CONTRAST, WHITE, contrast_ratio
from commitments.models import Status

pytestmark = pytest.mark.django_db
STYLESHEET = settings.BASE_DIR / "static" / "css" / "tracker.css"


def css_variable(name: str) -> str:
    return re.search(rf"--{name}:\s*(#[0-9a-fA-F]{{6}})", STYLESHEET.read_text()).group(1)


def test_contrast_is_measured_as_wcag_measures_it():
    assert contrast_ratio("#000000", WHITE) == pytest.approx(21)
    assert contrast_ratio(WHITE, WHITE) == pytest.approx(1)
    assert contrast_ratio("#f0a202", WHITE) == pytest.approx(2.13, abs=0.01)  # the old "ongoing"


def test_white_labels_on_every_seeded_status_colour_reach_4_5_to_1():
    ratios = {status.code: round(contrast_ratio(status.colour, WHITE), 2) for status in Status.objects.all()}
    assert len(ratios) == 6
    assert all(ratio >= TEXT_CONTRAST for ratio in ratios.values()), ratios


def test_a_status_colour_too_light_for_its_white_label_is_refused():
    status = Status.objects.get(code="ongoing")
    status.colour = "#f0a202"
    with pytest.raises(ValidationError) as refused:
        status.full_clean()
    assert "2.13:1" in str(refused.value.message_dict["colour"])


def test_the_focus_ring_stands_out_3_to_1_against_the_page_and_the_header():
    focus = css_variable("focus")
    assert "outline: 3px solid var(--focus)" in STYLESHEET.read_text()
    for background in ["paper", "soft"]:
        assert contrast_ratio(focus, css_variable(background)) >= NON_TEXT_CONTRAST
