"""What changed in a text between two updates, or between a line and the one it continues, word by
word (character by character in Chinese).

Texts are compared as read, not as typed: a hyphen and a dash ("2021-2025", "2021—2025") or a
full-width and a half-width sign ("（" and "(", "，" and ",", "２" and "2") are the same, so that the
documents' typography does not show as a change. Each side still shows its own characters.
"""

import difflib
import re
import unicodedata

# A token is a run of Latin letters or digits, one CJK character, a run of spaces or any other
# single character, so that a diff of Chinese text marks the changed characters and not the whole
# sentence.
TOKENS = re.compile(r"[A-Za-z0-9À-ɏ'’-]+|[\u3000-\u9fff\uf900-\ufaff]|\s+|[^\sA-Za-z0-9\u3000-\u9fff]")
# Hyphens, dashes and minus signs, and the box-drawing lines scanned documents print for a dash.
DASHES = "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\u2e3a\u2e3b\ufe58\ufe63\uff0d\u2500\u2501"
QUOTES = {"‘": "'", "’": "'", "“": '"', "”": '"'}


def _folding() -> dict[int, str]:
    """One character for one, so that positions in a folded text are positions in the text itself."""
    table = {ord(dash): "-" for dash in DASHES} | {ord(quote): plain for quote, plain in QUOTES.items()}
    for code in [0x3000, *range(0xFF01, 0xFFEF)]:  # the ideographic space, full- and half-width forms
        folded = unicodedata.normalize("NFKC", chr(code))
        if len(folded) == 1:
            table.setdefault(code, folded)
    return table


FOLDING = _folding()


def tokens(text: str) -> tuple[list[str], list[str]]:
    """The tokens of ``text`` as compared (folded) and as written."""
    text = text or ""
    matches = list(TOKENS.finditer(text.translate(FOLDING)))
    return [match.group() for match in matches], [text[match.start() : match.end()] for match in matches]


def _opcodes(before: str, after: str):
    (old_keys, old), (new_keys, new) = tokens(before), tokens(after)
    matcher = difflib.SequenceMatcher(None, old_keys, new_keys, autojunk=False)
    for operation, i1, i2, j1, j2 in matcher.get_opcodes():
        yield operation, "".join(old[i1:i2]), "".join(new[j1:j2])


def text_diff(before: str, after: str) -> list[tuple[str, str]]:
    """The new text as (operation, text) pieces: "equal", "insert" or "delete"."""
    pieces = []
    for operation, old, new in _opcodes(before, after):
        if operation in ("delete", "replace"):
            pieces.append(("delete", old))
        if operation in ("insert", "replace"):
            pieces.append(("insert", new))
        if operation == "equal":
            pieces.append(("equal", new))
    return pieces


def side_by_side(before: str, after: str) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """Both texts in pieces, each in its own characters: the earlier one with what the later one
    dropped as "delete", and the later one with what it added as "insert"."""
    earlier, later = [], []
    for operation, old, new in _opcodes(before, after):
        if old:
            earlier.append(("equal" if operation == "equal" else "delete", old))
        if new:
            later.append(("equal" if operation == "equal" else "insert", new))
    return earlier, later
