"""Floors: each measured page done the cheapest honest way, to hold the real page against.

A floor reads the same rows as its page with raw SQL (``connection.cursor()``) and writes the
same visible content through one small template of its own (``bench/templates/floors/``), with no
forms, filters, tables or querysets in between. What is left is what any page costs: the same
middleware (session, user, CSRF, security headers), the same Django template engine and the same
formatting of dates. ``bench/ratios.py`` requests each page and its floor alternately and prints
the ratio; it also checks that both show the same text.

They serve the benchmark's reader (a reviewer, in English), the unfiltered register, the
dashboard and a line page: enough to measure, not a second application. Mounted only by the
URLconf below, which ``bench/ratios.py`` swaps in with ``override_settings(ROOT_URLCONF=...)``.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from pathlib import Path
from urllib.parse import urlencode

from django.db import connection
from django.http import Http404, HttpResponse
from django.middleware.csrf import get_token
from django.template import Context, Engine
from django.urls import include, path
from django.utils import timezone

from commitments.charts import status_chart_svg
from commitments.models import Activity

ENGINE = Engine(dirs=[Path(__file__).resolve().parent / "templates"], autoescape=True)
PER_PAGE = 50
SHORT = 120
OWNERS_PER_PAGE = 25

# The menu: (permission needed or None, URL, label), as templates/base.html has it.
MENU = [
    (None, "/", "Register"),
    (None, "/dashboard/", "Dashboard"),
    (None, "/reports/", "Progress report"),
    (None, "/plans/", "Plans"),
    ("commitments.change_statusupdate", "/my-lines/", "My lines"),
    ("commitments.review_statusupdate", "/review/", "Review"),
    ("commitments.change_ownership", "/owners/suggestions/", "Owner suggestions"),
    ("commitments.manage_people", "/people/", "People"),
    ("commitments.change_organisation", "/organisations/", "Organisations"),
    ("commitments.change_reportingperiod", "/reminders/", "Reminders"),
    ("commitments.unlock_account", "/accounts/locked/", "Locked accounts"),
]


def rows(sql: str, params=()) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def permissions(user) -> set[str]:
    """The user's permissions, their own and their groups', in one query."""
    if user.is_superuser:
        return {permission for permission, _url, _label in MENU if permission}
    return {
        f"{app}.{codename}"
        for app, codename in rows(
            """SELECT ct.app_label, p.codename FROM auth_permission p
               JOIN django_content_type ct ON ct.id = p.content_type_id
               WHERE p.id IN (SELECT permission_id FROM auth_user_user_permissions WHERE user_id = %s
                              UNION SELECT gp.permission_id FROM auth_group_permissions gp
                              JOIN auth_user_groups ug ON ug.group_id = gp.group_id WHERE ug.user_id = %s)""",
            [user.pk, user.pk],
        )
    }


def render(request, template: str, context: dict) -> HttpResponse:
    """The page in the floor's chrome: the menu the user's permissions give, the language and
    log-out forms (the menu's counts are for the roles the benchmark's reader does not have)."""
    perms = permissions(request.user)
    context |= {
        "menu": [(url, label) for needed, url, label in MENU if needed is None or needed in perms],
        "perms": perms,
        "user": request.user,
        "csrf_token": get_token(request),
        "path": request.get_full_path(),
    }
    return HttpResponse(ENGINE.get_template(template).render(Context(context)))


def localized(en: str, zh: str) -> str:
    return en or zh


def plans_with_counts() -> list[dict]:
    return [
        {"id": pk, "code": code, "kind": kind, "title": localized(en, zh), "lines": lines}
        for pk, code, kind, en, zh, lines in rows(
            """SELECT p.id, p.code, p.kind, p.title_en, p.title_zh,
                      (SELECT COUNT(*) FROM commitments_actionline l
                       WHERE l.plan_id = p.id AND l.missing_from_source_since IS NULL)
               FROM commitments_plan p ORDER BY p.first_year DESC, p.code"""
        )
    ]


def chosen_plan(plans: list[dict], code: str | None) -> dict:
    plan = next((p for p in plans if p["code"] == code), None) if code else None
    plan = plan or next((p for p in plans if p["kind"] == "plan" and p["lines"]), None)
    if plan is None:
        raise Http404
    return plan


def periods_of(plan_id: int) -> list[dict]:
    return [
        dict(zip(["id", "label", "starts_on", "ends_on", "deadline", "is_open"], row, strict=True))
        for row in rows(
            """SELECT id, label, starts_on, ends_on, deadline, is_open FROM commitments_reportingperiod
               WHERE plan_id = %s ORDER BY starts_on DESC""",
            [plan_id],
        )
    ]


def current(periods: list[dict]) -> dict | None:
    return next((p for p in periods if p["is_open"]), None) or max(
        periods, key=lambda p: p["ends_on"], default=None
    )


def statuses() -> list[dict]:
    return [
        {"id": pk, "code": code, "label": localized(en, zh), "colour": colour, "implemented": done}
        for pk, code, en, zh, colour, done in rows(
            """SELECT id, code, label_en, label_zh, colour, counts_as_implemented FROM commitments_status
               ORDER BY "order", code"""
        )
    ]


# The register, unfiltered: a page of lines with the filter form's choices.


def register(request):
    plans = plans_with_counts()
    plan = chosen_plan(plans, request.GET.get("plan"))
    periods = periods_of(plan["id"])
    period = current(periods)
    parts = rows(
        "SELECT id, code, title_en, title_zh FROM commitments_part WHERE plan_id = %s ORDER BY number",
        [plan["id"]],
    )
    areas = rows(
        "SELECT id, code, title_en, title_zh FROM commitments_area WHERE plan_id = %s ORDER BY sort_key",
        [plan["id"]],
    )
    status_list = statuses()
    organisations = [a for (a,) in rows("SELECT acronym FROM commitments_organisation ORDER BY acronym")]
    page = int(request.GET.get("page", 1))
    lines = rows(
        """SELECT l.id, l.code, l.text_en, l.text_zh, pa.code, pa.title_en, pa.title_zh, a.code, a.title_en,
                  a.title_zh,
                  (SELECT ps.status_id FROM commitments_periodstatus ps
                   JOIN commitments_reportingperiod rp ON rp.id = ps.period_id
                   WHERE ps.line_id = l.id AND ps.confirmed_at IS NOT NULL
                   ORDER BY rp.ends_on DESC, rp.starts_on DESC, ps.id DESC LIMIT 1),
                  (SELECT MAX(u.updated_at) FROM commitments_statusupdate u
                   WHERE u.line_id = l.id AND u.state <> 'draft')
           FROM commitments_actionline l JOIN commitments_part pa ON pa.id = l.part_id
           LEFT JOIN commitments_area a ON a.id = l.area_id
           WHERE l.plan_id = %s AND l.missing_from_source_since IS NULL
           ORDER BY l.sort_key LIMIT %s OFFSET %s""",
        [plan["id"], PER_PAGE, (page - 1) * PER_PAGE],
    )
    owners = defaultdict(list)
    if lines:
        marks = ", ".join(["%s"] * len(lines))
        for line_id, role, acronym, en, zh in rows(
            f"""SELECT o.line_id, o.role, org.acronym, org.name_en, org.name_zh FROM commitments_ownership o
                JOIN commitments_organisation org ON org.id = o.organisation_id
                WHERE o.state = 'confirmed' AND o.line_id IN ({marks})
                ORDER BY CASE WHEN o.role = 'lead' THEN 0 ELSE 1 END, org.acronym""",
            [line[0] for line in lines],
        ):
            owners[line_id].append((role, f"{localized(en, zh)} ({role.capitalize()})", acronym))
    by_status = {status["id"]: status for status in status_list}
    table = []
    for pk, code, text_en, text_zh, part, part_en, part_zh, area, area_en, area_zh, status, updated in lines:
        text = text_en or text_zh
        table.append({
            "code": code, "text": text, "lang": "en" if text_en or not text_zh else "zh-Hans",
            "fallback": not text_en and bool(text_zh),
            "short": text if len(text) <= SHORT else text[:117].rstrip() + "…",
            "part": part, "part_title": localized(part_en, part_zh),
            "area": area, "area_title": localized(area_en or "", area_zh or ""),
            "owners": owners[pk], "status": by_status.get(status), "updated": updated,
        })  # fmt: skip
    total = plan["lines"]
    query = f"plan={plan['code']}"
    pages = -(-total // PER_PAGE)
    context = {
        "plan": plan, "plans": plans, "period": period, "periods": periods, "statuses": status_list,
        "parts": [(pk, f"{code}. {localized(en, zh)}") for pk, code, en, zh in parts],
        "areas": [(pk, f"{code} {localized(en, zh)}") for pk, code, en, zh in areas],
        "organisations": organisations, "lines": table, "total": total, "query": query,
        "pages": [(n, n == page) for n in range(1, pages + 1)], "next": page + 1 if page < pages else None,
        "previous": page - 1 if page > 1 else None, "short": SHORT,
    }  # fmt: skip
    return render(request, "floors/register.html", context)


# The dashboard: the plan's lines by status in the period, per pillar, area and owner.


class Row:
    """A row of the dashboard's tables, as the floor's template reads it."""

    def __init__(self, label, counts, previous, without_update, statuses, link, filters):
        self.label, self.counts = label, counts
        implemented = {s["id"] for s in statuses if s["implemented"]}
        self.total = sum(counts.values())
        self.implemented = sum(n for pk, n in counts.items() if pk in implemented)
        self.share = round(100 * self.implemented / self.total) if self.total else None
        self.share_delta = None
        if previous is not None and sum(previous.values()) and self.share is not None:
            before = sum(n for pk, n in previous.items() if pk in implemented)
            self.share_delta = signed(self.share - round(100 * before / sum(previous.values())))
        self.without_update = without_update
        self.cells = [
            (
                counts.get(pk, 0),
                None if previous is None else signed(counts.get(pk, 0) - previous.get(pk, 0)),
                link(filters, period_status=code),
            )
            for pk, code in [*((s["id"], s["code"]) for s in statuses), (None, "none")]
        ]
        self.total_url = link(filters)
        self.without_update_url = link(filters, state="none")


def signed(delta: int) -> str:
    return "±0" if delta == 0 else f"+{delta}" if delta > 0 else f"−{-delta}"


def tally(plan_id: int, period_id: int) -> dict:
    """(part, area) → (lines per status pk or None, lines without an update), in one query."""
    result: dict = {}
    for part, area, status, has_update, count in rows(
        """SELECT part_id, area_id, status, has_update, COUNT(*) FROM (
             SELECT l.part_id, l.area_id,
                    (SELECT ps.status_id FROM commitments_periodstatus ps WHERE ps.line_id = l.id
                     AND ps.period_id = %s AND ps.confirmed_at IS NOT NULL LIMIT 1) AS status,
                    EXISTS (SELECT 1 FROM commitments_statusupdate u WHERE u.line_id = l.id
                            AND u.period_id = %s) AS has_update
             FROM commitments_actionline l WHERE l.plan_id = %s AND l.missing_from_source_since IS NULL
           ) lines GROUP BY part_id, area_id, status, has_update""",
        [period_id, period_id, plan_id],
    ):
        counts, silent = result.get((part, area), (Counter(), 0))
        counts[status] += count
        result[part, area] = (counts, silent + (0 if has_update else count))
    return result


def dashboard(request):
    plans = [p for p in plans_with_counts() if p["lines"]]
    plan = chosen_plan(plans, request.GET.get("plan"))
    periods = periods_of(plan["id"])
    period = next((p for p in periods if str(p["id"]) == request.GET.get("period")), None) or current(periods)
    status_list = statuses()
    earlier = [p for p in periods if p["ends_on"] <= period["starts_on"]]
    previous = max(earlier, key=lambda p: (p["ends_on"], p["starts_on"]), default=None)
    now = tally(plan["id"], period["id"])
    before = tally(plan["id"], previous["id"]) if previous else None
    parts = rows(
        "SELECT id, code, title_en, title_zh FROM commitments_part WHERE plan_id = %s ORDER BY number",
        [plan["id"]],
    )
    areas = rows(
        """SELECT id, part_id, code, title_en, title_zh FROM commitments_area WHERE plan_id = %s
           ORDER BY sort_key""",
        [plan["id"]],
    )
    base = "/?" + urlencode({"plan": plan["code"], "period": period["id"]})

    def link(filters, **more):
        if filters is None:
            return None
        return base + "".join(f"&{name}={value}" for name, value in {**filters, **more}.items())

    def row(label, keys, filters):
        counts, silent = Counter(), 0
        for key in keys:
            counts.update(now[key][0])
            silent += now[key][1]
        earlier_counts = None
        if before is not None:
            earlier_counts = Counter()
            for key in keys:
                earlier_counts.update(before.get(key, (Counter(), 0))[0])
        return Row(label, counts, earlier_counts, silent, status_list, link, filters)

    overall = row("All lines", list(now), {})
    by_part, by_area = [], []
    for pk, code, en, zh in parts:
        keys = [key for key in now if key[0] == pk]
        if not keys:
            continue
        name = f"{code}. {localized(en, zh)}"
        by_part.append(row(name, keys, {"part": pk}))
        own = [(a, acode, aen, azh) for a, part, acode, aen, azh in areas if part == pk and (pk, a) in now]
        group = []
        for area, acode, aen, azh in own:
            group.append(row(f"{acode} {localized(aen, azh)}", [(pk, area)], {"part": pk, "area": area}))
        if (pk, None) in now:
            group.append(row("Outside any area", [(pk, None)], None if own else {"part": pk}))
        by_area.append((name, group))
    past_deadline = period["deadline"] < timezone.localdate()
    owners = []
    for acronym, en, zh, owned, approved, pending, silent in rows(
        """SELECT org.acronym, org.name_en, org.name_zh, COUNT(*),
                  COUNT(*) FILTER (WHERE u.state = 'approved'), COUNT(*) FILTER (WHERE u.state = 'submitted'),
                  COUNT(*) FILTER (WHERE u.state IS NULL OR u.state NOT IN ('submitted', 'approved'))
           FROM commitments_ownership o JOIN commitments_actionline l ON l.id = o.line_id
           JOIN commitments_organisation org ON org.id = o.organisation_id
           LEFT JOIN commitments_statusupdate u ON u.line_id = o.line_id
                AND u.organisation_id = o.organisation_id AND u.period_id = %s
           WHERE o.state = 'confirmed' AND l.plan_id = %s AND l.missing_from_source_since IS NULL
           GROUP BY org.id, org.acronym, org.name_en, org.name_zh""",
        [period["id"], plan["id"]],
    ):
        owner = f"{base}&owner={acronym}"
        reported = approved + pending
        owners.append({
            "acronym": acronym, "name": localized(en, zh), "owned": owned, "approved": approved,
            "pending": pending, "reported": reported, "overdue": silent if past_deadline else 0,
            "percent": round(100 * reported / owned) if owned else 0, "url": owner,
        })  # fmt: skip
    owners.sort(key=lambda o: (o["reported"] - o["owned"], o["acronym"]))
    page = int(request.GET.get("owners", 1))
    pages = -(-len(owners) // OWNERS_PER_PAGE)
    chart = status_chart_svg(
        [type("ChartRow", (), {"label": r.label, "counts": r.counts}) for r in by_part],
        [type("S", (), {"pk": s["id"], "colour": s["colour"], "__str__": lambda self, s=s: s["label"]})()
         for s in status_list],
    )  # fmt: skip
    context = {
        "plan": plan, "plans": plans, "period": period, "periods": periods, "previous": previous,
        "statuses": status_list, "overall": overall, "by_part": by_part, "by_area": by_area, "chart": chart,
        "owners": owners[(page - 1) * OWNERS_PER_PAGE : page * OWNERS_PER_PAGE], "owner_pages": pages,
        "owner_page": page, "columns": len(status_list) + 5,
    }  # fmt: skip
    return render(request, "floors/dashboard.html", context)


# The line page: texts, owners, approved updates with activities and evidence, and history.


def text(en: str, zh: str) -> dict:
    """A text in English, else in Chinese marked as a fallback, for the floor's template."""
    if en or not zh:
        return {"text": en, "lang": "en", "fallback": False}
    return {"text": zh, "lang": "zh-Hans", "fallback": True}


def line(request, plan: str, code: str):
    found = rows(
        """SELECT l.id, l.code, l.label, l.text_en, l.text_zh, l.heading_en, l.heading_zh,
                  l.missing_from_source_since, p.id, p.code, p.kind, p.first_year, p.last_year,
                  pa.code, pa.title_en, pa.title_zh, a.code, a.title_en, a.title_zh
           FROM commitments_actionline l JOIN commitments_plan p ON p.id = l.plan_id
           JOIN commitments_part pa ON pa.id = l.part_id LEFT JOIN commitments_area a ON a.id = l.area_id
           WHERE p.code = %s AND l.code = %s""",
        [plan, code],
    )
    if not found:
        raise Http404
    (pk, code, label, text_en, text_zh, heading_en, heading_zh, missing, plan_id, plan_code, kind, first,
     last, part, part_en, part_zh, area, area_en, area_zh) = found[0]  # fmt: skip
    periods = {p["id"]: p for p in periods_of(plan_id)}
    by_id = {s["id"]: s for s in statuses()}
    current = rows(
        """SELECT ps.status_id, ps.period_id FROM commitments_periodstatus ps
           JOIN commitments_reportingperiod rp ON rp.id = ps.period_id
           WHERE ps.line_id = %s AND ps.confirmed_at IS NOT NULL
           ORDER BY rp.ends_on DESC, rp.starts_on DESC, ps.id DESC LIMIT 1""",
        [pk],
    )
    owners = rows(
        """SELECT o.id, o.state, o.role, org.id, org.acronym, org.name_en, org.name_zh
           FROM commitments_ownership o JOIN commitments_organisation org ON org.id = o.organisation_id
           WHERE o.line_id = %s""",
        [pk],
    )
    acronyms = {org: acronym for _o, _state, _role, org, acronym, _en, _zh in owners}
    updates = []
    for uid, period, org, acronym, status, state, n_en, n_zh, r_en, r_zh in rows(
        """SELECT u.id, u.period_id, u.organisation_id, org.acronym, u.status_id, u.state, u.narrative_en,
                  u.narrative_zh, u.reason_en, u.reason_zh
           FROM commitments_statusupdate u JOIN commitments_organisation org ON org.id = u.organisation_id
           JOIN commitments_reportingperiod rp ON rp.id = u.period_id
           WHERE u.line_id = %s ORDER BY rp.ends_on DESC, org.acronym""",
        [pk],
    ):
        acronyms[org] = acronym
        updates.append({
            "id": uid, "period": periods[period], "organisation": acronym, "status": by_id.get(status),
            "state": state, "state_label": STATES[state], "narrative_en": n_en, "narrative_zh": n_zh,
            "reason_en": r_en, "reason_zh": r_zh, "activities": [], "evidence": [],
        })  # fmt: skip
    ids = [u["id"] for u in updates] or [0]
    marks = ", ".join(["%s"] * len(ids))
    by_update = {u["id"]: u for u in updates}
    kinds = dict(Activity.Kind.choices)
    for uid, date, t_en, t_zh, kind, p_en, p_zh, organisers, fund_en, fund_zh, amount in rows(
        f"""SELECT a.update_id, a.date, a.title_en, a.title_zh, a.kind, a.place_en, a.place_zh, a.organisers,
                   f.name_en, f.name_zh, a.amount_usd
            FROM commitments_activity a LEFT JOIN commitments_fund f ON f.id = a.fund_id
            WHERE a.update_id IN ({marks}) ORDER BY a.update_id, a.date, a.id""",
        ids,
    ):
        place = text(p_en, p_zh) if p_en or p_zh else None
        by_update[uid]["activities"].append({
            "date": date, "title": text(t_en, t_zh), "kind": kinds[kind], "place": place,
            "organisers": organisers, "fund": localized(fund_en or "", fund_zh or ""), "amount": amount,
        })  # fmt: skip
    for eid, uid, t_en, t_zh, date, file, name, size, link, withdrawn in rows(
        f"""SELECT id, update_id, title_en, title_zh, date, file, original_name, size, link, withdrawn_at
            FROM commitments_evidence WHERE update_id IN ({marks}) ORDER BY update_id, date, id""",
        ids,
    ):
        by_update[uid]["evidence"].append({
            "id": eid, "title": text(t_en, t_zh), "date": date, "file": file, "name": name, "size": size,
            "link": link, "withdrawn": withdrawn,
        })  # fmt: skip
    open_period = next((p for p in periods.values() if p["is_open"]), None)
    approved = [u for u in updates if u["state"] == "approved"]
    groups = []
    for update in approved:
        if not groups or groups[-1][0] is not update["period"]:
            groups.append((update["period"], []))
        groups[-1][1].append(update)
    owners = sorted(
        (o for o in owners if o[1] != "rejected"), key=lambda o: (o[1] != "confirmed", o[2] != "lead", o[4])
    )
    context = {
        "pk": pk, "code": code, "label": label, "plan_code": plan_code, "missing": missing,
        "plan_name": f"{KINDS.get(kind, 'Plan of Action')} {first}–{last}" if last and last != first
        else f"{KINDS.get(kind, 'Plan of Action')} {first}",
        "part": f"{part}. {localized(part_en, part_zh)}",
        "area": f"{area} {localized(area_en, area_zh)}" if area else "",
        "text_en": text_en, "text_zh": text_zh, "heading_en": heading_en, "heading_zh": heading_zh,
        "current": (by_id[current[0][0]], periods[current[0][1]]) if current else None,
        "owners": [
            {"acronym": acronym, "name": localized(en, zh), "state": state, "role": ROLES.get(role, role),
             "role_code": role}
            for _o, state, role, _org, acronym, en, zh in owners
        ],
        "groups": groups, "in_progress": [u for u in updates if u["state"] != "approved"],
        "open_period": open_period,
        "history": history(pk, [u["id"] for u in updates], by_id, acronyms),
    }  # fmt: skip
    return render(request, "floors/line.html", context)


KINDS = {"plan": "Plan of Action", "annex": "Annex", "joint-statement": "Joint Statement"}
ROLES = {"lead": "Lead", "supporting": "Supporting"}
STATES = {"draft": "Draft", "submitted": "Submitted", "returned": "Returned", "approved": "Approved"}


def history(line_id: int, update_ids: list[int], statuses_by_id: dict, acronyms: dict) -> list:
    """The line's recorded changes, newest first: one query per history table, as the page has.

    Values are shown with the page's own formatting (``commitments.history``), which is
    Python's work on values either way; only the reading of the rows is the floor's.
    """
    from commitments import history as page_history
    from commitments.models import ActionLine, Evidence, Ownership, PeriodStatus, StatusUpdate

    names = object.__new__(page_history.Names)
    names.status = {pk: s["label"] for pk, s in statuses_by_id.items()}
    names.organisation = names.known_organisations = acronyms
    names.known_funds = {}
    ids = update_ids or [0]
    marks = ", ".join(["%s"] * len(ids))
    sources = [
        (ActionLine, "id = %s", [line_id]),
        (Ownership, "line_id = %s", [line_id]),
        (StatusUpdate, "line_id = %s", [line_id]),
        (Activity, f"update_id IN ({marks})", ids),
        (Evidence, f"update_id IN ({marks})", ids),
        (PeriodStatus, "line_id = %s", [line_id]),
    ]
    entries = []
    for model, where, params in sources:
        table = model.history.model._meta.db_table
        fields = [f for f in model._meta.concrete_fields if f.attname not in page_history.IGNORED]
        with connection.cursor() as cursor:
            cursor.execute(
                f"""SELECT h.*, u.username AS history_username FROM {table} h
                    LEFT JOIN auth_user u ON u.id = h.history_user_id WHERE h.{where}
                    ORDER BY h.id, h.history_id""",
                params,
            )
            columns = [column[0] for column in cursor.description]
            records = [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]
        previous = None
        for record in records:
            if previous is not None and previous["id"] != record["id"]:
                previous = None
            changes = [
                (f.verbose_name, names.value(f, previous[f.attname] if previous else None),
                 names.value(f, record[f.attname]))
                for f in fields
                if (previous is None and record[f.attname] not in (None, ""))
                or (previous is not None and previous[f.attname] != record[f.attname])
            ]  # fmt: skip
            if changes or record["history_type"] != "~":
                subject = str(model._meta.verbose_name)
                if model in (Ownership, StatusUpdate):
                    subject += f": {acronyms.get(record['organisation_id'], record['organisation_id'])}"
                elif model in (Activity, Evidence):
                    subject += f": {record['title_en'] or record['title_zh']}"
                entries.append({
                    "at": record["history_date"], "who": record["history_username"], "subject": subject,
                    "kind": page_history.KINDS[record["history_type"]], "changes": changes,
                    "is_creation": record["history_type"] == "+",
                })  # fmt: skip
            previous = record
    entries.sort(key=lambda entry: entry["at"], reverse=True)
    for entry in entries[:100]:
        entry["when"] = page_history.local_time(entry["at"])
    return entries[:100]


urlpatterns = [
    path("floor/register/", register, name="floor-register"),
    path("floor/dashboard/", dashboard, name="floor-dashboard"),
    path("floor/plans/<slug:plan>/lines/<str:code>/", line, name="floor-line"),
    path("", include("tracker.urls")),
]
