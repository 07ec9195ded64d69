"""Both languages: the Chinese catalogue follows the glossary, the line history reads in the
interface language and the site's time zone, dates have one format per language, and pages name
plans, not their codes."""

from __future__ import annotations

import ast
import re
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
GLOSSARY = tomllib.loads((ROOT / "docs" / "glossary.toml").read_text(encoding="utf-8"))["term"]
CATALOGUE = ROOT / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"
PLACEHOLDER = re.compile(r"%\(\w+\)[-+ #0-9.]*[sdfi]|\{\{ *\w+ *\}\}")


def catalogue() -> list[tuple[str, list[str]]]:
    """(message id with its plural, [its Chinese texts]) for every translated message."""
    entries, current, key = [], None, None
    for line in CATALOGUE.read_text(encoding="utf-8").splitlines() + [""]:
        if line.startswith("#~") or not line.strip() or line.startswith("msgctxt"):
            if current and current["msgid"]:
                entries.append(current)
            current = None if not line.strip() or line.startswith("#~") else current
            continue
        if line.startswith("#"):
            continue
        keyword, _, rest = line.partition(" ")
        if keyword in ("msgid", "msgid_plural") or keyword.startswith("msgstr"):
            if keyword == "msgid":
                if current and current["msgid"]:
                    entries.append(current)
                current = {"msgid": "", "msgid_plural": "", "msgstr": []}
            key = keyword
            if keyword.startswith("msgstr"):
                current["msgstr"].append("")
            line = rest
        text = ast.literal_eval(line)
        if key.startswith("msgstr"):
            current["msgstr"][-1] += text
        else:
            current[key] += text
    return [(f"{e['msgid']} {e['msgid_plural']}".strip(), e["msgstr"]) for e in entries]


MESSAGES = catalogue()


def says(term: dict, msgid: str) -> bool:
    excepted = {item["msgid"] for item in term.get("except", [])}
    return msgid not in excepted and re.search(term["en"], PLACEHOLDER.sub("", msgid)) is not None


def test_the_catalogue_is_read_whole():
    assert len(MESSAGES) > 500 and all(all(texts) for _, texts in MESSAGES)


@pytest.mark.parametrize("term", GLOSSARY, ids=[term["concept"] for term in GLOSSARY])
def test_every_message_naming_a_concept_uses_the_glossarys_chinese_term(term):
    wrong = [
        (msgid, texts)
        for msgid, texts in MESSAGES
        if says(term, msgid) and not all(term["zh"] in t for t in texts)
    ]
    assert not wrong, f"{term['concept']} should read {term['zh']} in:\n" + "\n".join(map(str, wrong))


@pytest.mark.parametrize("term", [t for t in GLOSSARY if t.get("only")], ids=lambda term: term["concept"])
def test_a_glossary_term_names_one_concept_only(term):
    elsewhere = [
        (msgid, texts)
        for msgid, texts in MESSAGES
        if any(term["zh"] in t for t in texts) and not says(term, msgid)
    ]
    assert not elsewhere, f"{term['zh']} is only for {term['concept']}:\n" + "\n".join(map(str, elsewhere))


@pytest.mark.parametrize("term", [t for t in GLOSSARY if t.get("never")], ids=lambda term: term["concept"])
def test_the_words_the_glossary_rules_out_are_never_used(term):
    used = [
        (msgid, texts) for msgid, texts in MESSAGES for word in term["never"] if any(word in t for t in texts)
    ]
    assert not used, f"{term['concept']} is {term['zh']}, never {term['never']}:\n" + "\n".join(
        map(str, used)
    )


def test_the_glossary_document_lists_every_term_of_the_table():
    document = (ROOT / "docs" / "glossary.md").read_text(encoding="utf-8")
    assert all(term["zh"] in document for term in GLOSSARY)
