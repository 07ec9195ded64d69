"""Odd values in every parameter of every page, for every role: no answer is a server error.

Seeded and bounded: the same requests on every run, about 1,500 of them. For every address of
commitments/urls.py and tracker/urls.py (with real objects in it), and each member of the cast,
the page is read first; the names of its forms' fields and of its links' parameters are taken from
the HTML. Then each name, on each address that uses it, gets odd values, in the query string and in
a posted form: very long, a NUL, invalid UTF-8, negative and huge numbers, repeated, empty. The
addresses' own parts (a line code, a format, an id) get them too, and a few pages of the admin.
"""

import datetime
import random
from collections import defaultdict
from html.parser import HTMLParser
from urllib.parse import parse_qsl, quote_from_bytes, urlsplit

import pytest
from django.contrib.auth.tokens import default_token_generator
from django.core.files.base import ContentFile
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from commitments.models import Activity, Evidence, Ownership, ReportBuild, Status, StatusUpdate
from commitments.models.spreadsheets import ReportUpload

from .conftest import line, own
from .test_report_editions import finalise
from .test_review import submitted_update

pytestmark = pytest.mark.django_db

SEED = 20261111
METHODS = ["GET", "POST"]
ROLES = ["anonymous", "reader", "focal_point", "other_focal_point", "secretariat", "administrator"]

ODD_VALUES: dict[str, list[bytes | list[bytes]]] = {
    "long": [b"x" * 10_000, "长".encode() * 4_000],
    "nul": [b"a\x00b", b"\x00"],
    "invalid utf-8": [b"\xff\xfe", b"abc\xc3\x28"],
    "negative": [b"-1", b"-99999999999999999999"],
    "huge": [b"99999999999999999999", b"9" * 5_000, b"1e309"],
    "list": [[b"1", b"2"], [b"", b"x" * 300]],
    "empty": [b""],
    "other": [b"NaN", b"2026-02-30", "²".encode(), b"a\r\nb", b"<b>&", b"/\\example.org", b"../../"],
}
KINDS = list(ODD_VALUES)
# Read by views from the address, though no form or link on a page may show them.
COMMON_NAMES = {"page", "per_page", "sort", "next", "plan", "period", "format", "language", "q"}
ADMIN_PAGES = ["/admin/", "/admin/commitments/", "/admin/auth/user/", "/admin/commitments/actionline/",
               "/admin/commitments/statusupdate/", "/admin/commitments/reportingperiod/",
               "/admin/commitments/organisation/", "/admin/commitments/reportedition/"]  # fmt: skip


class NameCollector(HTMLParser):
    """The names a page sends: its forms' fields, by the form's action, and its links' parameters."""

    def __init__(self, path: str):
        super().__init__()
        self.path = path
        self.names: dict[str, set[str]] = defaultdict(set)
        self.forms: dict[str, str] = {}  # a form's id → its action, for fields outside it (form="…")
        self.action: str | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.action = urlsplit(attrs.get("action") or self.path).path or self.path
            if attrs.get("id"):
                self.forms[attrs["id"]] = self.action
        elif tag in {"input", "select", "textarea", "button"} and attrs.get("name"):
            action = self.forms.get(attrs.get("form") or "", self.action)
            if action:
                self.names[action].add(attrs["name"])
        elif tag == "a" and "?" in (attrs.get("href") or ""):
            link = urlsplit(attrs["href"])
            self.names[link.path or self.path].update(name for name, _ in parse_qsl(link.query))

    def handle_endtag(self, tag):
        if tag == "form":
            self.action = None


@pytest.fixture
def cast(administrator, reader, focal_point, other_focal_point, secretariat):
    return {
        "anonymous": None, "reader": reader, "focal_point": focal_point,
        "other_focal_point": other_focal_point, "secretariat": secretariat, "administrator": administrator,
    }  # fmt: skip


@pytest.fixture
def world(plan_2026, period, owner, other_owner, focal_point, secretariat, evidence_root):
    """One of everything an address can name: updates in each state, evidence, an edition, an upload."""
    draft_line = line("poa-2026-2030", "2.8.3")
    ownership = own(draft_line, owner)
    draft = StatusUpdate.objects.create(
        line=draft_line, period=period, organisation=owner, author=focal_point
    )
    submitted = submitted_update("2.8.2", period, owner, focal_point)
    approved = submitted_update("2.8.1", period, owner, focal_point)
    Activity.objects.create(update=approved, date=datetime.date(2026, 3, 1), title_en="Dialogue")
    evidence = Evidence(update=approved, title_en="Minutes", original_name="minutes.pdf")
    evidence.file.save("minutes.pdf", ContentFile(b"%PDF-1.4 minutes"), save=True)
    approved.approve(by=secretariat)
    suggested = Ownership.objects.create(line=line("poa-2026-2030", "3.1.1"), organisation=other_owner,
                                         role="lead", state="suggested")  # fmt: skip
    edition = finalise(plan_2026, period, secretariat)
    upload = ReportUpload.objects.create(period=period, original_name="filled.xlsx", uploaded_by=secretariat)
    build = ReportBuild.request(plan_2026, period, "en", "html", by=focal_point)
    return {
        "fmt": "csv", "pk": period.pk, "period": period.pk, "section": "pillar-1", "code": plan_2026.code,
        "plan": plan_2026.code, "ownership": ownership.pk, "line": approved.line_id,
        ("reporting-upload-preview", "pk"): upload.pk, ("edition-withdraw", "pk"): edition.pk,
        ("edition-download", "pk"): edition.pk, ("edition-download", "fmt"): "html",
        ("line-detail", "code"): "2.8.1", ("evidence-download", "pk"): evidence.pk,
        ("update-detail", "pk"): submitted.pk, ("update-edit", "pk"): draft.pk,
        ("update-review", "pk"): submitted.pk, ("ownership-confirm", "pk"): suggested.pk,
        ("ownership-reject", "pk"): suggested.pk,
        ("password_reset_confirm", "uidb64"): urlsafe_base64_encode(force_bytes(focal_point.pk)),
        ("password_reset_confirm", "token"): default_token_generator.make_token(focal_point),
        "status": Status.objects.first().code,
        ("person-edit", "pk"): focal_point.pk, ("person-deactivate", "pk"): focal_point.pk,
        ("person-reactivate", "pk"): focal_point.pk, ("person-reinvite", "pk"): focal_point.pk,
        ("organisation-edit", "pk"): other_owner.pk,
        ("report-build", "pk"): build.pk, ("report-build-download", "pk"): build.pk,
        ("report-build-retry", "pk"): build.pk,
        ("close-out", "code"): "poa-2021-2025", ("close-out-set", "code"): "poa-2021-2025",
        ("close-out-carry", "code"): "poa-2021-2025", ("close-out-report", "code"): "poa-2021-2025",
    }  # fmt: skip


def addresses(world) -> list[tuple[str, str, dict]]:
    """Every address of the tracker's own URL patterns (not the admin's): its name, path and kwargs."""
    found = []

    def walk(patterns, namespace=""):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                if pattern.app_name != "admin":
                    walk(pattern.url_patterns, f"{pattern.namespace}:" if pattern.namespace else namespace)
            elif isinstance(pattern, URLPattern):
                kwargs = {
                    kwarg: world.get((pattern.name, kwarg), world.get(kwarg))
                    for kwarg in pattern.pattern.converters
                }
                name = namespace + pattern.name
                found.append((name, reverse(name, kwargs=kwargs), kwargs))

    walk(get_resolver().url_patterns)
    return found


def encoded(pairs: list[tuple[str, bytes | list[bytes]]]) -> str:
    return "&".join(
        f"{quote_from_bytes(name.encode())}={quote_from_bytes(value)}"
        for name, values in pairs
        for value in (values if isinstance(values, list) else [values])
    )


class Fuzzer:
    def __init__(self, cast):
        self.rng = random.Random(SEED)
        self.clients = {}
        for role, user in cast.items():
            client = Client(raise_request_exception=False)
            if user:
                client.force_login(user)
            self.clients[role] = (client, user)
        self.requests = 0
        self.server_errors: list[str] = []

    def odd(self) -> bytes | list[bytes]:
        return self.rng.choice(ODD_VALUES[self.rng.choice(KINDS)])

    def send(self, role: str, method: str, path: str, pairs=()) -> int:
        client, user = self.clients[role]
        query = encoded(list(pairs))
        if method == "GET":
            response = client.get(f"{path}?{query}" if query else path)
        else:
            response = client.post(path, query.encode(), content_type="application/x-www-form-urlencoded")
        self.requests += 1
        if response.status_code >= 500:
            shown = query if len(query) < 200 else query[:200] + "…"
            self.server_errors.append(f"{response.status_code} {role} {method} {path}?{shown}")
        if user and "_auth_user_id" not in client.session:  # logged out, or its session ended
            client.force_login(user)
        return response.status_code

    def read(self, role: str, path: str, names: dict[str, set[str]]) -> int:
        client, _user = self.clients[role]
        response = client.get(path)
        self.requests += 1
        if response.status_code >= 500:
            self.server_errors.append(f"{response.status_code} {role} GET {path}")
        # A streamed file (a report draft in HTML) is no page, and has no forms to fuzz.
        if (
            response.status_code == 200
            and not response.streaming
            and "html" in response.get("Content-Type", "")
        ):
            collector = NameCollector(path)
            collector.feed(response.content.decode())
            for action, found in collector.names.items():
                names[action] |= found
        return response.status_code


def test_no_odd_value_in_any_parameter_of_any_page_gives_a_server_error(cast, world):
    fuzz = Fuzzer(cast)
    pages = addresses(world)
    names: dict[str, set[str]] = defaultdict(set)
    allowed: dict[str, list[str]] = defaultdict(list)  # the roles a page answered 200
    for role in ROLES:
        for _name, path, _kwargs in pages:
            if fuzz.read(role, path, names) == 200:
                allowed[path].append(role)
        for path in ADMIN_PAGES if role in {"secretariat", "administrator"} else []:
            if fuzz.read(role, path, names) == 200:
                allowed[path].append(role)

    everything = [(path, kwargs) for _name, path, kwargs in pages] + [(path, {}) for path in ADMIN_PAGES]
    for path, _kwargs in everything:
        fields = sorted(names[path] | COMMON_NAMES)
        signed_in = allowed[path] or ROLES[1:]  # a POST-only page answers no GET
        for role in ROLES:  # every field at once, each odd, for every role
            fuzz.send(role, fuzz.rng.choice(METHODS), path, [(name, fuzz.odd()) for name in fields])
        for name in fields:  # each field alone, odd, the others absent, by a role that may use the page
            fuzz.send(fuzz.rng.choice(signed_in), fuzz.rng.choice(METHODS), path, [(name, fuzz.odd())])

    for name, _path, kwargs in pages:  # the address's own parts: a line code, a format, an id
        for kwarg in kwargs:
            for kind in fuzz.rng.sample([kind for kind in KINDS if kind != "list"], 3):
                value = ODD_VALUES[kind][0]
                odd = {k: (value if k == kwarg else str(v).encode()) for k, v in kwargs.items()}
                path = reverse_with_bytes(name, kwargs, odd)
                fuzz.send(fuzz.rng.choice(ROLES[1:]), fuzz.rng.choice(METHODS), path)

    print(f"\n{fuzz.requests} requests, {len(fuzz.server_errors)} server errors")
    assert not fuzz.server_errors, "\n".join(fuzz.server_errors)
    assert 1_000 <= fuzz.requests <= 2_200


def reverse_with_bytes(name: str, kwargs: dict, odd: dict[str, bytes]) -> str:
    """The address of ``name`` with each part percent-encoded from ``odd``: reverse() would refuse
    values its converters do not match, and an address typed by hand need not."""
    marked = {k: f"ZZ{k}ZZ" if isinstance(v, str) else 1234567 + i for i, (k, v) in enumerate(kwargs.items())}
    path = reverse(name, kwargs=marked)
    for k, mark in marked.items():
        path = path.replace(str(mark), quote_from_bytes(odd[k], safe=""), 1)
    return path
