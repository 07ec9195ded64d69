"""A synthetic workload for measuring the pages: plans the size of the real one, years of reporting.

Everything it makes is marked by a prefix (plans ``load-01`` …, organisations ``LOAD-…``, users
``load-…``) so that ``--replace`` can find it again. The texts of the lines are taken from the
seeded plans when they are imported, so searches hit realistic English and Chinese words.
"""

from __future__ import annotations

import random
import time
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError
from django.db import IntegrityError, connection, models, transaction
from django.utils.translation import gettext as _

from commitments.models import (
    ActionLine,
    Activity,
    Area,
    Evidence,
    Organisation,
    Ownership,
    Part,
    PeriodStatus,
    Plan,
    ReportingPeriod,
    Status,
    StatusUpdate,
    UpdateTransition,
)
from commitments.parsing import sort_key

PLAN_PREFIX, ORGANISATION_PREFIX, USER_PREFIX = "load-", "LOAD-", "load-"
# The periods are calendar years ending with this one, whatever the date, so that a seed always
# gives the same data; the last one is open.
LAST_YEAR = 2026
BATCH = 2000

PARTS = [
    ("Political and security cooperation", "政治安全合作"),
    ("Economic cooperation", "经济合作"),
    ("Social and cultural cooperation", "社会文化合作"),
    ("Cross-pillars cooperation", "跨领域合作"),
    ("Sub-regional cooperation", "次区域合作"),
    ("Implementation arrangements and monitoring", "落实与监督"),
]
# The last part, like the real plan's, has a few lines and no areas.
LINES_OUTSIDE_AREAS = 3

SECTORS = [
    ("AGR", "Agriculture", "农业"), ("TRN", "Transport", "交通"), ("ENE", "Energy", "能源"),
    ("HLT", "Health", "卫生"), ("EDU", "Education", "教育"), ("CUL", "Culture", "文化"),
    ("TOU", "Tourism", "旅游"), ("ENV", "Environment", "环境"), ("SCI", "Science and Technology", "科技"),
    ("DIG", "Digital Economy", "数字经济"), ("TRD", "Trade", "贸易"), ("FIN", "Finance", "金融"),
    ("CUS", "Customs", "海关"), ("MAR", "Maritime Cooperation", "海上合作"),
    ("DIS", "Disaster Management", "灾害管理"), ("YTH", "Youth", "青年"), ("MED", "Media", "媒体"),
    ("LAB", "Labour", "劳动"), ("WAT", "Water Resources", "水资源"),
    ("CRM", "Transnational Crime", "跨国犯罪"),
]  # fmt: skip
BODIES = [
    ("WG", "ASEAN-China Working Group on {en}", "中国—东盟{zh}工作组", Organisation.Kind.MECHANISM),
    ("SOM", "ASEAN Senior Officials Meeting on {en}", "东盟{zh}高官会", Organisation.Kind.ASEAN_BODY),
    ("MIN", "Chinese Ministry responsible for {en}", "中国{zh}主管部门", Organisation.Kind.CHINESE_AGENCY),
]
# Used when no seeded plan is imported; real lines of the 2026–2030 plan.
FALLBACK_TEXTS = [
    (
        "Enhance high-level exchanges between heads of state and government to promote mutual "
        "understanding and trust.",
        "推动国家元首和政府首脑高层交往，增进相互理解和信任。",
    ),
    (
        "Strengthen cooperation on sustainable and smart shipping solutions for the ASEAN Single "
        "Shipping Market.",
        "加强可持续和智慧航运合作，助力东盟单一航运市场建设。",
    ),
    (
        "Promote cooperation in tourism, including the exchange of tourists and tourism investment.",
        "促进旅游合作，包括游客往来和旅游投资。",
    ),
    (
        "Support capacity building in disaster management and emergency response.",
        "支持灾害管理和应急响应能力建设。",
    ),
]
NARRATIVES = [
    ("The working group met in {place_en} and agreed its work plan for the coming year.",
     "工作组在{place_zh}召开会议，商定了下一年度工作计划。"),
    ("A joint study was completed and its recommendations were presented to senior officials.",
     "联合研究已完成，相关建议已提交高官会审议。"),
    ("Two capacity-building workshops were held for officials from ASEAN Member States.",
     "为东盟成员国官员举办了两期能力建设研讨班。"),
    ("Funding from the ASEAN-China Cooperation Fund was approved for a follow-up project.",
     "后续项目已获得中国—东盟合作基金资助。"),
    ("Preparations are under way for a ministerial meeting next year.",
     "明年部长级会议的筹备工作正在进行中。"),
    ("Implementation was delayed because the host country postponed the meeting.",
     "由于东道国推迟会议，落实工作有所延迟。"),
    ("An exchange programme brought {count} participants from ASEAN Member States to China.",
     "交流项目邀请了{count}名东盟成员国学员赴华交流。"),
    ("The annual progress report was adopted at the consultation in {place_en}.",
     "年度进展报告在{place_zh}磋商中获得通过。"),
    ("Both sides exchanged views on the priorities for the next phase of cooperation.",
     "双方就下一阶段合作重点交换了意见。"),
    ("A pilot project was launched in three Member States.", "在三个成员国启动了试点项目。"),
]  # fmt: skip
# Why a line is delayed or discontinued, as its owner says.
REASONS = [
    ("Funding has not yet been secured.", "资金尚未落实。"),
    ("The host country postponed the meeting to next year.", "东道国将会议推迟至明年举行。"),
    ("The partner body's priorities have changed.", "合作方机构的工作重点有所调整。"),
    ("The project proposal is still under review by the ASEAN-China Cooperation Fund.",
     "项目申请仍在中国—东盟合作基金审议中。"),
]  # fmt: skip
PLACES = [
    ("Jakarta", "雅加达"), ("Beijing", "北京"), ("Kuala Lumpur", "吉隆坡"), ("Manila", "马尼拉"),
    ("Bangkok", "曼谷"), ("Hanoi", "河内"), ("Singapore", "新加坡"), ("Vientiane", "万象"),
    ("Phnom Penh", "金边"), ("Bandar Seri Begawan", "斯里巴加湾市"), ("Yangon", "仰光"),
    ("Nanning", "南宁"), ("Kunming", "昆明"), ("Online", "线上"),
]  # fmt: skip
ACTIVITIES = [
    ("ASEAN-China {en} Forum", "中国—东盟{zh}论坛", Activity.Kind.EVENT),
    ("Workshop on {en} cooperation", "{zh}合作研讨会", Activity.Kind.TRAINING),
    ("Meeting of the ASEAN-China Working Group on {en}", "中国—东盟{zh}工作组会议", Activity.Kind.MEETING),
    ("{en} exchange programme", "{zh}交流项目", Activity.Kind.PROJECT),
    ("Study visit on {en}", "{zh}考察访问", Activity.Kind.OTHER),
]
EVIDENCE = [
    ("Meeting report", "会议报告"), ("Chair's statement", "主席声明"),
    ("Joint media statement", "联合新闻声明"),
    ("Workshop summary", "研讨会纪要"), ("Project completion report", "项目结项报告"),
]  # fmt: skip
RETURN_COMMENTS = [
    "Please give the dates and places of the meetings held this period.",
    "Please add the meeting report as evidence.",
    "'Completed' seems early; please say which Member States have finished, or choose 'Ongoing'.",
]
STATUS_CODES = ["not-started", "planned", "ongoing", "completed", "delayed", "discontinued"]
# State of an update in the open period; earlier periods are all approved.
OPEN_PERIOD_STATES = {"approved": 45, "submitted": 25, "draft": 18, "returned": 12}
OWNER_COUNTS = {1: 30, 2: 35, 3: 25, 4: 10}


class Command(BaseCommand):
    help = (
        "Fill the database with a synthetic workload for benchmarks: --plans plans (load-01 …) of "
        "--lines action lines in 6 parts, 1–4 confirmed owners per line (one lead), --years yearly "
        f"reporting periods ending in {LAST_YEAR} (the last open), an update per owner and period with "
        "transitions, activities and link evidence, and line statuses, most confirmed. The same --seed "
        "gives the same data. Rows are written with bulk_create, and the history the progress report reads "
        "(owners, updates, activities, line statuses) with bulk_history_create, each record dated when "
        "its object was last changed in its period; created/updated times are those of the run. Refuses "
        "to run when load plans exist; --replace deletes them and everything on them first (nothing else)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--plans", type=int, default=10, help="number of plans (default 10)")
        parser.add_argument("--years", type=int, default=5, help="yearly periods per plan (default 5)")
        parser.add_argument("--lines", type=int, default=200, help="action lines per plan (default 200)")
        parser.add_argument("--seed", type=int, default=2026, help="random seed (default 2026)")
        parser.add_argument("--replace", action="store_true", help="delete existing load plans first")

    def handle(self, *args, plans: int, years: int, lines: int, seed: int, replace: bool, **options):
        if plans < 1 or years < 1 or lines < 5 + LINES_OUTSIDE_AREAS:
            raise CommandError(_("Give at least 1 plan, 1 year and 8 lines per plan."))
        existing = load_plans()
        if existing.exists() and not replace:
            raise CommandError(
                _("%(count)d load plans exist already; run again with --replace to replace them.")
                % {"count": existing.count()}
            )
        started = time.monotonic()
        try:
            with transaction.atomic():
                removed = delete_load_plans() if replace else 0
                counts = generate(plans, years, lines, random.Random(seed))
        except IntegrityError as error:
            raise CommandError(
                _("Other data refers to the load plans, so nothing was changed: %(error)s") % {"error": error}
            ) from error
        refresh_planner_statistics()
        counts["removed"], counts["seconds"] = removed, time.monotonic() - started
        self.stdout.write(
            _(
                "Synthetic load in %(seconds).1f s (%(removed)d old load plans removed): %(plans)d plans, "
                "%(lines)d action lines, %(owners)d confirmed owners, %(periods)d reporting periods, "
                "%(updates)d status updates (%(approved)d approved, %(submitted)d submitted, "
                "%(returned)d returned, %(draft)d draft), %(transitions)d transitions, %(activities)d "
                "activities, %(evidence)d evidence links, %(line_statuses)d line statuses "
                "(%(confirmed)d confirmed), %(history)d history records."
            )
            % counts
        )


def refresh_planner_statistics() -> None:
    """Have PostgreSQL count the new rows now rather than when autovacuum gets to it.

    Until then its planner takes tables of 20,000 rows for small ones, and a page measured right
    after the load reads them whole: 40 ms instead of 0.3 ms for the line page's transitions.
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


def load_plans() -> models.QuerySet[Plan]:
    return Plan.objects.filter(code__startswith=PLAN_PREFIX)


def delete_load_plans() -> int:
    """Delete the load plans and everything on them, children first; returns the number of plans.

    A raw delete sends no signals, where ``delete()`` would write a history row for each of
    ~100,000 rows; their history records go with them (those the load wrote and any made by
    editing a load plan), being as synthetic as they.
    Any other table still pointing at them makes the transaction fail rather than lose data.
    """
    plans = load_plans()
    updates = StatusUpdate.objects.filter(line__plan__in=plans)
    for queryset in [
        Evidence.history.filter(update__in=updates),
        Activity.history.filter(update__in=updates),
        StatusUpdate.history.filter(line__plan__in=plans),
        PeriodStatus.history.filter(line__plan__in=plans),
        ReportingPeriod.history.filter(plan__in=plans),
        Ownership.history.filter(line__plan__in=plans),
        ActionLine.history.filter(plan__in=plans),
        Evidence.objects.filter(update__in=updates),
        Activity.objects.filter(update__in=updates),
        UpdateTransition.objects.filter(update__in=updates),
        updates,
        PeriodStatus.objects.filter(line__plan__in=plans),
        ReportingPeriod.objects.filter(plan__in=plans),
        Ownership.objects.filter(line__plan__in=plans),
        ActionLine.objects.filter(plan__in=plans),
        Area.objects.filter(plan__in=plans),
        Part.objects.filter(plan__in=plans),
    ]:
        queryset._raw_delete(queryset.db)
    return plans._raw_delete(plans.db)


@dataclass
class Cast:
    """What every load plan shares: organisations, their focal points, a secretariat officer, statuses."""

    organisations: list[tuple[Organisation, str, str]]  # with the sector's English and Chinese name
    focal_points: dict[int, object]
    secretariat: object
    statuses: dict[str, Status]
    texts: list[tuple[str, str]]
    area_titles: list[tuple[str, str]]
    preamble: tuple[str, str]


def generate(plans: int, years: int, lines: int, rng: random.Random) -> Counter:
    cast = load_cast()
    counts = Counter()
    width = max(2, len(str(plans)))
    for number in range(1, plans + 1):
        generate_plan(f"{PLAN_PREFIX}{number:0{width}d}", number, years, lines, cast, rng, counts)
    # One history record each, written with them.
    counts["history"] = sum(counts[name] for name in ("owners", "updates", "activities", "line_statuses"))
    return counts


def load_cast() -> Cast:
    """The shared organisations and users, created on the first run and reused after it."""
    organisations = ensure_organisations()
    focal_points = ensure_users(organisations)
    seeded = (
        ActionLine.objects.exclude(plan__code__startswith=PLAN_PREFIX).exclude(text_en="").exclude(text_zh="")
    )
    seeded_areas = Area.objects.exclude(plan__code__startswith=PLAN_PREFIX).exclude(title_en="")
    return Cast(
        organisations=organisations,
        focal_points=focal_points,
        secretariat=get_user_model().objects.get(username=f"{USER_PREFIX}secretariat"),
        statuses=Status.objects.in_bulk(STATUS_CODES, field_name="code"),
        texts=list(seeded.order_by("plan__code", "sort_key").values_list("text_en", "text_zh"))
        or FALLBACK_TEXTS,
        area_titles=list(
            seeded_areas.exclude(title_zh="")
            .order_by("plan__code", "sort_key")
            .values_list("title_en", "title_zh")
        )
        or [(f"Cooperation on {en.lower()}", f"{zh}合作") for _code, en, zh in SECTORS],
        preamble=Plan.objects.exclude(code__startswith=PLAN_PREFIX)
        .exclude(preamble_en="")
        .order_by("-first_year", "code")
        .values_list("preamble_en", "preamble_zh")
        .first()
        or ("", ""),
    )


def ensure_organisations() -> list[tuple[Organisation, str, str]]:
    wanted = [
        (f"{ORGANISATION_PREFIX}{code}-{body}", name_en.format(en=en), name_zh.format(zh=zh), kind, en, zh)
        for code, en, zh in SECTORS
        for body, name_en, name_zh, kind in BODIES
    ]
    existing = Organisation.objects.in_bulk([row[0] for row in wanted], field_name="acronym")
    Organisation.objects.bulk_create(
        Organisation(acronym=acronym, name_en=name_en, name_zh=name_zh, kind=kind)
        for acronym, name_en, name_zh, kind, _en, _zh in wanted
        if acronym not in existing
    )
    by_acronym = Organisation.objects.in_bulk([row[0] for row in wanted], field_name="acronym")
    return [(by_acronym[acronym], en, zh) for acronym, *_names, en, zh in wanted]


def ensure_users(organisations: list[tuple[Organisation, str, str]]) -> dict[int, object]:
    """A focal point per organisation, with no usable password, and a secretariat officer."""
    User = get_user_model()
    wanted = {f"{USER_PREFIX}secretariat": "Secretariat officer"} | {
        focal_point_name(organisation): "Focal point" for organisation, _en, _zh in organisations
    }
    existing = set(User.objects.filter(username__in=wanted).values_list("username", flat=True))
    new = [
        User(username=username, email=f"{username}@example.org")
        for username in wanted
        if username not in existing
    ]
    for user in new:
        user.set_unusable_password()
    User.objects.bulk_create(new)
    users = User.objects.in_bulk(list(wanted), field_name="username")
    groups = Group.objects.in_bulk(set(wanted.values()), field_name="name")
    User.groups.through.objects.bulk_create(
        [User.groups.through(user=users[user.username], group=groups[wanted[user.username]]) for user in new]
    )
    focal_points = {
        organisation.pk: users[focal_point_name(organisation)] for organisation, _en, _zh in organisations
    }
    created = {user.username for user in new}
    Organisation.focal_points.through.objects.bulk_create(
        Organisation.focal_points.through(organisation_id=pk, user=user)
        for pk, user in focal_points.items()
        if user.username in created
    )
    return focal_points


def focal_point_name(organisation: Organisation) -> str:
    return f"{USER_PREFIX}focal-{organisation.acronym.removeprefix(ORGANISATION_PREFIX).lower()}"


def generate_plan(
    code: str, number: int, years: int, size: int, cast: Cast, rng: random.Random, counts: Counter
) -> None:
    first_year = LAST_YEAR - years + 1
    texts = {
        "title_en": f"Synthetic load plan {number}",
        "title_zh": f"合成负载计划 {number}",
        "preamble_en": cast.preamble[0],
        "preamble_zh": cast.preamble[1],
    }
    plan = Plan.objects.create(
        code=code,
        kind=Plan.Kind.PLAN_OF_ACTION,
        first_year=first_year,
        last_year=LAST_YEAR,
        **imported(**texts),
    )
    lines = make_lines(plan, size, cast, rng)
    periods = ReportingPeriod.objects.bulk_create(
        ReportingPeriod(
            plan=plan,
            label=str(year),
            starts_on=date(year, 1, 1),
            ends_on=date(year, 12, 31),
            deadline=date(year, 11, 30),
            is_open=year == LAST_YEAR,
        )
        for year in range(first_year, LAST_YEAR + 1)
    )
    owners = make_owners(lines, cast, rng)
    updates = make_updates(lines, owners, periods, cast, rng)
    make_details(updates, cast, rng, counts)
    make_line_statuses(lines, owners, periods, updates, cast, rng, counts)
    counts.update(
        {"plans": 1, "lines": len(lines), "periods": len(periods), "updates": len(updates)}
        | {"owners": sum(len(line_owners) for line_owners in owners.values())}
        | Counter(update.state for update in updates.values())
    )


def make_lines(plan: Plan, size: int, cast: Cast, rng: random.Random) -> list[ActionLine]:
    """Six parts; the first five have 4–6 areas of at least one line each, the last has lines only."""
    parts = Part.objects.bulk_create(
        Part(
            plan=plan,
            number=number,
            code=str(number),
            label=f"{number}.",
            **imported(title_en=en, title_zh=zh),
        )
        for number, (en, zh) in enumerate(PARTS, start=1)
    )
    in_areas = size - LINES_OUTSIDE_AREAS
    per_part = [rng.randint(4, 6) for _part in parts[:-1]]
    while sum(per_part) > in_areas:
        per_part[per_part.index(max(per_part))] -= 1
    areas = Area.objects.bulk_create(
        Area(
            plan=plan,
            part=part,
            number=number,
            code=f"{part.number}.{number}",
            sort_key=sort_key(f"{part.number}.{number}"),
            label=f"{part.number}.{number}",
            **imported(title_en=title[0], title_zh=title[1]),
        )
        for part, count in zip(parts[:-1], per_part, strict=True)
        for number, title in enumerate((rng.choice(cast.area_titles) for _n in range(count)), start=1)
    )
    sizes = Counter(areas)
    weights = [rng.uniform(0.5, 1.5) for _area in areas]
    sizes.update(rng.choices(areas, weights, k=in_areas - len(areas)))
    codes = [(area.part, area, f"{area.code}.{n}") for area in areas for n in range(1, sizes[area] + 1)]
    codes += [(parts[-1], None, f"{parts[-1].number}.{n}") for n in range(1, LINES_OUTSIDE_AREAS + 1)]
    codes.sort(key=lambda placed: sort_key(placed[2]))
    lines = [
        ActionLine(
            plan=plan,
            part=part,
            area=area,
            code=code,
            sort_key=sort_key(code),
            position=position,
            label=code,
            **line_texts(cast, rng),
        )
        for position, (part, area, code) in enumerate(codes, start=1)
    ]
    return ActionLine.objects.bulk_create(lines, batch_size=BATCH)


def line_texts(cast: Cast, rng: random.Random) -> dict[str, str]:
    """A seeded line's texts, sometimes followed by another's for length; a few not yet translated."""
    en, zh = rng.choice(cast.texts)
    if rng.random() < 0.25:
        more_en, more_zh = rng.choice(cast.texts)
        en, zh = f"{en} {more_en}", zh + more_zh
    zh = "" if rng.random() < 0.03 else zh
    return imported(text_en=en, text_zh=zh, heading_en="", heading_zh="")


def imported(**texts: str) -> dict:
    """The texts, and the same values as ``source``, as the importer records what it takes."""
    return texts | {"source": dict(texts)}


def make_owners(lines: list[ActionLine], cast: Cast, rng: random.Random) -> dict[int, list[Ownership]]:
    """1–4 confirmed owners per line, the lead first."""
    owners = {}
    for line in lines:
        count = rng.choices(list(OWNER_COUNTS), list(OWNER_COUNTS.values()))[0]
        chosen = rng.sample(cast.organisations, count)
        owners[line.pk] = [
            Ownership(
                line=line,
                organisation=organisation,
                state=Ownership.State.CONFIRMED,
                role=Ownership.Role.LEAD if index == 0 else Ownership.Role.SUPPORTING,
                decided_by=cast.secretariat,
                decided_at=datetime(line.plan.first_year, 1, 15, tzinfo=UTC),
            )
            for index, (organisation, _en, _zh) in enumerate(chosen)
        ]
    confirmed = Ownership.objects.bulk_create(
        [o for line_owners in owners.values() for o in line_owners], batch_size=BATCH
    )
    for ownership in confirmed:
        ownership._history_date, ownership._history_user = ownership.decided_at, cast.secretariat
    Ownership.history.bulk_history_create(confirmed, batch_size=BATCH)
    return owners


def line_status_codes(periods: list[ReportingPeriod], rng: random.Random) -> list[str]:
    """A line's status through the years: mostly moving from planned to ongoing to completed."""
    codes, current = [], rng.choices(STATUS_CODES[:3], [2, 4, 4])[0]
    for index in range(len(periods)):
        if index and current not in ("completed", "discontinued"):
            late = index / max(1, len(periods) - 1)
            current = rng.choices(STATUS_CODES, [1, 2, 8, 1 + 5 * late, 1.5, 0.2])[0]
        codes.append(current)
    return codes


def make_updates(
    lines: list[ActionLine],
    owners: dict[int, list[Ownership]],
    periods: list[ReportingPeriod],
    cast: Cast,
    rng: random.Random,
) -> dict[tuple[int, int, int], StatusUpdate]:
    """One update per owner per period, keyed by (line, period, organisation)."""
    updates = {}
    for line in lines:
        for period, line_code in zip(periods, line_status_codes(periods, rng), strict=True):
            for ownership in owners[line.pk]:
                state = "approved"
                if period.is_open:
                    state = rng.choices(list(OPEN_PERIOD_STATES), list(OPEN_PERIOD_STATES.values()))[0]
                code = line_code if rng.random() < 0.85 else rng.choice(STATUS_CODES[1:5])
                if state == "draft" and rng.random() < 0.5:
                    code = None
                key = (line.pk, period.pk, ownership.organisation_id)
                texts = narratives(rng)
                if code and cast.statuses[code].needs_reason:
                    texts |= reasons(rng, texts)
                updates[key] = StatusUpdate(
                    line=line,
                    period=period,
                    organisation=ownership.organisation,
                    status=cast.statuses[code] if code else None,
                    state=state,
                    version={"draft": 1, "submitted": 2, "returned": 3, "approved": 3}[state],
                    author=cast.focal_points[ownership.organisation_id],
                    **texts,
                )
    StatusUpdate.objects.bulk_create(updates.values(), batch_size=BATCH)
    return updates


def narratives(rng: random.Random) -> dict[str, str]:
    """One to four sentences, in both languages or only one of them."""
    place_en, place_zh = rng.choice(PLACES)
    values = {"place_en": place_en, "place_zh": place_zh, "count": rng.randint(12, 180)}
    sentences = rng.sample(NARRATIVES, rng.randint(1, 4))
    en = " ".join(sentence.format(**values) for sentence, _zh in sentences)
    zh = "".join(sentence.format(**values) for _en, sentence in sentences)
    languages = rng.choices(["both", "en", "zh"], [60, 25, 15])[0]
    return {"narrative_en": en if languages != "zh" else "", "narrative_zh": zh if languages != "en" else ""}


def reasons(rng: random.Random, texts: dict[str, str]) -> dict[str, str]:
    """A reason for a delay, in the languages of the narrative."""
    en, zh = rng.choice(REASONS)
    return {
        "reason_en": en if texts["narrative_en"] else "",
        "reason_zh": zh if texts["narrative_zh"] else "",
    }


def make_details(
    updates: dict[tuple[int, int, int], StatusUpdate], cast: Cast, rng: random.Random, counts: Counter
) -> None:
    """Each update's transitions, 0–3 activities and 0–2 evidence links (a few withdrawn), and the
    history records of the updates and activities as they stood after their last change."""
    sectors = {organisation.pk: (en, zh) for organisation, en, zh in cast.organisations}
    transitions, activities, evidence = [], [], []
    for update in updates.values():
        # Submitted in October or early November, reviewed three days later: before the deadline.
        submitted = datetime(update.period.starts_on.year, 10, 1, 9, tzinfo=UTC) + timedelta(
            days=rng.randint(0, 40), minutes=rng.randint(0, 480)
        )
        moves = make_transitions(update, submitted, cast, rng)
        drafted = submitted - timedelta(days=1)
        # Its last record is the one the report reads as of the period's cut-off.
        update._history_date = moves[-1].at if moves else drafted
        update._history_user = moves[-1].by if moves else update.author
        transitions += moves
        for activity in make_activities(update, sectors[update.organisation_id], rng):
            activity._history_date, activity._history_user = drafted, update.author
            activities.append(activity)
        evidence += make_evidence(update, submitted, rng)
    UpdateTransition.objects.bulk_create(transitions, batch_size=BATCH)
    Activity.objects.bulk_create(activities, batch_size=BATCH)
    Evidence.objects.bulk_create(evidence, batch_size=BATCH)
    StatusUpdate.history.bulk_history_create(updates.values(), batch_size=BATCH)
    Activity.history.bulk_history_create(activities, batch_size=BATCH)
    counts.update({"transitions": len(transitions), "activities": len(activities), "evidence": len(evidence)})


def make_transitions(
    update: StatusUpdate, submitted: datetime, cast: Cast, rng: random.Random
) -> list[UpdateTransition]:
    submit = ("draft", "submitted", update.author, "")
    moves = {
        "draft": [],
        "submitted": [submit],
        "returned": [submit, ("submitted", "returned", cast.secretariat, rng.choice(RETURN_COMMENTS))],
        "approved": [submit, ("submitted", "approved", cast.secretariat, "")],
    }[update.state]
    return [
        UpdateTransition(
            update=update,
            from_state=source,
            to_state=target,
            by=by,
            comment=comment,
            at=submitted + timedelta(days=3 * step),
        )
        for step, (source, target, by, comment) in enumerate(moves)
    ]


def make_activities(update: StatusUpdate, sector: tuple[str, str], rng: random.Random) -> list[Activity]:
    """Meetings, workshops and projects of the organisation's sector, in English; some in Chinese too."""
    activities = []
    for _index in range(rng.choices([0, 1, 2, 3], [25, 35, 25, 15])[0]):
        title_en, title_zh, kind = rng.choice(ACTIVITIES)
        place_en, place_zh = rng.choice(PLACES)
        chinese = rng.random() < 0.3
        activities.append(
            Activity(
                update=update,
                date=update.period.starts_on + timedelta(days=rng.randint(0, 300)),
                kind=kind,
                title_en=title_en.format(en=sector[0]),
                title_zh=title_zh.format(zh=sector[1]) if chinese else "",
                place_en=place_en,
                place_zh=place_zh if chinese else "",
                organisers=update.organisation.acronym,
            )
        )
    return activities


def make_evidence(update: StatusUpdate, submitted: datetime, rng: random.Random) -> list[Evidence]:
    """Links only: no file is written anywhere."""
    evidence = []
    for number in range(1, rng.choices([0, 1, 2], [35, 45, 20])[0] + 1):
        title_en, title_zh = rng.choice(EVIDENCE)
        withdrawn = rng.random() < 0.03
        evidence.append(
            Evidence(
                update=update,
                title_en=title_en,
                title_zh=title_zh if rng.random() < 0.3 else "",
                date=update.period.starts_on + timedelta(days=rng.randint(0, 300)),
                link=f"https://example.org/load/{update.line.plan.code}/{update.line.code}/"
                f"{update.period.label}/{update.organisation.acronym.lower()}/{number}",
                withdrawn_at=submitted - timedelta(days=1) if withdrawn else None,
                withdrawn_by=update.author if withdrawn else None,
            )
        )
    return evidence


def make_line_statuses(
    lines: list[ActionLine],
    owners: dict[int, list[Ownership]],
    periods: list[ReportingPeriod],
    updates: dict[tuple[int, int, int], StatusUpdate],
    cast: Cast,
    rng: random.Random,
    counts: Counter,
) -> None:
    """The lead's approved status proposed for each line and period, and most of them confirmed.

    As in the workflow, a status is confirmed only when all the line's updates for the period are
    approved; now and then the secretariat confirms another status than the lead's, with a reason.
    """
    statuses = []
    for line in lines:
        for period in periods:
            line_updates = [updates[line.pk, period.pk, o.organisation_id] for o in owners[line.pk]]
            lead = line_updates[0]
            if lead.state != StatusUpdate.State.APPROVED:
                continue
            all_approved = all(u.state == StatusUpdate.State.APPROVED for u in line_updates)
            # Recorded as it stands: when it was confirmed, or when the lead's update was approved.
            line_status = PeriodStatus(line=line, period=period, proposed=lead.status)
            line_status._history_date, line_status._history_user = lead._history_date, cast.secretariat
            if all_approved and rng.random() < (0.6 if period.is_open else 0.95):
                line_status.status, line_status.reason = lead.status, ""
                if rng.random() < 0.05:
                    line_status.status = cast.statuses[rng.choice(STATUS_CODES[1:5])]
                    line_status.reason = "The meeting reports show a different stage than the lead reported."
                line_status.confirmed_by = cast.secretariat
                line_status.confirmed_at = datetime(period.ends_on.year, 11, 15, 10, tzinfo=UTC) + timedelta(
                    days=rng.randint(0, 5)
                )
                line_status._history_date = line_status.confirmed_at
            statuses.append(line_status)
    PeriodStatus.objects.bulk_create(statuses, batch_size=BATCH)
    PeriodStatus.history.bulk_history_create(statuses, batch_size=BATCH)
    counts.update(
        {"line_statuses": len(statuses), "confirmed": sum(1 for s in statuses if s.confirmed_at is not None)}
    )
