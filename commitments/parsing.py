"""Parsers that turn the plain-text source documents in ``seeds/`` into a plan tree.

They know nothing of the database: each returns a ``ParsedDocument`` or raises
``ParseError`` naming the file, the line and the reason. The source texts keep the
artefacts of their page breaks, so the parsers repair what those broke:

- a paragraph split across a blank line, or a fragment that starts with "- " but carries
  no number, continues the item before it;
- numbers printed with a trailing dot ("2.2.", "2.8.7.") are the same numbers;
- a Chinese area whose only action line has no number gets number 1;
- a Chinese item that is a sentence (it ends in punctuation) is itself an action line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

CHINESE_DIGITS = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
SENTENCE_END = tuple("。；;：:！？!?")


def chinese_numeral(text: str) -> int:
    """Read a Chinese numeral from 一 to 九十九 (十一 is 11, 二十 is 20)."""
    if text == "十":
        return 10
    if "十" in text:
        tens, _, units = text.partition("十")
        return CHINESE_DIGITS.get(tens, 1) * 10 + (CHINESE_DIGITS[units] if units else 0)
    return CHINESE_DIGITS[text]


def sort_key(code: str) -> str:
    """A key that sorts codes naturally: 2.9.4 < 2.10.1, in SQL as in Python."""
    return ".".join(f"{int(part):04d}" for part in code.split("."))


class ParseError(Exception):
    def __init__(self, file: str, line: int, reason: str):
        self.file, self.line, self.reason = file, line, reason
        super().__init__(f"{file}, line {line}: {reason}")


@dataclass
class ParsedLine:
    code: str
    label: str
    text: str
    source_line: int
    heading: str = ""


@dataclass
class ParsedArea:
    code: str
    label: str
    title: str
    source_line: int
    lines: list[ParsedLine] = field(default_factory=list)


@dataclass
class ParsedPart:
    code: str
    label: str
    title: str
    source_line: int
    areas: list[ParsedArea] = field(default_factory=list)
    lines: list[ParsedLine] = field(default_factory=list)  # lines that belong to no area

    def all_lines(self) -> list[ParsedLine]:
        return self.lines + [line for area in self.areas for line in area.lines]


@dataclass
class ParsedDocument:
    file: str
    preamble: str
    parts: list[ParsedPart]

    def all_lines(self) -> list[ParsedLine]:
        return sorted(
            (line for part in self.parts for line in part.all_lines()),
            key=lambda line: sort_key(line.code),
        )

    def all_areas(self) -> list[ParsedArea]:
        return [area for part in self.parts for area in part.areas]


ORNAMENT = re.compile(r"^[*\s]+$")  # "* * * * *" closing a document


@dataclass
class Block:
    """One non-blank physical line of a source file."""

    number: int
    text: str


def read_blocks(file: str, text: str, header_lines: int = 0, skip: tuple[str, ...] = ()) -> list[Block]:
    """The non-blank lines after the header, less those matching a skip pattern."""
    blocks = []
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip().replace("\u3000", " ").strip()
        if number <= header_lines or not line or ORNAMENT.match(line):
            continue
        if any(re.search(pattern, line) for pattern in skip):
            continue
        blocks.append(Block(number, line))
    if not blocks:
        raise ParseError(file, 1, "the document is empty")
    return blocks


def join_text(pieces: list[str], separator: str) -> str:
    return separator.join(piece.strip() for piece in pieces if piece.strip())


def join_paragraphs(pieces: list[str], separator: str) -> str:
    """Join fragments into paragraphs: a fragment that does not end a sentence runs on."""
    paragraphs: list[list[str]] = []
    for piece in pieces:
        if paragraphs and not paragraphs[-1][-1].endswith(SENTENCE_END):
            paragraphs[-1].append(piece)
        else:
            paragraphs.append([piece])
    return "\n\n".join(join_text(paragraph, separator) for paragraph in paragraphs)


# --- Documents numbered with digits: "1.", "1.1", "1.1.1" (English plan, 2022–2025 annex)

DOTTED_ITEM = re.compile(r"^(?:[-–•]\s+)?(\d+(?:\.\d+)+)\.?\s+(\S.*)$")
SUB_ITEM = re.compile(r"^(?:[-–•]\s+)?\([a-z]\)\s+\S")
BULLET = re.compile(r"^[-–•]\s+")


def parse_dotted(
    file: str,
    text: str,
    *,
    part_heading: str,
    separator: str = " ",
    header_lines: int = 0,
    skip: tuple[str, ...] = (),
) -> ParsedDocument:
    """Parse a document whose parts are "N. TITLE" and whose items are "N.N" and "N.N.N".

    Within a part, "N.N" items with "N.N.N" lines under them are areas; when none of a
    part's "N.N" items has lines under it, they are action lines themselves (5.1, 6.1).
    """
    part_pattern = re.compile(part_heading)
    preamble: list[str] = []
    parts: list[ParsedPart] = []
    # Each open item: [code, label, pieces, source line]
    items: list[list] = []
    for block in read_blocks(file, text, header_lines, skip):
        heading = part_pattern.match(block.text)
        dotted = DOTTED_ITEM.match(block.text)
        if heading:
            number = int(heading.group(1))
            expect(file, block.number, "part", str(len(parts) + 1), str(number))
            if parts:
                close_dotted_part(file, parts[-1], items, separator)
            title = heading.group(2).strip()
            # "POLITICAL AND SECURITY COOPERATION" reads better as a title in sentence case.
            title = title.capitalize() if title.isupper() else title
            parts.append(ParsedPart(str(number), f"{number}.", title, block.number))
            items = []
        elif dotted and parts:
            items.append([dotted.group(1), dotted.group(1), [dotted.group(2)], block.number])
        elif SUB_ITEM.match(block.text) and items:
            items[-1][2].append("\n" + BULLET.sub("", block.text))
        elif items:
            items[-1][2].append(BULLET.sub("", block.text))
        elif parts:
            raise ParseError(file, block.number, "text under a part heading before any item")
        else:
            preamble.append(block.text)
    if not parts:
        raise ParseError(file, 1, "no part heading found")
    close_dotted_part(file, parts[-1], items, separator)
    return ParsedDocument(file, join_paragraphs(preamble, separator), parts)


def item_text(pieces: list[str], separator: str) -> str:
    text = ""
    for piece in pieces:
        if piece.startswith("\n"):
            text += "\n" + piece.strip()
        else:
            text += (separator if text and not text.endswith("\n") else "") + piece.strip()
    return text


def close_dotted_part(file: str, part: ParsedPart, items: list[list], separator: str) -> None:
    """Sort a part's numbered items into areas and lines, checking their sequence."""
    if not items:
        raise ParseError(file, part.source_line, f"part {part.code} has no text under it")
    has_areas = any(code.count(".") == 2 for code, *_ in items)
    area: ParsedArea | None = None
    for code, label, pieces, number in items:
        depth = code.count(".") + 1
        text = item_text(pieces, separator)
        if depth == 2 and has_areas:
            if area is not None and not area.lines:
                raise ParseError(file, area.source_line, f"area {area.code} has no text under it")
            expect(file, number, "area", f"{part.code}.{len(part.areas) + 1}", code)
            area = ParsedArea(code, label, text, number)
            part.areas.append(area)
        elif depth == 2:
            expect(file, number, "action line", f"{part.code}.{len(part.lines) + 1}", code)
            part.lines.append(ParsedLine(code, label, text, number))
        elif depth == 3 and area is not None:
            expect(file, number, "action line", f"{area.code}.{len(area.lines) + 1}", code)
            area.lines.append(ParsedLine(code, label, text, number))
        else:
            raise ParseError(file, number, f"number {code} does not fit in part {part.code}")
    if area is not None and not area.lines:
        raise ParseError(file, area.source_line, f"area {area.code} has no text under it")


def expect(file: str, line: int, what: str, expected: str, found: str) -> None:
    if expected != found:
        raise ParseError(file, line, f"{what} number out of sequence: expected {expected}, found {found}")


# --- Chinese documents numbered "一、", "（一）", "1." (the Chinese plans)

CN_PART = re.compile(r"^([一二三四五六七八九十]+)、\s*(.*)$")
CN_ITEM = re.compile(r"^([（(]([一二三四五六七八九十]+)[）)])\s*(.*)$")
CN_LINE = re.compile(r"^(\d+)\s*[.．]\s*(\S.*)$")


@dataclass
class ChineseItem:
    number: int
    label: str
    text: str
    source_line: int
    lines: list[list] = field(default_factory=list)  # [number, label, pieces, source line]
    paragraph: list[str] = field(default_factory=list)

    @property
    def is_sentence(self) -> bool:
        return self.text.endswith(SENTENCE_END)


def parse_chinese(
    file: str,
    text: str,
    *,
    single_paragraph: str,
    header_lines: int = 0,
    skip: tuple[str, ...] = (),
) -> ParsedDocument:
    """Parse a Chinese plan: parts "一、", items "（一）", numbered lines "1.".

    An item with numbered lines under it is an area. An item that is a sentence is an
    action line, and numbered points under it stay inside its text (6.3 of 2026–2030).
    A heading with one unnumbered paragraph under it is, by ``single_paragraph``, an
    area whose single line is numbered 1 ("area"), or an action line ("line"). A part with
    no items has its paragraph as its single line.
    """
    preamble: list[str] = []
    parts: list[tuple[ParsedPart, list[ChineseItem], list[str]]] = []
    for block in read_blocks(file, text, header_lines, skip):
        part, item, line = CN_PART.match(block.text), CN_ITEM.match(block.text), None
        if part:
            number = chinese_numeral(part.group(1))
            expect(file, block.number, "part", str(len(parts) + 1), str(number))
            parsed = ParsedPart(str(number), f"{part.group(1)}、", part.group(2), block.number)
            parts.append((parsed, [], []))
            continue
        if not parts:
            preamble.append(block.text)
            continue
        parsed, items, paragraph = parts[-1]
        if item:
            number = chinese_numeral(item.group(2))
            expect(file, block.number, "item", f"({len(items) + 1})", f"({number})")
            items.append(ChineseItem(number, item.group(1), item.group(3), block.number))
        elif items and (line := CN_LINE.match(block.text)):
            current = items[-1]
            current.lines.append([int(line.group(1)), f"{line.group(1)}.", [line.group(2)], block.number])
        elif items and items[-1].lines:
            items[-1].lines[-1][2].append(block.text)
        elif items and (items[-1].paragraph or not items[-1].is_sentence):
            items[-1].paragraph.append(block.text)
        elif items:
            # A sentence item broken by a page break.
            items[-1].text += block.text
        else:
            paragraph.append(block.text)
    if not parts:
        raise ParseError(file, 1, "no part heading found")
    for parsed, items, paragraph in parts:
        build_chinese_part(file, parsed, items, paragraph, single_paragraph)
    return ParsedDocument(file, join_paragraphs(preamble, ""), [p for p, _, _ in parts])


def build_chinese_part(
    file: str,
    part: ParsedPart,
    items: list[ChineseItem],
    paragraph: list[str],
    single_paragraph: str,
) -> None:
    if paragraph and items:
        raise ParseError(file, part.source_line, f"part {part.code} mixes a paragraph and items")
    if paragraph:
        part.lines.append(
            ParsedLine(f"{part.code}.1", part.label, join_text(paragraph, ""), part.source_line)
        )
        return
    if not items:
        raise ParseError(file, part.source_line, f"part {part.code} has no text under it")
    for item in items:
        code, label = f"{part.code}.{item.number}", f"{part.label}{item.label}"
        if item.is_sentence:
            points = "".join(f"\n{n}.{join_text(pieces, '')}" for n, _, pieces, _ in item.lines)
            part.lines.append(ParsedLine(code, label, item.text + points, item.source_line))
        elif item.lines:
            area = ParsedArea(code, label, item.text, item.source_line)
            for position, (number, line_label, pieces, source_line) in enumerate(item.lines, 1):
                expect(file, source_line, "action line", str(position), str(number))
                area.lines.append(
                    ParsedLine(f"{code}.{number}", label + line_label, join_text(pieces, ""), source_line)
                )
            part.areas.append(area)
        elif item.paragraph and single_paragraph == "area":
            area = ParsedArea(code, label, item.text, item.source_line)
            area.lines.append(
                ParsedLine(f"{code}.1", label, join_text(item.paragraph, ""), item.source_line + 1)
            )
            part.areas.append(area)
        elif item.paragraph:
            part.lines.append(
                ParsedLine(code, label, join_text(item.paragraph, ""), item.source_line, heading=item.text)
            )
        else:
            raise ParseError(file, item.source_line, f"heading {label} has no text under it")


# --- A joint statement: preamble, then decisions "一、" … after a fixed phrase


def parse_decisions(
    file: str,
    text: str,
    *,
    decisions_after: str,
    header_lines: int = 0,
    skip: tuple[str, ...] = (),
) -> ParsedDocument:
    """Parse a statement whose decisions "一、" … follow a phrase such as "特此决定：".

    The decisions become the action lines of one part whose title is that phrase.
    """
    blocks = read_blocks(file, text, header_lines, skip)
    starts = [i for i, block in enumerate(blocks) if block.text.startswith(decisions_after)]
    if not starts:
        raise ParseError(file, blocks[-1].number, f"no “{decisions_after}” before the decisions")
    start = blocks[starts[0]]
    part = ParsedPart("1", "", start.text.rstrip("：:"), start.number)
    decisions: list[list] = []
    for block in blocks[starts[0] + 1 :]:
        match = CN_PART.match(block.text)
        if match:
            number = chinese_numeral(match.group(1))
            expect(file, block.number, "decision", str(len(decisions) + 1), str(number))
            decisions.append([number, f"{match.group(1)}、", [match.group(2)], block.number])
        elif decisions:
            decisions[-1][2].append(block.text)
        else:
            raise ParseError(file, block.number, "text before the first decision")
    if not decisions:
        raise ParseError(file, start.number, f"heading “{start.text}” has no text under it")
    for number, label, pieces, source_line in decisions:
        part.lines.append(ParsedLine(str(number), label, join_text(pieces, ""), source_line))
    preamble = join_paragraphs([block.text for block in blocks[: starts[0]]], "")
    return ParsedDocument(file, preamble, [part])
