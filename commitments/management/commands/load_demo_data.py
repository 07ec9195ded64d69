"""A little living demo data for the 2026–2030 plan, reported by the demo accounts.

The meetings, workshops and links are invented for the demo, drawn from the texts of the lines
they report on; the links point at example.org.
"""

from __future__ import annotations

from collections import Counter
from datetime import date
from decimal import Decimal
from typing import NamedTuple

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils.translation import gettext as _

from commitments.models import (
    ActionLine,
    Fund,
    Ownership,
    PeriodStatus,
    Plan,
    ReportingPeriod,
    Status,
    StatusUpdate,
)

from .create_demo_accounts import demo_organisation

PLAN = "poa-2026-2030"
# Fixed dates around the demo's "today" (late November 2026), so the demo reads the same on every
# machine: the period is under way and its deadline under two weeks ahead, inside send_reminders'
# default window, so the reminders and the review queue have something to do.
PERIOD = {
    "label": "2026–2027",
    "starts_on": date(2026, 7, 1),
    "ends_on": date(2027, 6, 30),
    "deadline": date(2026, 12, 4),
    "meeting_en": "the 30th ASEAN–China Summit, October 2027",
    "meeting_zh": "第30次中国—东盟领导人会议",
}

LEAD, SUPPORTING = Ownership.Role.LEAD, Ownership.Role.SUPPORTING
# (line, organisation, role): lines that name their mechanism, the transport lines of ATM+China
# above all, which the demo focal point reports on.
CONFIRMED_OWNERS = [
    ("1.4.5", "SOM-DOC", LEAD), ("1.4.5", "JWG-DOC", SUPPORTING),
    ("2.8.1", "ATM+China", LEAD), ("2.8.1", "ASEC", SUPPORTING),
    ("2.8.2", "ATM+China", LEAD), ("2.8.3", "ATM+China", LEAD), ("2.8.5", "ATM+China", LEAD),
    ("2.8.6", "ATM+China", LEAD),
    ("2.8.7", "ACCC", LEAD), ("2.8.7", "ATM+China", SUPPORTING),
    ("6.3", "ASEC", LEAD),
]  # fmt: skip
# Left for the secretariat to confirm or reject.
SUGGESTED_OWNERS = [("2.8.4", "ATM+China", LEAD), ("4.2.1", "ACCC", LEAD), ("6.1", "ASEC", LEAD)]


class DemoActivity(NamedTuple):
    date: date
    title_en: str
    title_zh: str
    kind: str
    place_en: str
    place_zh: str
    organisers: str
    fund: str = ""  # the fund's acronym
    amount_usd: Decimal | None = None


class DemoEvidence(NamedTuple):
    date: date
    title_en: str
    title_zh: str
    link: str


class DemoUpdate(NamedTuple):
    line: str
    organisation: str
    author: str
    status: str | None
    # Verbs in order: submit, approve, return (with the comment), edit (appending the English text).
    moves: tuple[tuple[str, str], ...]
    narrative_en: str = ""
    narrative_zh: str = ""
    # Why the line is delayed or discontinued: submitting such an update needs one.
    reason_en: str = ""
    reason_zh: str = ""
    activities: tuple[DemoActivity, ...] = ()
    evidence: tuple[DemoEvidence, ...] = ()


SUBMIT, APPROVE = ("submit", ""), ("approve", "")
UPDATES = [
    DemoUpdate(
        "2.8.1", "ATM+China", "focal", "ongoing", (SUBMIT, APPROVE),
        narrative_en=(
            "The ATM+China met in Manila on 13 November 2026 and adopted the ASEAN-China Transport "
            "Cooperation Work Plan 2026–2027, covering policy dialogue on land, maritime and air transport."
        ),
        narrative_zh="中国—东盟交通部长会议于2026年11月13日在马尼拉召开，通过《2026—2027年中国—东盟交通合作工作计划》，涵盖陆路、海运和航空政策对话。",
        activities=(DemoActivity(date(2026, 11, 13), "ASEAN-China Transport Ministers' Meeting",
                                 "中国—东盟交通部长会议", "meeting", "Manila", "马尼拉",
                                 "ASEAN Secretariat; Ministry of Transport of China"),),
        evidence=(DemoEvidence(date(2026, 11, 13), "Joint media statement of the ATM+China",
                               "中国—东盟交通部长会议联合新闻声明",
                               "https://example.org/demo/atm-china-2026-joint-media-statement"),),
    ),
    DemoUpdate(
        "2.8.2", "ATM+China", "focal", "ongoing",
        (SUBMIT, ("return", "Please name the air services meetings held this period, with their dates."),
         ("edit", "The air transport working group met online on 8 October 2026."), SUBMIT),
        narrative_en=(
            "ASEAN and Chinese aviation authorities exchanged views on expanding air services between and "
            "beyond ASEAN and China, including more fifth-freedom traffic rights for cargo."
        ),
        activities=(DemoActivity(date(2026, 10, 8), "ASEAN-China air transport working group",
                                 "中国—东盟航空运输工作组会议", "meeting", "Online", "线上", "ATM+China"),),
    ),
    DemoUpdate(
        "2.8.3", "ATM+China", "focal", "delayed", (SUBMIT,),
        narrative_en=(
            "A workshop on sustainable and smart shipping solutions for the ASEAN Single Shipping Market "
            "was held in Guangzhou; a joint study on green port standards is planned for 2027."
        ),
        reason_en=(
            "The joint study on green port standards, first planned to start in 2026, is waiting for the "
            "ASEAN-China Cooperation Fund to approve its funding."
        ),
        reason_zh="绿色港口标准联合研究原计划于2026年启动，目前正等待中国—东盟合作基金批准资金支持。",
        activities=(DemoActivity(date(2026, 8, 19), "Workshop on sustainable and smart shipping",
                                 "可持续和智慧航运研讨会", "training", "Guangzhou", "广州",
                                 "Ministry of Transport of China; ASEAN Secretariat",
                                 fund="ACCF", amount_usd=Decimal("120000")),),
        evidence=(DemoEvidence(date(2026, 8, 21), "Workshop report", "研讨会报告",
                               "https://example.org/demo/smart-shipping-workshop-report"),),
    ),
    DemoUpdate(
        "2.8.5", "ATM+China", "focal", "completed",
        (SUBMIT, ("return", "Protocol 3 is not yet in force for every Member State, so 'Completed' seems "
                            "early. Please say which Member States have ratified it, or choose 'Ongoing'.")),
        narrative_en="Protocols 1, 2 and 3 of the ASEAN-China Air Transport Agreement are implemented.",
        narrative_zh="《中国—东盟航空运输协定》第1、2及3议定书已全部落实。",
    ),
    DemoUpdate(
        "2.8.6", "ATM+China", "focal", None, (),
        narrative_zh="拟于2027年上半年举办可持续航空燃料能力建设研讨班，正与中国—东盟合作基金商谈资金支持。",
    ),
    DemoUpdate(
        "2.8.7", "ACCC", "focal", "ongoing", (SUBMIT, APPROVE),
        narrative_zh="2026年10月东盟互联互通协调委员会与中方在雅加达举行对话会，交流铁路、公路、港口和机场互联互通项目进展。",
        activities=(DemoActivity(date(2026, 10, 15), "ACCC-China Dialogue",
                                 "东盟互联互通协调委员会与中国对话会", "meeting", "Jakarta", "雅加达",
                                 "东盟秘书处"),),
        evidence=(DemoEvidence(date(2026, 10, 15), "Summary of the dialogue", "对话会纪要",
                               "https://example.org/demo/accc-china-2026-summary"),),
    ),
    DemoUpdate(
        "1.4.5", "SOM-DOC", "focal-other", "ongoing", (SUBMIT, APPROVE),
        narrative_en=(
            "The SOM-DOC met in October 2026 as scheduled and reviewed the implementation of the DOC, "
            "on the basis of the JWG-DOC's report."
        ),
        narrative_zh="落实《宣言》高官会于2026年10月如期举行，在联合工作组报告基础上评估了《宣言》落实情况。",
        activities=(DemoActivity(date(2026, 10, 22), "ASEAN-China SOM-DOC", "落实《宣言》高官会", "meeting",
                                 "Manila", "马尼拉", "SOM-DOC"),),
        evidence=(DemoEvidence(date(2026, 10, 22), "Chair's summary", "主席总结",
                               "https://example.org/demo/som-doc-2026-chairs-summary"),),
    ),
    DemoUpdate(
        "1.4.5", "JWG-DOC", "focal-other", "ongoing", (SUBMIT, APPROVE),
        narrative_zh="落实《宣言》联合工作组于2026年9月召开会议，为高官会准备报告。",
        # Recorded in Chinese only, as a focal point may: the English pages mark it untranslated.
        activities=(DemoActivity(date(2026, 9, 10), "", "落实《宣言》联合工作组会议", "meeting", "", "昆明",
                                 "JWG-DOC"),),
    ),
]  # fmt: skip
# Lines whose lead's approved status the secretariat has confirmed (True) or not yet (False).
LINE_STATUSES = {"2.8.1": True, "2.8.7": True, "1.4.5": False}


class Command(BaseCommand):
    help = (
        f"Load a little demo tracking data for {PLAN}: a reporting period, owners, status updates in "
        "every state with activities and evidence, and line statuses. Needs the demo accounts "
        "(create_demo_accounts). Safe to run again: it loads nothing if the demo period exists."
    )

    def handle(self, *args, **options):
        plan = Plan.objects.filter(code=PLAN).first()
        if plan is None:
            self.stdout.write(
                _("The plan %(plan)s is not imported (run import_seeds); no demo data loaded.")
                % {"plan": PLAN}
            )
            return
        if plan.periods.filter(label=PERIOD["label"]).exists():
            self.stdout.write(_("Demo data already present; nothing loaded."))
            return
        if plan.periods.exists():
            self.stdout.write(
                _("%(plan)s already has reporting periods; no demo data loaded.") % {"plan": PLAN}
            )
            return
        with transaction.atomic():
            counts = load(plan, demo_users())
        self.stdout.write(
            _(
                "Demo data loaded: %(periods)d reporting period, %(owners)d confirmed owners, %(suggested)d "
                "suggested, %(updates)d status updates (%(draft)d draft, %(submitted)d submitted, "
                "%(returned)d returned, %(approved)d approved), %(activities)d activities, %(evidence)d "
                "evidence links, %(line_statuses)d line statuses (%(confirmed)d confirmed)."
            )
            % counts
        )


def demo_users() -> dict:
    users = get_user_model().objects.in_bulk(["secretariat", "focal", "focal-other"], field_name="username")
    if len(users) < 3:
        raise CommandError(_("The demo accounts are missing; run create_demo_accounts first."))
    return users


def load(plan: Plan, users: dict) -> Counter:
    counts = Counter()
    codes = {code for code, *_rest in CONFIRMED_OWNERS + SUGGESTED_OWNERS}
    lines = {line.code: line for line in ActionLine.objects.for_plan(plan).filter(code__in=codes)}
    if missing := codes - lines.keys():
        raise CommandError(
            _("Lines missing from %(plan)s: %(codes)s.") % {"plan": PLAN, "codes": sorted(missing)}
        )
    period = ReportingPeriod.objects.create(plan=plan, is_open=True, **PERIOD)
    counts["periods"] = 1
    add_owners(lines, users["secretariat"], counts)
    for demo in UPDATES:
        add_update(demo, lines[demo.line], period, users, counts)
    for code, confirmed in LINE_STATUSES.items():
        add_line_status(lines[code], period, users["secretariat"] if confirmed else None, counts)
    return counts


def add_owners(lines: dict[str, ActionLine], secretariat, counts: Counter) -> None:
    """Confirm the demo's owners and add the suggestions; owners from seeds/ are taken as they are."""
    for code, acronym, role in CONFIRMED_OWNERS:
        ownership, _created = Ownership.objects.get_or_create(
            line=lines[code],
            organisation=demo_organisation(acronym),
            defaults={"role": role, "state": Ownership.State.SUGGESTED},
        )
        if ownership.state != Ownership.State.CONFIRMED:
            ownership.confirm(by=secretariat, role=role)
        counts["owners"] += 1
    for code, acronym, role in SUGGESTED_OWNERS:
        ownership, _created = Ownership.objects.get_or_create(
            line=lines[code],
            organisation=demo_organisation(acronym),
            defaults={"role": role, "state": Ownership.State.SUGGESTED},
        )
        counts["suggested"] += ownership.state == Ownership.State.SUGGESTED


def add_update(
    demo: DemoUpdate, line: ActionLine, period: ReportingPeriod, users: dict, counts: Counter
) -> None:
    """Create the update as its author would and move it through the model's verbs."""
    update = StatusUpdate.objects.create(
        line=line,
        period=period,
        organisation=demo_organisation(demo.organisation),
        author=users[demo.author],
        status=Status.objects.get(code=demo.status) if demo.status else None,
        narrative_en=demo.narrative_en,
        narrative_zh=demo.narrative_zh,
        reason_en=demo.reason_en,
        reason_zh=demo.reason_zh,
    )
    for activity in demo.activities:
        fund = Fund.objects.get(acronym=activity.fund) if activity.fund else None
        update.activities.create(**activity._asdict() | {"fund": fund})
    for evidence in demo.evidence:
        update.evidence.create(**evidence._asdict())
    for verb, text in demo.moves:
        move(update, verb, text, author=users[demo.author], reviewer=users["secretariat"])
    counts.update(
        {"updates": 1, update.state: 1, "activities": len(demo.activities), "evidence": len(demo.evidence)}
    )


def move(update: StatusUpdate, verb: str, text: str, *, author, reviewer) -> None:
    if verb == "submit":
        update.submit(by=author)
    elif verb == "approve":
        update.approve(by=reviewer, comment=text)
    elif verb == "return":
        update.return_for_changes(by=reviewer, comment=text)
    else:
        update.narrative_en = f"{update.narrative_en} {text}".strip()
        update.save_edit(["narrative_en"], expected_version=update.version)


def add_line_status(line: ActionLine, period: ReportingPeriod, confirmed_by, counts: Counter) -> None:
    """Propose the lead owner's approved status for the line; confirm it when ``confirmed_by`` is given."""
    lead = Ownership.objects.confirmed().get(line=line, role=Ownership.Role.LEAD)
    update = StatusUpdate.objects.approved().in_period(period).get(line=line, organisation=lead.organisation)
    line_status, _created = PeriodStatus.objects.get_or_create(
        line=line, period=period, defaults={"proposed": update.status}
    )
    counts["line_statuses"] += 1
    if confirmed_by:
        line_status.confirm(by=confirmed_by)
        counts["confirmed"] += 1
