"""The quantified targets of ``seeds/targets.toml``, each checked against the words it quotes.

A target quotes the words of its line's Chinese text it comes from. The whole file is read and
every quotation checked against the text the source document gives (``ActionLine.source``)
before anything is written, so that a changed source document fails the import, as
``seeds/corrections.toml`` does, instead of keeping a number the text no longer states. Loading
creates or updates each target by its line and key, in one transaction; it never deletes.
"""

from __future__ import annotations

import datetime
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction

from .models import ActionLine, Target

FILE_NAME = "targets.toml"
TEXTS = ("plan", "line", "key", "quote", "measure_en", "measure_zh", "unit")
NUMBERS = ("value", "baseline")
DATES = ("starts_on", "ends_on")
TAKEN = ("quote", "measure_en", "measure_zh", "unit", "value", "baseline", "starts_on", "ends_on")


class TargetsFileError(Exception):
    """The targets file cannot be loaded: which target and why."""


@dataclass
class TargetCounts:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: int = 0

    def line(self) -> str:
        return (
            f"Targets: {len(self.created)} created, {len(self.updated)} updated, {self.unchanged} unchanged."
        )


def read_targets(path: Path) -> list[dict]:
    """The file's targets, each checked for its fields and their types."""
    try:
        with open(path, "rb") as handle:
            tables = tomllib.load(handle).get("target", [])
    except (OSError, tomllib.TOMLDecodeError) as error:
        raise TargetsFileError(f"{path}: {error}") from error
    for number, table in enumerate(tables, 1):
        address = f"{table.get('plan', '?')}:{table.get('line', '?')}"
        where = f"{path}, target {address} {table.get('key', f'#{number}')}"
        if unknown := set(table) - {*TEXTS, *NUMBERS, *DATES}:
            raise TargetsFileError(f"{where}: unknown field {', '.join(sorted(unknown))}")
        for name in TEXTS:
            if not isinstance(table.get(name), str) or not table[name].strip():
                raise TargetsFileError(f"{where}: {name} is missing or empty")
        for name in NUMBERS:
            if not isinstance(table.get(name, 0), int) or table.get(name, 0) < 0 or "value" not in table:
                raise TargetsFileError(f"{where}: {name} must be a whole number, 0 or more")
        for name in DATES:
            if not isinstance(table.get(name), datetime.date):
                raise TargetsFileError(f"{where}: {name} must be a date (2022-01-01)")
        if table["ends_on"] <= table["starts_on"]:
            raise TargetsFileError(f"{where}: ends_on must be after starts_on")
    return tables


def check_quotations(tables: list[dict], lines: dict[tuple[str, str], ActionLine], path: Path) -> None:
    """Refuse a target whose line is not there or whose quotation its source text no longer contains."""
    for table in tables:
        address = f"{table['plan']}:{table['line']}"
        line = lines.get((table["plan"], table["line"]))
        if line is None:
            raise TargetsFileError(f"{path}, target {address} {table['key']}: no such line")
        text = line.source.get("text_zh", line.text_zh)
        if table["quote"] not in text:
            raise TargetsFileError(
                f"{path}, target {address} {table['key']} no longer matches the source text: "
                f"“{table['quote']}” not found"
            )


def load_targets(seeds_dir: Path, only: list[str] | None = None) -> TargetCounts | None:
    """Load the targets file of ``seeds_dir``, if it has one, for the imported plans (those of
    ``only``, when given). Raises TargetsFileError, having saved nothing, at the first mistake."""
    path = seeds_dir / FILE_NAME
    if not path.exists():
        return None
    tables = [table for table in read_targets(path) if not only or table["plan"] in only]
    found = ActionLine.objects.with_structure().filter(
        plan__code__in={table["plan"] for table in tables}, code__in={table["line"] for table in tables}
    )
    lines = {(line.plan.code, line.code): line for line in found}
    check_quotations(tables, lines, path)
    counts = TargetCounts()
    with transaction.atomic():
        for table in tables:
            line = lines[table["plan"], table["line"]]
            values = {name: table.get(name, 0) for name in TAKEN}
            target = Target.objects.filter(line=line, key=table["key"]).first()
            name = f"{line.address} {table['key']}"
            if target is None:
                Target.objects.create(line=line, key=table["key"], **values)
                counts.created.append(name)
            elif any(getattr(target, field) != value for field, value in values.items()):
                for field_name, value in values.items():
                    setattr(target, field_name, value)
                target.save()
                counts.updated.append(name)
            else:
                counts.unchanged += 1
    return counts
