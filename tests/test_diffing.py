"""The differences marked between two texts: an update and the one before it, or a line and the line
it continues. The documents' typography (dashes, full-width signs) is not a difference."""

import pytest

from commitments.diffing import side_by_side, text_diff


@pytest.mark.parametrize(
    ("before", "after"),
    [
        ("2021-2025年行动计划", "2021—2025年行动计划"),  # hyphen and em dash
        ("中国–东盟合作基金", "中国—东盟合作基金"),  # en dash and em dash
        ("中国-东盟（ACFTA）", "中国─东盟(ACFTA)"),  # the box-drawing line of a scan; full-width brackets
        ("加强合作，推进落实；", "加强合作,推进落实;"),  # full-width and half-width comma and semicolon
        ("２０２６年", "2026年"),  # full-width digits
        ("the “Belt and Road”", 'the "Belt and Road"'),
    ],
)
def test_dashes_and_the_width_of_signs_are_not_marked_as_changes(before, after):
    assert text_diff(before, after) == [("equal", after)]
    assert side_by_side(before, after) == ([("equal", before)], [("equal", after)])


def test_each_side_shows_its_own_characters_around_a_real_change():
    earlier, later = side_by_side("落实2021-2025年计划，加强合作", "落实2026—2030年计划，深化合作")
    assert "".join(text for _operation, text in earlier) == "落实2021-2025年计划，加强合作"
    assert "".join(text for _operation, text in later) == "落实2026—2030年计划，深化合作"
    assert ("delete", "2021-2025") in earlier and ("insert", "2026—2030") in later
    assert ("delete", "加强") in earlier and ("insert", "深化") in later


def test_a_changed_word_is_still_marked():
    assert text_diff("Two workshops were held.", "Three workshops were held.") == [
        ("delete", "Two"), ("insert", "Three"), ("equal", " workshops were held."),
    ]  # fmt: skip


def test_no_text_is_no_difference():
    assert text_diff("", None) == []
    assert side_by_side(None, "") == ([], [])
