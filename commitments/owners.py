"""The organisations of ``seeds/organisations.toml``, and the owners they suggest for action lines.

The file gives each organisation with the exact words by which a line names it (its header
says how they match). Loading it creates or updates the organisations by acronym, keeping
names that staff have edited since the last load. Suggesting owners adds a *suggested*
ownership for each organisation a line names, unless that line already has an ownership for
that organisation in any state: the secretariat's decisions, a rejection above all, are never
undone by a later import. Both happen in one transaction, after the plans are imported.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction
from django.utils.translation import gettext as _

from .models import ActionLine, Organisation, Ownership, Plan

FILE_NAME = "organisations.toml"
# The change reasons of the history records a load and a suggestion write. A later load
# finds in them what it wrote last, and so tells its own values from edits by staff.
LOADED = "loaded from seeds/organisations.toml"
SUGGESTED = "suggested from seeds/organisations.toml"
REQUIRED = ("acronym", "name_en", "name_zh", "kind")
TAKEN = ("name_en", "name_zh", "kind")
MAX_LENGTHS = {name: Organisation._meta.get_field(name).max_length for name in REQUIRED}
LATIN = re.compile(r"[A-Za-z0-9]")
# Next to a pattern that ends in a Latin letter or digit, one of these continues a longer name:
# "ADMM" in "ADMM-Plus", "ACW" in "ACWC", "AMMTC" in "AMMTC+3".
LONGER_NAME = r"[A-Za-z0-9+\-]"


class OrganisationsFileError(Exception):
    """The organisations file cannot be loaded: which file, which organisation and why."""


@dataclass(frozen=True)
class SeedOrganisation:
    acronym: str
    name_en: str
    name_zh: str
    kind: str
    patterns: tuple[str, ...] = ()
    regex: re.Pattern[str] | None = field(default=None, compare=False, repr=False)

    def is_named_in(self, line: ActionLine) -> bool:
        return self.regex is not None and any(
            self.regex.search(text) for text in (line.text_en, line.text_zh)
        )


@dataclass(frozen=True)
class SeedFile:
    organisations: list[SeedOrganisation]
    suggest_for: list[str]


@dataclass
class LoadCounts:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)  # a name edited by staff kept over the file's
    unchanged: int = 0


@dataclass
class SuggestionCounts:
    new: int = 0
    existing: int = 0  # already an owner of the line, in any state: left as it is


@dataclass
class OrganisationsReport:
    loaded: LoadCounts
    suggestions: dict[str, SuggestionCounts]

    @property
    def changed(self) -> bool:
        new = sum(counts.new for counts in self.suggestions.values())
        return bool(self.loaded.created or self.loaded.updated or self.loaded.kept or new)

    def lines(self) -> list[str]:
        loaded = self.loaded
        out = [
            _(
                "Organisations: %(created)d created, %(updated)d updated, %(kept)d kept as staff edited "
                "them, %(unchanged)d unchanged; owner suggestions: %(new)d new."
            )
            % {
                "created": len(loaded.created),
                "updated": len(loaded.updated),
                "kept": len(loaded.kept),
                "unchanged": loaded.unchanged,
                "new": sum(counts.new for counts in self.suggestions.values()),
            }
        ]
        for plan, counts in self.suggestions.items():
            out.append(
                _("  %(plan)s: %(new)d owners suggested, %(existing)d already there and left as they are.")
                % {"plan": plan, "new": counts.new, "existing": counts.existing}
            )
        if loaded.kept:
            out.append(
                _("  names changed since the last load kept, please review: %(acronyms)s")
                % {"acronyms": ", ".join(loaded.kept)}
            )
        return out


def pattern_regex(patterns: tuple[str, ...]) -> re.Pattern[str] | None:
    """One regex for all the patterns, none of which may match inside a longer Latin name."""
    if not patterns:
        return None
    alternatives = [
        (rf"(?<!{LONGER_NAME})" if LATIN.match(pattern[0]) else "")
        + re.escape(pattern)
        + (rf"(?!{LONGER_NAME})" if LATIN.match(pattern[-1]) else "")
        for pattern in patterns
    ]
    return re.compile("|".join(alternatives))


def read_organisations(path: Path) -> SeedFile:
    """Read and check the whole file; raise OrganisationsFileError at the first mistake."""
    try:
        with open(path, "rb") as handle:
            data = tomllib.load(handle)
    except (OSError, tomllib.TOMLDecodeError) as error:
        raise OrganisationsFileError(f"{path}: {error}") from error
    if unknown := set(data) - {"suggest_for", "organisation"}:
        raise OrganisationsFileError(
            _("%(file)s: unknown setting %(names)s") % {"file": path, "names": ", ".join(sorted(unknown))}
        )
    suggest_for = data.get("suggest_for", [])
    if not isinstance(suggest_for, list) or not all(isinstance(code, str) for code in suggest_for):
        raise OrganisationsFileError(_("%(file)s: suggest_for must be a list of plan codes") % {"file": path})
    tables = data.get("organisation", [])
    if not isinstance(tables, list) or not all(isinstance(table, dict) for table in tables):
        raise OrganisationsFileError(
            _("%(file)s: each organisation must be an [[organisation]] table") % {"file": path}
        )
    organisations = [read_table(path, number, table) for number, table in enumerate(tables, 1)]
    check_unique(path, organisations)
    return SeedFile(organisations, suggest_for)


def read_table(path: Path, number: int, table: dict) -> SeedOrganisation:
    acronym = table.get("acronym")
    where = _("%(file)s, organisation %(name)s") % {
        "file": path,
        "name": f"“{acronym}”" if isinstance(acronym, str) and acronym else f"#{number}",
    }

    def fail(reason: str) -> OrganisationsFileError:
        return OrganisationsFileError(f"{where}: {reason}")

    if unknown := set(table) - {*REQUIRED, "patterns"}:
        raise fail(_("unknown field %(names)s") % {"names": ", ".join(sorted(unknown))})
    for name in REQUIRED:
        value = table.get(name)
        if not isinstance(value, str) or not value.strip():
            raise fail(_("%(field)s is missing or empty") % {"field": name})
        if len(value) > MAX_LENGTHS[name]:
            raise fail(
                _("%(field)s is longer than %(max)d characters") % {"field": name, "max": MAX_LENGTHS[name]}
            )
    if table["kind"] not in Organisation.Kind.values:
        raise fail(
            _("unknown kind “%(kind)s”; expected one of %(kinds)s")
            % {"kind": table["kind"], "kinds": ", ".join(Organisation.Kind.values)}
        )
    patterns = table.get("patterns", [])
    if not isinstance(patterns, list) or not all(isinstance(p, str) and p.strip() for p in patterns):
        raise fail(_("patterns must be a list of non-empty strings"))
    patterns = tuple(patterns)
    return SeedOrganisation(
        **{name: table[name] for name in REQUIRED}, patterns=patterns, regex=pattern_regex(patterns)
    )


def check_unique(path: Path, organisations: list[SeedOrganisation]) -> None:
    """Refuse a second organisation with the same acronym, or a pattern that names two."""
    acronyms: set[str] = set()
    owners: dict[str, str] = {}
    for organisation in organisations:
        if organisation.acronym in acronyms:
            raise OrganisationsFileError(
                _("%(file)s, organisation “%(acronym)s”: the acronym is used twice")
                % {"file": path, "acronym": organisation.acronym}
            )
        acronyms.add(organisation.acronym)
        for pattern in organisation.patterns:
            if pattern in owners:
                raise OrganisationsFileError(
                    _("%(file)s, organisation “%(acronym)s”: the pattern “%(pattern)s” is also %(other)s's")
                    % {
                        "file": path,
                        "acronym": organisation.acronym,
                        "pattern": pattern,
                        "other": owners[pattern],
                    }
                )
            owners[pattern] = organisation.acronym


def load_organisations(seeds: SeedFile) -> LoadCounts:
    """Create or update each organisation by acronym, in one transaction."""
    counts = LoadCounts()
    existing = Organisation.objects.in_bulk(
        [seed.acronym for seed in seeds.organisations], field_name="acronym"
    )
    with transaction.atomic():
        for seed in seeds.organisations:
            organisation = existing.get(seed.acronym)
            if organisation is None:
                organisation = Organisation(
                    acronym=seed.acronym, **{name: getattr(seed, name) for name in TAKEN}
                )
                organisation._change_reason = LOADED
                organisation.save()
                counts.created.append(seed.acronym)
                continue
            changed, kept = take_names(organisation, seed)
            if changed:
                counts.updated.append(seed.acronym)
            if kept:
                counts.kept.append(seed.acronym)
            if not changed and not kept:
                counts.unchanged += 1
    return counts


def take_names(organisation: Organisation, seed: SeedOrganisation) -> tuple[list[str], list[str]]:
    """Take the file's names and kind, but not over a value changed since the last load.

    Returns the fields taken and the fields kept; saves only when a field was taken.
    """
    last_load = organisation.history.filter(history_change_reason=LOADED).first()  # newest first
    taken, kept = [], []
    for name in TAKEN:
        new, current = getattr(seed, name), getattr(organisation, name)
        if current == new:
            continue
        if current == "" or (last_load is not None and current == getattr(last_load, name)):
            setattr(organisation, name, new)
            taken.append(name)
        else:
            kept.append(name)
    if taken:
        organisation._change_reason = LOADED
        organisation.save(update_fields=taken)
    return taken, kept


def suggest_owners(plan: Plan, seeds: SeedFile) -> SuggestionCounts:
    """Suggest every organisation a line of the plan names as an owner of that line.

    The only body a line names is suggested as its lead; when a line names several, each is
    suggested as a supporting owner and the secretariat chooses the lead when it confirms.
    A line that has an ownership for the organisation already, in any state, keeps it as it is.
    """
    named = [seed for seed in seeds.organisations if seed.patterns]
    organisations = Organisation.objects.in_bulk([seed.acronym for seed in named], field_name="acronym")
    if missing := [seed.acronym for seed in named if seed.acronym not in organisations]:
        raise OrganisationsFileError(
            _("Load the organisations before suggesting owners; missing: %(acronyms)s")
            % {"acronyms": ", ".join(missing)}
        )
    taken = set(Ownership.objects.for_plan(plan).values_list("line_id", "organisation_id"))
    counts = SuggestionCounts()
    with transaction.atomic():
        for line in ActionLine.objects.for_plan(plan).in_source().in_code_order():
            owners = [organisations[seed.acronym] for seed in named if seed.is_named_in(line)]
            role = Ownership.Role.LEAD if len(owners) == 1 else Ownership.Role.SUPPORTING
            for organisation in owners:
                if (line.pk, organisation.pk) in taken:
                    counts.existing += 1
                    continue
                ownership = Ownership(
                    line=line, organisation=organisation, role=role, state=Ownership.State.SUGGESTED
                )
                ownership._change_reason = SUGGESTED
                ownership.save()
                counts.new += 1
    return counts


def import_organisations(seeds_dir: Path, only: list[str] | None = None) -> OrganisationsReport | None:
    """Load the organisations file of ``seeds_dir``, if it has one, and suggest owners.

    Owners are suggested for the plans the file lists (those of ``only`` among them, when
    given) that are imported. Raises OrganisationsFileError, having saved nothing, when the
    file has a mistake.
    """
    path = seeds_dir / FILE_NAME
    if not path.exists():
        return None
    seeds = read_organisations(path)
    plans = Plan.objects.filter(code__in=[code for code in seeds.suggest_for if not only or code in only])
    with transaction.atomic():
        loaded = load_organisations(seeds)
        suggestions = {plan.code: suggest_owners(plan, seeds) for plan in plans.order_by("code")}
    return OrganisationsReport(loaded, suggestions)
