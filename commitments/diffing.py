"""What changed in a text between two updates, word by word (character by character in Chinese)."""

import difflib
import re

# A token is a run of Latin letters or digits, one CJK character, a run of spaces or any other
# single character,
# so that a diff of Chinese text marks the changed characters and not the whole sentence.
TOKENS = re.compile(r"[A-Za-z0-9À-ɏ'’-]+|[\u3000-\u9fff\uf900-\ufaff]|\s+|[^\sA-Za-z0-9\u3000-\u9fff]")


def text_diff(before: str, after: str) -> list[tuple[str, str]]:
    """The new text as (operation, text) pieces: "equal", "insert" or "delete"."""
    old, new = TOKENS.findall(before or ""), TOKENS.findall(after or "")
    pieces = []
    for operation, i1, i2, j1, j2 in difflib.SequenceMatcher(None, old, new, autojunk=False).get_opcodes():
        if operation in ("delete", "replace"):
            pieces.append(("delete", "".join(old[i1:i2])))
        if operation in ("insert", "replace"):
            pieces.append(("insert", "".join(new[j1:j2])))
        if operation == "equal":
            pieces.append(("equal", "".join(new[j1:j2])))
    return pieces
