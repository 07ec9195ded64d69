"""Import the source documents listed in ``seeds/documents.toml`` into plans.

Each document is parsed whole (both languages, corrections applied, the two languages
aligned) before anything is written, and then written in one transaction, so a document
that cannot be parsed imports nothing. Writing never deletes: a line that vanished from
the source is marked and reported, and texts edited by staff are kept (see
``Bilingual.take_source``).
"""

from __future__ import annotations

import copy
import datetime
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from django.db import models, transaction
from django.utils import timezone

from . import parsing
from .models import ActionLine, Area, Part, Plan
from .parsing import ParsedDocument, ParseError

PARSERS = {
    "dotted": parsing.parse_dotted,
    "chinese": parsing.parse_chinese,
    "decisions": parsing.parse_decisions,
}
PARSER_OPTIONS = {"header_lines", "skip", "part_heading", "single_paragraph", "decisions_after", "separator"}


@dataclass
class SourceLine:
    """One action line as the source documents give it, in both languages."""

    code: str
    label: str
    part: str
    area: str | None
    source_line: int
    texts: dict[str, str] = field(default_factory=dict)


@dataclass
class Source:
    """A document read from its files: its structure taken from its master language."""

    config: dict
    master: ParsedDocument
    documents: dict[str, ParsedDocument]
    lines: list[SourceLine]


@dataclass
class ImportReport:
    plan: str
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)
    vanished: list[str] = field(default_factory=list)
    returned: list[str] = field(default_factory=list)
    total: int = 0

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated or self.kept or self.vanished or self.returned)

    def lines(self) -> list[str]:
        if not self.changed:
            return [f"{self.plan}: {self.total} action lines, nothing changed."]
        out = [f"{self.plan}: {self.total} action lines."]
        for label, codes in [
            ("created", self.created),
            ("updated from the source", self.updated),
            ("source changed but staff edits kept, please review", self.kept),
            ("no longer in the source (kept, marked missing)", self.vanished),
            ("back in the source", self.returned),
        ]:
            if codes:
                shown = ", ".join(codes[:20]) + (", …" if len(codes) > 20 else "")
                out.append(f"  {len(codes)} {label}: {shown}")
        return out


class ImportFailure(Exception):
    """A document that cannot be imported, with the file, line and reason."""


def load_documents(seeds_dir: Path) -> list[dict]:
    with open(seeds_dir / "documents.toml", "rb") as handle:
        return tomllib.load(handle)["document"]


def load_corrections(seeds_dir: Path) -> list[dict]:
    path = seeds_dir / "corrections.toml"
    if not path.exists():
        return []
    with open(path, "rb") as handle:
        return tomllib.load(handle).get("correction", [])


def parse_language(seeds_dir: Path, config: dict, language: str) -> ParsedDocument:
    options = dict(config[language])
    file = options.pop("file")
    parser = options.pop("parser", config["parser"])
    kwargs = {
        key: tuple(value) if isinstance(value, list) else value
        for key, value in options.items()
        if key in PARSER_OPTIONS
    }
    try:
        text = (seeds_dir / file).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise ParseError(file, 0, f"cannot be read: {error}") from error
    return PARSERS[parser](file, text, **kwargs)


def read_source(seeds_dir: Path, config: dict, corrections: list[dict]) -> Source:
    """Parse a document in each of its languages into one list of bilingual lines."""
    languages = [language for language in ("en", "zh") if language in config]
    documents = {language: parse_language(seeds_dir, config, language) for language in languages}
    master = documents[languages[0]]
    for language in languages[1:]:
        align(master, documents[language])
    lines = []
    for part in master.parts:
        for area in [None, *part.areas]:
            for line in part.lines if area is None else area.lines:
                lines.append(
                    SourceLine(
                        line.code,
                        line.label,
                        part.code,
                        area.code if area else None,
                        line.source_line,
                    )
                )
    lines.sort(key=lambda line: parsing.sort_key(line.code))
    for language, document in documents.items():
        by_code = {line.code: line for line in document.all_lines()}
        for line in lines:
            line.texts[f"text_{language}"] = by_code[line.code].text
            line.texts[f"heading_{language}"] = by_code[line.code].heading
            if language == "zh" and len(languages) == 1:
                line.label = by_code[line.code].label
    apply_corrections(config, documents, lines, corrections)
    return Source(config, master, documents, lines)


def align(master: ParsedDocument, other: ParsedDocument) -> None:
    """Check that a translation has the same parts, areas and lines as the master text."""

    def fail(line: int, what: str, theirs: int, ours: int) -> None:
        raise ParseError(
            other.file,
            line,
            f"{what}: {theirs} in {other.file} but {ours} in {master.file}",
        )

    if len(other.parts) != len(master.parts):
        fail(other.parts[-1].source_line, "number of parts", len(other.parts), len(master.parts))
    for ours, theirs in zip(master.parts, other.parts, strict=True):
        if len(theirs.areas) != len(ours.areas):
            fail(theirs.source_line, f"areas in part {ours.code}", len(theirs.areas), len(ours.areas))
        if len(theirs.lines) != len(ours.lines):
            fail(theirs.source_line, f"action lines in part {ours.code}", len(theirs.lines), len(ours.lines))
        for our_area, their_area in zip(ours.areas, theirs.areas, strict=True):
            if len(their_area.lines) != len(our_area.lines):
                fail(
                    their_area.source_line,
                    f"action lines in area {our_area.code}",
                    len(their_area.lines),
                    len(our_area.lines),
                )
        for our_line, their_line in zip(ours.all_lines(), theirs.all_lines(), strict=True):
            if our_line.code != their_line.code:
                raise ParseError(
                    other.file,
                    their_line.source_line,
                    f"action line {their_line.code} stands where {master.file} has {our_line.code}",
                )


def apply_corrections(
    config: dict, documents: dict[str, ParsedDocument], lines: list[SourceLine], corrections: list[dict]
) -> None:
    """Apply the reviewed corrections of scanning errors; each must still match its text."""
    by_code = {line.code: line for line in lines}
    for correction in corrections:
        if correction["plan"] != config["code"]:
            continue
        language, code = correction["language"], correction["line"]
        file = documents[language].file if language in documents else config["code"]
        line = by_code.get(code)
        field_name = f"text_{language}"
        if line is None or correction["find"] not in line.texts.get(field_name, ""):
            where = line.source_line if line else 0
            raise ParseError(
                file,
                where,
                f"the correction of {code} in seeds/corrections.toml no longer matches "
                f"the source text: “{correction['find']}” not found",
            )
        line.texts[field_name] = line.texts[field_name].replace(correction["find"], correction["replace"])


def import_document(source: Source) -> ImportReport:
    config = source.config
    report = ImportReport(config["code"])
    with transaction.atomic():
        plan = save_plan(config, source)
        parts = save_parts(plan, source)
        areas = save_areas(plan, source, parts)
        save_lines(plan, source, parts, areas, report)
        if report.changed or plan.imported_at is None:
            plan.imported_at = timezone.now()
            plan.save(update_fields=["imported_at"])
    return report


def state(instance: models.Model) -> dict:
    return copy.deepcopy({f.attname: getattr(instance, f.attname) for f in instance._meta.concrete_fields})


def save_if_changed(instance: models.Model, before: dict) -> bool:
    """Save only what the import changed, so that a second run writes nothing."""
    if instance.pk and state(instance) == before:
        return False
    instance.save()
    return True


def save_plan(config: dict, source: Source) -> Plan:
    parent = Plan.objects.get(code=config["parent"]) if config.get("parent") else None
    adopted = config.get("adopted_on")
    plan = Plan.objects.filter(code=config["code"]).first() or Plan(code=config["code"])
    before = state(plan)
    plan.kind = config["kind"]
    plan.first_year = config["first_year"]
    plan.last_year = config.get("last_year")
    plan.adopted_on = adopted if isinstance(adopted, datetime.date) else None
    plan.parent = parent
    values = {f"title_{lang}": config[f"title_{lang}"] for lang in ("en", "zh") if f"title_{lang}" in config}
    values |= {f"preamble_{lang}": doc.preamble for lang, doc in source.documents.items()}
    plan.take_source(values)
    save_if_changed(plan, before)
    return plan


def save_parts(plan: Plan, source: Source) -> dict[str, Part]:
    parts = {part.code: part for part in plan.parts.all()}
    for number, master_part in enumerate(source.master.parts, start=1):
        part = parts.get(master_part.code) or Part(plan=plan, number=number, code=master_part.code)
        before = state(part)
        part.label = master_part.label
        part.take_source(
            {
                f"title_{language}": document.parts[number - 1].title
                for language, document in source.documents.items()
            }
        )
        save_if_changed(part, before)
        parts[part.code] = part
    return parts


def save_areas(plan: Plan, source: Source, parts: dict[str, Part]) -> dict[str, Area]:
    areas = {area.code: area for area in plan.areas.all()}
    translated = {
        language: {area.code: area for area in document.all_areas()}
        for language, document in source.documents.items()
    }
    for master_part in source.master.parts:
        for number, master_area in enumerate(master_part.areas, start=1):
            area = areas.get(master_area.code) or Area(plan=plan, code=master_area.code)
            before = state(area)
            area.part = parts[master_part.code]
            area.number = number
            area.sort_key = parsing.sort_key(area.code)
            area.label = master_area.label
            area.take_source(
                {
                    f"title_{language}": by_code[master_area.code].title
                    for language, by_code in translated.items()
                }
            )
            save_if_changed(area, before)
            areas[area.code] = area
    return areas


def save_lines(
    plan: Plan,
    source: Source,
    parts: dict[str, Part],
    areas: dict[str, Area],
    report: ImportReport,
) -> None:
    existing = {line.code: line for line in plan.lines.all()}
    for position, parsed in enumerate(source.lines, start=1):
        line = existing.pop(parsed.code, None) or ActionLine(
            plan=plan, code=parsed.code, sort_key=parsing.sort_key(parsed.code)
        )
        before = state(line)
        if line.missing_from_source_since:
            line.missing_from_source_since = None
            report.returned.append(parsed.code)
        line.part, line.area = parts[parsed.part], areas.get(parsed.area)
        line.position, line.label, line.source_line = position, parsed.label, parsed.source_line
        changed, kept = line.take_source(parsed.texts)
        placed = (line.part_id, line.area_id, line.position, line.label)
        moved = placed != tuple(before[key] for key in ("part_id", "area_id", "position", "label"))
        save_if_changed(line, before)
        if not before["id"]:
            report.created.append(parsed.code)
        elif changed or moved:
            report.updated.append(parsed.code)
        if kept:
            report.kept.append(parsed.code)
    for line in existing.values():
        if not line.missing_from_source_since:
            line.mark_missing_from_source()
            report.vanished.append(line.code)
    report.total = len(source.lines)


def import_seeds(seeds_dir: Path, only: list[str] | None = None) -> tuple[list[ImportReport], list[str]]:
    """Import every document (or those named); returns the reports and the failures."""
    corrections = load_corrections(seeds_dir)
    reports, failures = [], []
    for config in load_documents(seeds_dir):
        if only and config["code"] not in only:
            continue
        try:
            source = read_source(seeds_dir, config, corrections)
        except ParseError as error:
            failures.append(f"{config['code']}: {error} — nothing imported from this document.")
            continue
        reports.append(import_document(source))
    return reports, failures
