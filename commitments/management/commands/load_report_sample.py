"""A sample year of reporting on the 2026–2030 plan, from which the Summit progress report is made.

Anyone can regenerate the sample report from it; the report's tests and
``bench/report_benchmark.py`` read it. It is not the demo (load_demo_data): it reports on most
lines, by their lead owners and some supporting ones, with meetings, projects, trainings and
events, funds and highlights, and the owners' reasons for delayed and discontinued lines, in both
languages or only one; and it leaves a few drafts, submissions and a returned update that the
report must not show.

Everything is made through the models' verbs, so django-simple-history records it, and the report
reads the history as of the period's cut-off: the period must still be running. It is therefore
five months in, its dates counted from today, or it is the plan's period that overlaps those
dates. The meetings, projects and links are invented from the titles of the lines' areas and
owners; the links point at example.org.
"""

from __future__ import annotations

import contextlib
import dataclasses
import math
import random
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import NamedTuple

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError
from django.db import models, transaction
from django.utils import timezone
from django.utils.text import capfirst, slugify
from django.utils.translation import gettext as _

from commitments.models import (
    ActionLine,
    Activity,
    Evidence,
    Fund,
    Organisation,
    Ownership,
    PeriodStatus,
    Plan,
    ReportingPeriod,
    Status,
    StatusUpdate,
)

PLAN = "poa-2026-2030"
FOCAL, SECRETARIAT = "sample-focal", "sample-secretariat"
REPORTED_LINES = 125
UNCONFIRMED_LINES = 9  # approved, their status not yet confirmed by the secretariat
# Statuses of the reported lines, in per cent; each gets at least MIN_PER_STATUS lines.
STATUS_SHARES = {"ongoing": 45, "completed": 20, "planned": 12, "not-started": 6, "delayed": 10,
                 "discontinued": 4}  # fmt: skip
MIN_PER_STATUS = 3
# Lines confirmed as ongoing although the lead reported them completed.
COMPLETED_BUT_ONGOING = 2
SUPPORTING_OWNERS = 0.25  # share of the reported lines with a supporting owner
SUPPORTING_REPORTS = 0.4  # share of those on which the supporting owner reports too
ACTIVITIES_PER_UPDATE = {1: 50, 2: 35, 3: 15}
KINDS = {
    Activity.Kind.MEETING: 45, Activity.Kind.TRAINING: 22, Activity.Kind.PROJECT: 15,
    Activity.Kind.EVENT: 13, Activity.Kind.OTHER: 5,
}  # fmt: skip
# Funded activities, mostly projects and trainings: the fund of each.
FUNDED = ["ACMCF"] * 4 + ["LMC-SF"] * 3 + ["OTHER"] * 3 + ["ACCF"] * 20
FUNDED_EVENTS = 4
# Lines whose activities the maritime fund and the Lancang–Mekong fund pay for first.
FUND_AREAS = {"ACMCF": {"1.4", "2.5"}, "LMC-SF": {"5", "2.3", "3.10", "3.11", "4.2"}}
HIGHLIGHTS = 10
TITLES_IN_ONE_LANGUAGE = {"en": 10, "zh": 6}
NARRATIVES_IN_ONE_LANGUAGE = {"en": 8, "zh": 6}
# Reasons for a delay given in one language only, besides those of updates written in one language.
REASONS_IN_ONE_LANGUAGE = {"en": 2, "zh": 2}
# Updates the report must leave out, on lines otherwise unreported: state and status.
PENDING = [("draft", None), ("draft", "planned"), ("draft", "ongoing"), ("submitted", "ongoing"),
           ("submitted", "completed"), ("submitted", "planned"), ("returned", "completed")]  # fmt: skip
# The 29th ASEAN–China Summit met in 2026; a period's report goes to the Summit of the year it ends.
SUMMIT_YEAR, SUMMIT_NUMBER = 2026, 29

# The body that leads an area's lines when the seeds suggest no owner; otherwise the ASEAN Secretariat.
AREA_BODIES = {
    "1.1": "SOC", "1.3": "SOC", "1.4": "SOM-DOC", "1.5": "AICHR", "1.6": "ACDMIM",
    "1.7": "SOMTC+China", "2.1": "SEOM-MOFCOM", "2.2": "ASEAN-China Inter-Bank Association",
    "2.4": "SPS Sub-Committee", "2.6": "ADGMIN+China", "2.8": "ATM+China", "2.9": "M-ATM+China",
    "2.10": "ASEAN-China Clean Energy Centre", "2.11": "China-ASEAN Mining Forum",
    "2.12": "ASEAN-China Customs Consultation", "2.13": "ASEAN-China Heads of IPO",
    "3.1": "AHMM+China", "3.2": "SOMHD+China", "3.3": "China-ASEAN Education Cooperation Week",
    "3.4": "AMCA+China", "3.5": "ACC", "3.6": "ASEAN-China Sports Cooperation", "3.8": "ACC",
    "3.10": "CAEC", "3.11": "AMMDM+China", "3.12": "ACC", "4.1": "SOC", "4.2": "ACCC", "4.5": "JCC",
    "4.6": "NACT", "5": "MLC", "6": "JCC",
}  # fmt: skip
SECRETARIAT_BODY = ("ASEC", "ASEAN Secretariat", "东盟秘书处")
MEETING_WORDS = ("Meeting", "Consultation", "Conference", "Summit", "Committee", "Dialogue", "Session")
FORUM_WORDS = ("Forum", "Week")


class Place(NamedTuple):
    en: str
    zh: str


ASEAN_PLACES = [
    Place("Jakarta", "雅加达"), Place("Kuala Lumpur", "吉隆坡"), Place("Bangkok", "曼谷"),
    Place("Hanoi", "河内"), Place("Manila", "马尼拉"), Place("Vientiane", "万象"),
    Place("Phnom Penh", "金边"), Place("Singapore", "新加坡"),
    Place("Bandar Seri Begawan", "斯里巴加湾市"), Place("Nay Pyi Taw", "内比都"), Place("Dili", "帝力"),
]  # fmt: skip
CHINA_PLACES = [
    Place("Nanning", "南宁"), Place("Beijing", "北京"), Place("Kunming", "昆明"), Place("Shanghai", "上海"),
    Place("Guangzhou", "广州"), Place("Xiamen", "厦门"),
]  # fmt: skip
ONLINE = Place("Online", "线上")
# Where each kind of activity takes place: weights of ASEAN, China, online.
PLACE_WEIGHTS = {
    Activity.Kind.MEETING: (45, 35, 20), Activity.Kind.TRAINING: (45, 55, 0),
    Activity.Kind.EVENT: (45, 55, 0), Activity.Kind.PROJECT: (80, 20, 0), Activity.Kind.OTHER: (0, 100, 0),
}  # fmt: skip


class Topic(NamedTuple):
    """What a line is about, as the activity titles name it: after "Workshop on", and in Chinese."""

    en: str  # "Maritime Cooperation"
    zh: str  # "海上合作"


# Area titles too long or too particular for the templates; parts 5 and 6 have no areas.
TOPICS = {
    "1.2": Topic("the Treaty of Amity and Cooperation in Southeast Asia", "《东南亚友好合作条约》"),
    "1.3": Topic("the Protocol to the SEANWFZ Treaty", "《东南亚无核武器区条约》议定书"),
    "1.4": Topic("the Implementation of the DOC", "落实《宣言》"),
    "4.1": Topic("the ASEAN Outlook on the Indo-Pacific", "东盟印太展望"),
    "4.4": Topic("Narrowing the Development Gap", "缩小发展差距"),
    "5": Topic("Sub-regional Cooperation", "次区域合作"),
    "6": Topic("the Implementation of the Plan of Action", "行动计划落实"),
}
SMALL_WORDS = {"and", "of", "on", "the", "in", "for", "to", "a"}

# Activity titles on a line's topic, by kind; {nth} and {n}: the meeting's number.
TITLES = {
    Activity.Kind.MEETING: [
        ("{nth} Meeting of the ASEAN–China Working Group on {title}", "第{n}次中国—东盟{zh}工作组会议"),
        ("ASEAN–China Senior Officials' Meeting on {title}", "中国—东盟{zh}高官会"),
        ("ASEAN–China Expert Meeting on {title}", "中国—东盟{zh}专家会"),
    ],
    Activity.Kind.TRAINING: [
        ("ASEAN–China Workshop on {title}", "中国—东盟{zh}研讨会"),
        ("Training Course on {title} for ASEAN Officials", "东盟国家{zh}官员研修班"),
        ("Capacity-Building Workshop on {title}", "{zh}能力建设研讨班"),
    ],
    Activity.Kind.PROJECT: [
        ("Capacity-Building Project on {title}", "{zh}能力建设项目"),
        ("Joint Study on {title}", "{zh}联合研究"),
        ("ASEAN–China Pilot Project on {title}", "中国—东盟{zh}试点项目"),
        ("Exchange Programme on {title}", "{zh}交流项目"),
    ],
    Activity.Kind.EVENT: [
        ("ASEAN–China Forum on {title}", "中国—东盟{zh}论坛"),
        ("ASEAN–China Symposium on {title}", "中国—东盟{zh}专题研讨会"),
        ("Exhibition on {title}", "{zh}成果展"),
    ],
    Activity.Kind.OTHER: [("Study Visit to China on {title}", "东盟官员{zh}赴华考察")],
}
# Meetings many lines report on: title, and the number of the meeting held in SUMMIT_YEAR.
COMMON_MEETINGS = [
    ("{nth} ASEAN–China Senior Officials' Consultations", "第{n}次中国—东盟高官磋商", 21),
    ("{nth} ASEAN–China Joint Cooperation Committee Meeting", "第{n}次中国—东盟联合合作委员会会议", 27),
]
# What is planned next, for planned and delayed lines.
NEXT_ACTIVITIES = [
    ("ASEAN–China Workshop on {title}", "中国—东盟{zh}研讨会"),
    ("Training Course on {title} for ASEAN Officials", "东盟国家{zh}官员研修班"),
    ("ASEAN–China Forum on {title}", "中国—东盟{zh}论坛"),
]
VERBS = {
    Activity.Kind.MEETING: ("was held", "举行"), Activity.Kind.TRAINING: ("was held", "举办"),
    Activity.Kind.EVENT: ("was held", "举办"), Activity.Kind.PROJECT: ("was launched", "启动"),
    Activity.Kind.OTHER: ("took place", "开展"),
}  # fmt: skip
ATTENDANCE = [
    (", bringing together {n} officials and experts from ASEAN Member States and China",
     "，来自东盟成员国和中国的{n}名官员和专家参加"),
    (", with {n} participants from ASEAN Member States, China and the ASEAN Secretariat",
     "，东盟成员国、中国和东盟秘书处的{n}名代表出席"),
]  # fmt: skip
REASONS = {
    "not-started": [
        ("no lead agency has yet been identified on the ASEAN side", "东盟方面尚未确定牵头机构"),
        ("funding has not yet been secured", "资金尚未落实"),
        ("the partner body is still reviewing its work plan", "合作方机构仍在审议其工作计划"),
    ],
    "delayed": [
        ("funding has not yet been secured", "资金尚未落实"),
        ("of scheduling conflicts with other ASEAN meetings", "与东盟其他会议日程冲突"),
        ("the partner body's priorities have changed", "合作方机构的工作重点有所调整"),
        ("the host country needs more time to prepare", "东道国需要更多筹备时间"),
        ("the project proposal is still under review by the ASEAN–China Cooperation Fund",
         "项目申请仍在中国—东盟合作基金审议中"),
    ],
    "discontinued": [
        ("the partner body's priorities have changed", "合作方机构的工作重点已调整"),
        ("similar work is now carried out under the Lancang–Mekong Cooperation",
         "相关工作已纳入澜沧江—湄公河合作框架开展"),
        ("funding could not be secured", "未能落实资金"),
    ],
}  # fmt: skip
# The reason an owner gives, around a cause of REASONS; a status an administrator flags as needing
# a reason reads as a delay.
REASON_SENTENCES = {
    "not-started": ("Implementation has not yet started because {en}.", "由于{zh}，该行动项尚未启动。"),
    "delayed": ("Implementation is behind schedule because {en}.", "由于{zh}，该行动项实施进度有所滞后。"),
    "discontinued": ("Both sides agreed to discontinue this action line because {en}.",
                     "由于{zh}，经双方商定，该行动项不再继续实施。"),
}  # fmt: skip
DOCUMENTS = {
    Activity.Kind.MEETING: [("Chair's statement", "主席声明"), ("Summary record", "会议纪要")],
    Activity.Kind.TRAINING: [("Report", "总结报告")],
    Activity.Kind.PROJECT: [("Project progress report", "项目进展报告")],
    Activity.Kind.EVENT: [("Programme and list of participants", "活动议程和参会名单")],
    Activity.Kind.OTHER: [("Visit report", "考察报告")],
}
DIFFERING_REASON = (
    "The final report of the project has not been received yet; the line stays ongoing until it is."
)
RETURN_COMMENT = "Please give the date and place of each activity, and add the meeting report as evidence."
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September",
          "October", "November", "December"]  # fmt: skip


class Command(BaseCommand):
    help = (
        f"Load a sample year of reporting on {PLAN} for the Summit progress report: a period five "
        f"months in (or the plan's period overlapping it), {REPORTED_LINES} of the lines reported "
        "(--all: every line) by confirmed owners with approved updates, activities, funds, highlights and "
        "evidence links, line statuses mostly confirmed, and a few drafts, submissions and a returned "
        "update the report leaves out. Lines that already have an update in the period are left alone. "
        "The same --seed gives the same sample on the same day. Safe to run again: it loads nothing "
        "if the period holds the sample's updates."
    )

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=int, default=2026, help="random seed (default 2026)")
        parser.add_argument(
            "--all", action="store_true", dest="every_line", help="report on every line (for the benchmark)"
        )

    def handle(self, *args, seed: int, every_line: bool, **options):
        plan = Plan.objects.filter(code=PLAN).first()
        if plan is None:
            raise CommandError(
                _("The plan %(plan)s is not imported; run import_seeds first.") % {"plan": PLAN}
            )
        started = time.monotonic()
        today = timezone.localdate()
        with transaction.atomic():
            period = overlapping_period(plan, today)
            if period and sample_updates(period).exists():
                self.stdout.write(
                    _("The sample is already loaded in %(period)s; nothing changed.")
                    % {"period": period.label}
                )
                self.write_counts(period)
                return
            period, created = prepare_period(plan, period, today)
            Sample(plan, period, today, random.Random(seed), every_line).load()
        self.stdout.write(
            _(
                "Sample reporting loaded in %(seconds).1f s into the %(state)s period %(period)s, "
                "for %(meeting)s."
            )
            % {
                "seconds": time.monotonic() - started,
                "state": _("new") if created else _("existing"),
                "period": period.label,
                "meeting": period.meeting_en,
            }
        )
        self.write_counts(period)

    def write_counts(self, period: ReportingPeriod) -> None:
        lines = [
            _("lines reported: %(lines)d of %(all_lines)d, in %(updates)d approved updates "
              "(%(supporting)d by supporting owners)"),
            _("narratives only in English: %(only_en)d, only in Chinese: %(only_zh)d"),
            _("activities: %(activities)d (%(meetings)d meetings, %(funded)d funded with USD %(amount)s "
              "in all, %(highlights)d highlights); evidence links: %(evidence)d"),
            _("confirmed line statuses: %(confirmed)s; approved but not confirmed: %(unconfirmed)d "
              "lines"),
            _("left out of the report: %(draft)d draft, %(submitted)d submitted and %(returned)d returned "
              "updates"),
        ]  # fmt: skip
        counts = sample_counts(period)
        for line in lines:
            self.stdout.write("  " + line % counts)


def sample_updates(period: ReportingPeriod) -> models.QuerySet[StatusUpdate]:
    return StatusUpdate.objects.in_period(period).filter(author__username=FOCAL)


def sample_counts(period: ReportingPeriod) -> dict:
    updates = sample_updates(period)
    approved = updates.approved()
    lines = approved.values("line")
    activities = Activity.objects.filter(update__in=approved)
    statuses = PeriodStatus.objects.filter(period=period, line__in=lines)
    confirmed = Counter(statuses.confirmed().values_list("status__code", flat=True))
    states = Counter(updates.values_list("state", flat=True))
    return {
        "lines": lines.distinct().count(),
        "all_lines": ActionLine.objects.for_plan(period.plan).in_source().count(),
        "updates": approved.count(),
        "supporting": approved.filter(
            models.Exists(
                Ownership.objects.confirmed().filter(
                    line=models.OuterRef("line"),
                    organisation=models.OuterRef("organisation"),
                    role=Ownership.Role.SUPPORTING,
                )
            )
        ).count(),
        "only_en": approved.filter(narrative_zh="").exclude(narrative_en="").count(),
        "only_zh": approved.filter(narrative_en="").exclude(narrative_zh="").count(),
        "activities": activities.count(),
        "meetings": activities.filter(kind=Activity.Kind.MEETING).count(),
        "funded": activities.filter(fund__isnull=False).count(),
        "amount": f"{activities.aggregate(total=models.Sum('amount_usd'))['total'] or 0:,.0f}",
        "highlights": activities.highlighted().count(),
        "evidence": Evidence.objects.filter(update__in=approved).count(),
        "confirmed": ", ".join(f"{code} {confirmed[code]}" for code in STATUS_SHARES),
        "unconfirmed": statuses.filter(confirmed_at__isnull=True).count(),
        "draft": states[StatusUpdate.State.DRAFT],
        "submitted": states[StatusUpdate.State.SUBMITTED],
        "returned": states[StatusUpdate.State.RETURNED],
    }


def sample_dates(today: date) -> tuple[date, date]:
    """From the first day of the month five months ago to the day before the same date a year later."""
    months = today.year * 12 + today.month - 1 - 5
    starts_on = date(months // 12, months % 12 + 1, 1)
    return starts_on, starts_on.replace(year=starts_on.year + 1) - timedelta(days=1)


def overlapping_period(plan: Plan, today: date) -> ReportingPeriod | None:
    """The plan's period that shares days with the sample's dates, the one running today first."""
    periods = ReportingPeriod.objects.for_plan(plan).overlapping(*sample_dates(today))
    running = periods.filter(starts_on__lte=today, ends_on__gte=today)
    return running.order_by("-starts_on").first() or periods.order_by("-starts_on").first()


def summit(ends_on: date) -> tuple[str, str]:
    number = SUMMIT_NUMBER + ends_on.year - SUMMIT_YEAR
    return f"the {ordinal(number)} ASEAN–China Summit", f"第{number}次中国—东盟领导人会议"


def prepare_period(plan: Plan, period: ReportingPeriod | None, today: date) -> tuple[ReportingPeriod, bool]:
    """The period to report in: ``period``, with its Summit filled in if empty, else a new one.

    A new one is closed, so that it does not clash with an open period (the demo's); the report
    reads it all the same.
    """
    if period is None:
        starts_on, ends_on = sample_dates(today)
        label = f"{starts_on.year}–{ends_on.year}"
        if ReportingPeriod.objects.for_plan(plan).filter(label=label).exists():
            raise CommandError(
                _("%(plan)s has another period labelled %(label)s.") % {"plan": PLAN, "label": label}
            )
        meeting_en, meeting_zh = summit(ends_on)
        period = ReportingPeriod.objects.create(
            plan=plan, label=label, starts_on=starts_on, ends_on=ends_on,
            deadline=ends_on.replace(day=1) - timedelta(days=1), is_open=False, meeting_en=meeting_en,
            meeting_zh=meeting_zh,
        )  # fmt: skip
        return period, True
    # What is made now reaches the report only if the report reads the period's data as of now.
    if period.starts_on > today or (period.cutoff_on or period.ends_on) < today:
        raise CommandError(
            _("The period %(period)s (%(starts)s to %(ends)s) overlaps the sample's dates but is not running "
              "today, so its report would not show the sample.")
            % {"period": period.label, "starts": period.starts_on, "ends": period.cutoff_on or period.ends_on}
        )  # fmt: skip
    if not (period.meeting_en or period.meeting_zh):
        period.meeting_en, period.meeting_zh = summit(period.ends_on)
        period.save(update_fields=["meeting_en", "meeting_zh"])
    return period, False


@contextlib.contextmanager
def open_while_writing(period: ReportingPeriod):
    """Keep ``period`` open while the sample's owners write and submit in it (updates are changed
    only in an open period), and the plan's other periods as they were. Call inside a transaction."""
    if period.is_open:
        yield
        return
    others = list(ReportingPeriod.objects.for_plan(period.plan_id).open())
    for other in others:
        other.close_for_updates()
    period.open_for_updates()
    yield
    period.close_for_updates()
    for other in others:
        other.open_for_updates()


def sample_users(organisations: set[Organisation]) -> tuple[object, object]:
    """The sample's authors, with no usable password: a focal point of every body that reports
    and a secretariat officer who approves and confirms."""
    users = []
    for username, group in [(FOCAL, "Focal point"), (SECRETARIAT, "Secretariat officer")]:
        user, created = get_user_model().objects.get_or_create(
            username=username, defaults={"email": f"{username}@example.org"}
        )
        if created:
            user.set_unusable_password()
            user.save(update_fields=["password"])
        user.groups.add(Group.objects.get(name=group))
        users.append(user)
    users[0].organisations.add(*organisations)
    return users[0], users[1]


# What the sample writes is planned in memory first, so that the funds, the highlights and the
# titles in one language are spread over all the activities before the narratives name them.


@dataclass
class SampleActivity:
    date: date
    kind: str
    title_en: str
    title_zh: str
    place: Place
    participants: int  # for a project: the Member States taking part
    common: bool = False  # a meeting or forum that several lines report
    fund: Fund | None = None
    amount: int | None = None
    highlight: bool = False
    language: str = ""  # "en" or "zh": its title and place recorded in that language only


@dataclass
class Report:
    """An owner's update on a line, or, with no state, a supporting owner that does not report."""

    line: ActionLine
    organisation: Organisation
    role: str
    state: str
    status: str | None
    lead: Organisation | None = None  # for a supporting owner
    activities: list[SampleActivity] = field(default_factory=list)
    cause: tuple[str, str] | None = None  # of REASONS: why it is not started, delayed or discontinued
    narrative_en: str = ""
    narrative_zh: str = ""
    reason_en: str = ""
    reason_zh: str = ""
    evidence: bool = False


class Sample:
    """The sample for one period, drawn from ``rng`` in a fixed order so that a seed gives one sample."""

    def __init__(
        self, plan: Plan, period: ReportingPeriod, today: date, rng: random.Random, every_line: bool
    ):
        self.plan, self.period, self.today, self.rng, self.every_line = plan, period, today, rng, every_line
        self.last_day = min(today, period.ends_on)
        acronym, name_en, name_zh = SECRETARIAT_BODY
        Organisation.objects.get_or_create(
            acronym=acronym,
            defaults={"name_en": name_en, "name_zh": name_zh, "kind": Organisation.Kind.SECRETARIAT},
        )
        self.organisations = Organisation.objects.in_bulk(field_name="acronym")
        self.funds = Fund.objects.in_bulk(field_name="acronym")
        self.statuses = Status.objects.in_bulk(field_name="code")
        self.common: dict[str, SampleActivity] = {}

    def load(self) -> None:
        reported, unreported = self.choose_lines()
        reports = self.plan_reports(reported)
        approved = [report for report in reports if report.state == StatusUpdate.State.APPROVED]
        self.spread(approved)
        self.write_narratives(approved)
        self.write_reasons(approved)
        for report in self.rng.sample(approved, len(approved) // 2):
            report.evidence = True
        reports += self.plan_pending(unreported)
        focal, secretariat = sample_users({report.organisation for report in reports if report.state})
        with open_while_writing(self.period):
            for report in reports:
                self.write(report, focal, secretariat)
        self.confirm_statuses(reports, secretariat)

    # The lines, their owners and statuses.

    def choose_lines(self) -> tuple[list[ActionLine], list[ActionLine]]:
        """The lines to report on, some in every pillar, and the lines of the pending updates."""
        updated = StatusUpdate.objects.in_period(self.period).values("line")
        lines = list(
            ActionLine.objects.for_plan(self.plan).in_source().exclude(pk__in=updated)
            .with_structure().in_code_order()
        )  # fmt: skip
        if self.every_line:
            return lines, []
        by_part = defaultdict(list)
        for line in lines:
            by_part[line.part.number].append(line)
        # A pillar of a single line may be reported whole; the others keep a line unreported.
        caps = {part: len(members) - (len(members) > 1) for part, members in by_part.items()}
        sizes = {part: len(members) for part, members in by_part.items()}
        wanted = apportion(sizes, min(REPORTED_LINES, sum(caps.values())), caps)
        chosen = {
            line.pk for part, members in by_part.items() for line in self.rng.sample(members, wanted[part])
        }
        reported = [line for line in lines if line.pk in chosen]
        others = [line for line in lines if line.pk not in chosen]
        pending = self.rng.sample(others, min(len(PENDING), len(others)))
        return reported, sorted(pending, key=lambda line: line.sort_key)

    def plan_reports(self, lines: list[ActionLine]) -> list[Report]:
        """The lead's report on each line, and some supporting owners, a few of them reporting too."""
        counts = apportion(STATUS_SHARES, len(lines))
        for code in counts:
            while counts[code] < MIN_PER_STATUS and counts["ongoing"] > MIN_PER_STATUS:
                counts[code], counts["ongoing"] = counts[code] + 1, counts["ongoing"] - 1
        statuses = [code for code, count in counts.items() for _number in range(count)]
        self.rng.shuffle(statuses)
        ownerships = owners_of(lines)
        reports = []
        for line, status in zip(lines, statuses, strict=True):
            lead = self.lead_for(line, ownerships[line.pk])
            report = Report(line, lead, Ownership.Role.LEAD, StatusUpdate.State.APPROVED, status)
            report.activities = self.activities_for(report)
            reports.append(report)
            if self.rng.random() >= SUPPORTING_OWNERS:
                continue
            supporting = self.supporting_for(lead, ownerships[line.pk])
            if supporting is None:
                continue
            report = Report(line, supporting, Ownership.Role.SUPPORTING, "", status, lead=lead)
            if status in ("ongoing", "completed") and self.rng.random() < SUPPORTING_REPORTS:
                report.state = StatusUpdate.State.APPROVED
                report.activities = self.activities_for(report)
            reports.append(report)
        return reports

    def plan_pending(self, lines: list[ActionLine]) -> list[Report]:
        """Updates the report must leave out: drafts, submissions and a returned one."""
        ownerships = owners_of(lines)
        reports = []
        for line, (state, status) in zip(lines, PENDING, strict=False):
            report = Report(
                line, self.lead_for(line, ownerships[line.pk]), Ownership.Role.LEAD, state, status
            )
            if state != StatusUpdate.State.DRAFT:
                report.activities = self.activities_for(report)[:1]
            report.cause = self.cause(report.status)
            report.narrative_en, report.narrative_zh = narrative(report, self)
            if self.needs_reason(report.status):
                report.reason_en, report.reason_zh = reason(report)
            reports.append(report)
        return reports

    def lead_for(self, line: ActionLine, ownerships: list[Ownership]) -> Organisation:
        """The line's confirmed lead; else its suggested lead, else its first suggested owner; else
        the body of its area, else the ASEAN Secretariat."""
        for ownership in ownerships:
            if ownership.state == Ownership.State.CONFIRMED and ownership.role == Ownership.Role.LEAD:
                return ownership.organisation
        for ownership in ownerships:  # the lead first
            if ownership.state == Ownership.State.SUGGESTED:
                return ownership.organisation
        rejected = {o.organisation.acronym for o in ownerships if o.state == Ownership.State.REJECTED}
        for acronym in (AREA_BODIES.get(area_key(line)), SECRETARIAT_BODY[0]):
            if acronym in self.organisations and acronym not in rejected:
                return self.organisations[acronym]
        raise CommandError(_("No owner found for line %(code)s.") % {"code": line.code})

    def supporting_for(self, lead: Organisation, ownerships: list[Ownership]) -> Organisation | None:
        """Another owner the line names; else the ASEAN Secretariat, or the ASEAN–China Centre when
        the Secretariat leads."""
        for ownership in ownerships:
            if ownership.organisation != lead and ownership.state != Ownership.State.REJECTED:
                return ownership.organisation
        rejected = {o.organisation.acronym for o in ownerships if o.state == Ownership.State.REJECTED}
        acronym = "ACC" if lead.acronym == SECRETARIAT_BODY[0] else SECRETARIAT_BODY[0]
        return self.organisations.get(acronym) if acronym not in rejected else None

    # Activities.

    def activities_for(self, report: Report) -> list[SampleActivity]:
        if report.status == "not-started":
            kinds = [Activity.Kind.MEETING]  # where the line was discussed
        else:
            count = self.rng.choices(list(ACTIVITIES_PER_UPDATE), list(ACTIVITIES_PER_UPDATE.values()))[0]
            if report.role == Ownership.Role.SUPPORTING:
                count = min(count, 2)
            kinds = self.rng.choices(list(KINDS), list(KINDS.values()), k=count)
        activities: list[SampleActivity] = []
        for kind in kinds:
            for _attempt in range(5):
                activity = self.activity(kind, report)
                if all(activity.title_en != other.title_en for other in activities):
                    activities.append(activity)
                    break
        return sorted(activities, key=lambda activity: activity.date)

    def activity(self, kind: str, report: Report) -> SampleActivity:
        """A meeting of the reporting body or a common one, or an activity on the line's topic."""
        body, rng = report.organisation, self.rng
        if kind == Activity.Kind.MEETING and is_meeting_body(body) and rng.random() < 0.55:
            return self.common_activity(body.acronym, kind, *body_meeting_titles(body), body_number(body))
        if kind == Activity.Kind.EVENT and is_forum(body) and rng.random() < 0.6:
            return self.common_activity(body.acronym, kind, *body_meeting_titles(body), body_number(body))
        if kind == Activity.Kind.MEETING and rng.random() < 0.15:
            title_en, title_zh, number = rng.choice(COMMON_MEETINGS)
            return self.common_activity(title_en, kind, title_en, title_zh, number)
        if kind == Activity.Kind.MEETING and body.kind == Organisation.Kind.ASEAN_BODY and rng.random() < 0.3:
            title_en = f"Consultation between the {dashed(body.name_en)} and China"
            title_zh = f"{body.name_zh or body.name_en}与中国磋商"
        else:
            title_en, title_zh = rng.choice(TITLES[kind])
        day = self.day()
        number = rng.randint(2, 12) + day.year - SUMMIT_YEAR
        topic = topic_of(report.line)
        values = {"title": topic.en, "zh": topic.zh, "nth": ordinal(number), "n": number}
        return SampleActivity(
            date=day, kind=kind, title_en=title_en.format(**values), title_zh=title_zh.format(**values),
            place=self.place(kind), participants=self.participants(kind),
        )  # fmt: skip

    def common_activity(
        self, key: str, kind: str, title_en: str, title_zh: str, number: int
    ) -> SampleActivity:
        """A meeting that every line reporting it reports alike: the same number, day and place."""
        if key not in self.common:
            day = self.day()
            number += day.year - SUMMIT_YEAR
            values = {"nth": ordinal(number), "n": number}
            self.common[key] = SampleActivity(
                date=day, kind=kind, title_en=title_en.format(**values), title_zh=title_zh.format(**values),
                place=self.place(kind), participants=self.participants(kind), common=True,
            )  # fmt: skip
        return dataclasses.replace(self.common[key])

    def day(self) -> date:
        """A day of the period up to today."""
        starts_on = self.period.starts_on
        return starts_on + timedelta(days=self.rng.randint(0, (self.last_day - starts_on).days))

    def day_ahead(self) -> date:
        """A day of the period in a month after this one."""
        first = (self.today.replace(day=1) + timedelta(days=32)).replace(day=1)
        if first > self.period.ends_on:
            return self.period.ends_on
        return first + timedelta(days=self.rng.randint(0, (self.period.ends_on - first).days))

    def place(self, kind: str) -> Place:
        where = self.rng.choices([ASEAN_PLACES, CHINA_PLACES, [ONLINE]], PLACE_WEIGHTS[kind])[0]
        return self.rng.choice(where)

    def participants(self, kind: str) -> int:
        if kind == Activity.Kind.PROJECT:
            return self.rng.randint(3, 8)
        return 5 * self.rng.randint(6, 40)

    def spread(self, reports: list[Report]) -> None:
        """Funds and amounts, highlights over the pillars, and titles in one language only."""
        rng = self.rng
        own = [
            (report.line, activity)
            for report in reports
            for activity in report.activities
            if not activity.common
        ]
        projects = [pair for pair in own if pair[1].kind in (Activity.Kind.PROJECT, Activity.Kind.TRAINING)]
        events = [pair for pair in own if pair[1].kind == Activity.Kind.EVENT]
        for number, acronym in enumerate(FUNDED):
            pool = events if number >= len(FUNDED) - FUNDED_EVENTS else projects
            pool = [(line, activity) for line, activity in pool if activity.fund is None]
            preferred = [(line, a) for line, a in pool if area_key(line) in FUND_AREAS.get(acronym, ())]
            if pool and acronym in self.funds:
                _line, activity = rng.choice(preferred or pool)
                activity.fund, activity.amount = self.funds[acronym], amount(rng)
        by_pillar = defaultdict(list)
        for line, activity in own:
            by_pillar[line.part.number].append(activity)
        highlights = 0
        while highlights < min(HIGHLIGHTS, len(own)):
            for pillar in sorted(by_pillar):
                pool = [activity for activity in by_pillar[pillar] if not activity.highlight]
                if pool and highlights < HIGHLIGHTS:
                    rng.choice(pool).highlight = True
                    highlights += 1
        plain = [activity for _line, activity in own if not activity.highlight]
        only_en, only_zh = TITLES_IN_ONE_LANGUAGE.values()
        for number, activity in enumerate(rng.sample(plain, min(only_en + only_zh, len(plain)))):
            activity.language = "en" if number < only_en else "zh"

    def cause(self, status: str | None) -> tuple[str, str] | None:
        """Why a line is not started, delayed or discontinued, or has another status that needs a reason."""
        if status in REASONS:
            return self.rng.choice(REASONS[status])
        return self.rng.choice(REASONS["delayed"]) if self.needs_reason(status) else None

    def needs_reason(self, status: str | None) -> bool:
        return status is not None and self.statuses[status].needs_reason

    def write_narratives(self, reports: list[Report]) -> None:
        """Both languages, but for a few reports in English only and a few in Chinese only."""
        for report in reports:
            report.cause = self.cause(report.status)
            report.narrative_en, report.narrative_zh = narrative(report, self)
        only_en, only_zh = NARRATIVES_IN_ONE_LANGUAGE.values()
        for number, report in enumerate(self.rng.sample(reports, min(only_en + only_zh, len(reports)))):
            if number < only_en:
                report.narrative_zh = ""
            else:
                report.narrative_en = ""

    def write_reasons(self, reports: list[Report]) -> None:
        """The reason of each report whose status needs one, in the languages of its narrative, and
        for a few more in English only or in Chinese only."""
        troubled = [report for report in reports if self.needs_reason(report.status)]
        for report in troubled:
            reason_en, reason_zh = reason(report)
            report.reason_en = reason_en if report.narrative_en else ""
            report.reason_zh = reason_zh if report.narrative_zh else ""
        both = [report for report in troubled if report.reason_en and report.reason_zh]
        only_en, only_zh = REASONS_IN_ONE_LANGUAGE.values()
        for number, report in enumerate(self.rng.sample(both, min(only_en + only_zh, len(both)))):
            if number < only_en:
                report.reason_zh = ""
            else:
                report.reason_en = ""

    # Writing it, as the owners and the secretariat would.

    def write(self, report: Report, focal, secretariat) -> None:
        confirm_owner(report.line, report.organisation, report.role, by=secretariat)
        if not report.state:
            return
        update = StatusUpdate.objects.create(
            line=report.line, period=self.period, organisation=report.organisation, author=focal,
            status=self.statuses[report.status] if report.status else None,
            narrative_en=report.narrative_en, narrative_zh=report.narrative_zh,
            reason_en=report.reason_en, reason_zh=report.reason_zh,
        )  # fmt: skip
        highlighted_at = timezone.now()
        for activity in report.activities:
            update.activities.create(**activity_fields(activity, report.organisation, highlighted_at))
        if report.evidence:
            update.evidence.create(**evidence_fields(report, self.period))
        if report.state != StatusUpdate.State.DRAFT:
            update.submit(by=focal)
        if report.state == StatusUpdate.State.APPROVED:
            update.approve(by=secretariat)
        elif report.state == StatusUpdate.State.RETURNED:
            update.return_for_changes(by=secretariat, comment=RETURN_COMMENT)

    def confirm_statuses(self, reports: list[Report], secretariat) -> None:
        """Confirm the lead's status of all but a few lines; of two completed lines, confirm "ongoing"."""
        leads = {
            r.line.pk: r.status
            for r in reports
            if r.role == Ownership.Role.LEAD and r.state == StatusUpdate.State.APPROVED
        }
        common = [pk for pk, status in leads.items() if status in ("ongoing", "completed", "planned")]
        unconfirmed = set(self.rng.sample(common, min(UNCONFIRMED_LINES, len(common))))
        completed = [pk for pk, status in leads.items() if status == "completed" and pk not in unconfirmed]
        differing = set(self.rng.sample(completed, min(COMPLETED_BUT_ONGOING, len(completed))))
        line_statuses = PeriodStatus.objects.filter(period=self.period, line__in=leads).exclude(
            line__in=unconfirmed
        )
        for line_status in line_statuses.select_related("proposed").order_by("line__sort_key"):
            if line_status.line_id in differing:
                line_status.confirm(by=secretariat, status=self.statuses["ongoing"], reason=DIFFERING_REASON)
            else:
                line_status.confirm(by=secretariat)


def owners_of(lines: list[ActionLine]) -> dict[int, list[Ownership]]:
    """Each line's ownerships in any state, the lead first."""
    by_line = defaultdict(list)
    for ownership in Ownership.objects.filter(line__in=lines).lead_first().select_related("organisation"):
        by_line[ownership.line_id].append(ownership)
    return by_line


def confirm_owner(line: ActionLine, organisation: Organisation, role: str, *, by) -> None:
    ownership, _created = Ownership.objects.get_or_create(
        line=line, organisation=organisation, defaults={"role": role, "state": Ownership.State.SUGGESTED}
    )
    if (ownership.state, ownership.role) != (Ownership.State.CONFIRMED, role):
        ownership.confirm(by=by, role=role)


def activity_fields(activity: SampleActivity, organisation: Organisation, highlighted_at) -> dict:
    en, zh = activity.language != "zh", activity.language != "en"
    return {
        "date": activity.date,
        "kind": activity.kind,
        "title_en": activity.title_en if en else "",
        "title_zh": activity.title_zh if zh else "",
        "place_en": activity.place.en if en else "",
        "place_zh": activity.place.zh if zh else "",
        "organisers": organisation.acronym,
        "fund": activity.fund,
        "amount_usd": Decimal(activity.amount) if activity.amount else None,
        "highlighted_at": highlighted_at if activity.highlight else None,
    }


def evidence_fields(report: Report, period: ReportingPeriod) -> dict:
    """A link to a document of the update's first activity."""
    first = report.activities[0]
    documents = DOCUMENTS[first.kind]
    document_en, document_zh = documents[first.participants % len(documents)]
    path = "/".join(
        [f"{period.starts_on.year}-{period.ends_on.year}", report.line.code,
         slugify(report.organisation.acronym), slugify(document_en)]
    )  # fmt: skip
    return {
        "title_en": f"{document_en} of the {first.title_en}",
        "title_zh": f"{first.title_zh}{document_zh}",
        "date": first.date,
        "link": f"https://example.org/sample/{path}",
    }


# The narratives: two or three sentences in each language, the first on the first activity, the
# next on the others, the last on where the line stands.


def narrative(report: Report, sample: Sample) -> tuple[str, str]:
    sentences = []
    if report.activities:
        first, *others = report.activities
        sentences.append(first_sentence(first, report.status))
        if others:
            sentences.append(later_sentence(others))
    sentences.append(status_sentence(report, sample))
    return " ".join(en for en, _zh in sentences), "".join(zh for _en, zh in sentences)


def reason(report: Report) -> tuple[str, str]:
    """Why the line is delayed or discontinued, in a sentence of its own: the report quotes it."""
    sentence_en, sentence_zh = REASON_SENTENCES.get(report.status, REASON_SENTENCES["delayed"])
    cause_en, cause_zh = report.cause
    return sentence_en.format(en=cause_en), sentence_zh.format(zh=cause_zh)


def first_sentence(activity: SampleActivity, status: str | None) -> tuple[str, str]:
    title_en, title_zh, place, day = activity.title_en, activity.title_zh, activity.place, activity.date
    if status == "not-started":
        return (
            f"The {title_en}, held {where_en(place)} on {day_en(day)}, discussed possible activities "
            "under this action line.",
            f"{day_zh(day)}{where_zh(place)}举行的{title_zh}讨论了该行动项下可开展的活动。",
        )
    count = activity.participants
    if activity.kind == Activity.Kind.PROJECT:
        tail_en, tail_zh = (
            f", involving partners in {count} ASEAN Member States",
            f"，{count}个东盟成员国的合作伙伴参与",
        )
    elif activity.kind == Activity.Kind.OTHER:
        tail_en, tail_zh = (
            f", for {count} officials from ASEAN Member States",
            f"，{count}名东盟成员国官员参加",
        )
    else:
        tail_en, tail_zh = (text.format(n=count) for text in ATTENDANCE[count % len(ATTENDANCE)])
    verb_en, verb_zh = verbs(activity)
    fund_en, fund_zh = funding(activity)
    if fund_en:  # "The Workshop on …, funded by … (USD 350,000), was held …"
        title_en = f"{title_en}{fund_en},"
    return (
        f"The {title_en} {verb_en} {where_en(place)} on {day_en(day)}{tail_en}.",
        f"{day_zh(day)}，{title_zh}{where_zh(place)}{verb_zh}{tail_zh}{fund_zh}。",
    )


def later_sentence(activities: list[SampleActivity]) -> tuple[str, str]:
    en = " and ".join(
        f"the {a.title_en} {where_en(a.place)} in {month_en(a.date)}{funding(a)[0]}" for a in activities
    )
    zh = "；".join(
        f"{a.title_zh}于{month_zh(a.date)}{where_zh(a.place)}{verbs(a)[1]}{funding(a)[1]}" for a in activities
    )
    return f"It was followed by {en}.", f"此后，{zh}。"


def status_sentence(report: Report, sample: Sample) -> tuple[str, str]:
    rng = sample.rng
    owner_en, owner_zh = body_names(report.organisation)
    if report.role == Ownership.Role.SUPPORTING:
        lead_en, lead_zh = body_names(report.lead)
        return (
            f"{capfirst(owner_en)} supported the lead body, {lead_en}, in preparing these activities.",
            f"{owner_zh}作为支持机构，协助牵头机构{lead_zh}筹备相关活动。",
        )
    topic = topic_of(report.line)
    # What comes next is not one of the activities already held.
    held = {activity.title_en for activity in report.activities}
    upcoming = [(en.format(title=topic.en), zh.format(zh=topic.zh)) for en, zh in NEXT_ACTIVITIES]
    next_en, next_zh = rng.choice([titles for titles in upcoming if titles[0] not in held] or upcoming)
    ahead = sample.day_ahead()
    jcc_en, jcc_zh = (
        "the next ASEAN–China Joint Cooperation Committee meeting",
        "下一次中国—东盟联合合作委员会会议",
    )
    choices = {
        "ongoing": [
            (f"Work under this action line is progressing as planned, and further activities will be "
             f"agreed at {jcc_en}.", f"该行动项下工作按计划推进，后续活动将在{jcc_zh}上商定。"),
            (f"Both sides agreed to continue the cooperation, with a follow-up {next_en} planned for "
             f"{month_en(ahead)}.", f"双方同意继续开展合作，拟于{month_zh(ahead)}举办后续{next_zh}。"),
        ],
        "completed": [
            ("All activities foreseen under this action line have been carried out, and the final report was "
             "submitted to the ASEAN–China Joint Cooperation Committee.",
             "该行动项下各项活动均已完成，总结报告已提交中国—东盟联合合作委员会。"),
            ("The action line is completed; its results were presented to senior officials of ASEAN Member "
             "States and China.", "该行动项已完成，成果已向东盟成员国和中国高官通报。"),
        ],
        "planned": [
            (f"{article(next_en)} {next_en} is planned for {month_en(ahead)}, and the concept note has been "
             "circulated to ASEAN Member States for comments.",
             f"拟于{month_zh(ahead)}举办{next_zh}，概念文件已分发东盟成员国征求意见。"),
            (f"{capfirst(owner_en)} is preparing a project proposal for the ASEAN–China Cooperation Fund, "
             f"to be submitted by {month_en(ahead)}.",
             f"{owner_zh}正在准备中国—东盟合作基金项目申请，拟于{month_zh(ahead)}前提交。"),
        ],
    }  # fmt: skip
    if report.status in REASONS:
        reason_en, reason_zh = report.cause
        planned_for = sample.day()
        choices = {
            "not-started": [
                (f"Implementation has not yet started because {reason_en}; {owner_en} will put forward a "
                 f"project proposal by {month_en(ahead)}.",
                 f"由于{reason_zh}，该行动项尚未启动；{owner_zh}将于{month_zh(ahead)}前提出项目建议。"),
            ],
            "delayed": [
                (f"The {next_en} originally planned for {month_en(planned_for)} has been postponed because "
                 f"{reason_en}; a new date will be proposed at {jcc_en}.",
                 f"原定于{month_zh(planned_for)}举办的{next_zh}已推迟，原因是{reason_zh}，新的日期将在{jcc_zh}上提出。"),
            ],
            "discontinued": [
                (f"Both sides agreed not to pursue the planned follow-up activities because {reason_en}.",
                 f"经双方商定，原计划的后续活动不再开展，原因是{reason_zh}。"),
            ],
        }  # fmt: skip
    # A draft without a status yet reads as a plan.
    return rng.choice(choices[report.status or "planned"])


def verbs(activity: SampleActivity) -> tuple[str, str]:
    verb_en, verb_zh = VERBS[activity.kind]
    if activity.title_en.endswith("Consultations"):
        verb_en = "were held"
    return verb_en, verb_zh


def funding(activity: SampleActivity) -> tuple[str, str]:
    """Who paid, as a clause set off by commas: ", funded by … (USD 350,000)" and "，获……支持35万美元"."""
    if activity.fund is None:
        return "", ""
    usd_en, usd_zh = f"USD {activity.amount:,}", f"{activity.amount / 10_000:g}万美元"
    if activity.fund.acronym == "OTHER":
        return f", funded by the host government ({usd_en})", f"，由东道国政府出资{usd_zh}"
    return f", funded by the {activity.fund.name_en} ({usd_en})", f"，获{activity.fund.name_zh}支持{usd_zh}"


def where_en(place: Place) -> str:
    return "online" if place == ONLINE else f"in {place.en}"


def where_zh(place: Place) -> str:
    return "以视频方式" if place == ONLINE else f"在{place.zh}"


def day_en(day: date) -> str:
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


def day_zh(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def month_en(day: date) -> str:
    return f"{MONTHS[day.month - 1]} {day.year}"


def month_zh(day: date) -> str:
    return f"{day.year}年{day.month}月"


def article(text: str) -> str:
    return "An" if text[0] in "AEIOU" else "A"


def body_names(organisation: Organisation) -> tuple[str, str]:
    """The body's name in a sentence: "the ASEAN Secretariat", but "Viet Nam"."""
    name_en = dashed(organisation.name_en)
    if organisation.kind != Organisation.Kind.MEMBER_STATE:
        name_en = f"the {name_en}"
    return name_en, organisation.name_zh or organisation.name_en


def dashed(name: str) -> str:
    """The seeds write "ASEAN-China"; the sample's texts write the en dash, as the funds' names do."""
    return name.replace("ASEAN-China", "ASEAN–China").replace("China-ASEAN", "China–ASEAN")


def is_meeting_body(organisation: Organisation) -> bool:
    name = organisation.name_en
    return (
        organisation.kind == Organisation.Kind.MECHANISM
        and any(word in name for word in MEETING_WORDS)
        and not is_forum(organisation)
    )


def is_forum(organisation: Organisation) -> bool:
    name = organisation.name_en
    return organisation.kind == Organisation.Kind.MECHANISM and any(word in name for word in FORUM_WORDS)


def body_meeting_titles(organisation: Organisation) -> tuple[str, str]:
    """The body's meeting, or its forum, with a number to fill in: "{nth} ASEAN-China Summit"."""
    name_en, name_zh = dashed(organisation.name_en), organisation.name_zh or organisation.name_en
    if name_en.endswith("Committee"):
        name_en, name_zh = f"{name_en} Meeting", f"{name_zh}会议"
    return "{nth} " + name_en, ("第{n}届" if is_forum(organisation) else "第{n}次") + name_zh


def body_number(organisation: Organisation) -> int:
    """The number of the body's meeting in SUMMIT_YEAR: the Summit's, or one that stays the same
    whatever the seed draws."""
    if organisation.acronym == "ASEAN-China Summit":
        return SUMMIT_NUMBER
    return random.Random(organisation.acronym).randint(3, 25)


def area_key(line: ActionLine) -> str:
    """The line's area code, or its pillar's number when it has no area (5.1, 6.1–6.3)."""
    return line.area.code if line.area_id else str(line.part.number)


def topic_of(line: ActionLine) -> Topic:
    if topic := TOPICS.get(area_key(line)):
        return topic
    source = line.area or line.part
    words = source.title_en.split()
    title = " ".join(
        word if number and word in SMALL_WORDS else word[:1].upper() + word[1:]
        for number, word in enumerate(words)
    )
    return Topic(title, source.title_zh or title)


def ordinal(number: int) -> str:
    suffix = "th" if 10 <= number % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(number % 10, "th")
    return f"{number}{suffix}"


def amount(rng: random.Random) -> int:
    """US dollars between 50,000 and 3,000,000, most of them small, in thousands."""
    return int(round(math.exp(rng.uniform(math.log(50_000), math.log(3_000_000))), -3))


def apportion(weights: dict, total: int, caps: dict | None = None) -> dict:
    """``total`` split in proportion to ``weights`` by the largest remainders, none above its cap."""
    caps = caps or dict.fromkeys(weights, total)
    exact = {key: total * weight / sum(weights.values()) for key, weight in weights.items()}
    shares = {key: min(int(value), caps[key]) for key, value in exact.items()}
    while sum(shares.values()) < total:
        open_keys = [key for key in shares if shares[key] < caps[key]]
        if not open_keys:
            break
        best = max(open_keys, key=lambda key: exact[key] - shares[key])
        shares[best] += 1
    return shares
