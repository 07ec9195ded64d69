"""What a line continues and what continues it: on the line page and in the exports."""

import csv
import json
from io import StringIO

import pytest
from django.core.management import call_command

from commitments.models import FinalStatus, LineLink, PeriodStatus, Status

from .conftest import line, make_period

pytestmark = pytest.mark.django_db

NEW, OLD, ANNEX, STATEMENT = "poa-2026-2030", "poa-2021-2025", "csp-poa-2022-2025", "js-sd-2022"


@pytest.fixture
def linked(db, secretariat):
    """Decision 8 of the joint statement split into 2.10.2 and 2.10.3 (confirmed); 2.10.3 also continues
    annex 4.7 (confirmed, suggested too); 2.10.1's only suggestion (2.10.1 of 2021–2025) rejected; 6.1's
    only suggestion (11.1 of 2021–2025) waits."""
    call_command("suggest_links", stdout=StringIO())
    for old_plan, old, new in [
        (STATEMENT, "8", "2.10.2"),
        (STATEMENT, "8", "2.10.3"),
        (ANNEX, "4.7", "2.10.3"),
    ]:
        LineLink.link(line(old_plan, old), line(NEW, new), by=secretariat)
    rejected = LineLink.objects.get(predecessor=line(OLD, "2.10.1"), successor=line(NEW, "2.10.1"))
    rejected.reject(by=secretariat)


def export(plan: str, format: str = "json") -> dict:
    output = StringIO()
    call_command("export_commitments", "--plan", plan, "--format", format, stdout=output, stderr=StringIO())
    if format == "json":
        return {record["code"]: record for record in json.loads(output.getvalue())}
    return {row["code"]: row for row in csv.DictReader(StringIO(output.getvalue().removeprefix("\ufeff")))}


def test_the_line_page_shows_what_a_line_continues_with_that_lines_last_status(client, reader, linked):
    old_plan = line(ANNEX, "4.7").plan
    period = make_period(old_plan, label="2024–2025", starts_on="2024-01-01", ends_on="2025-12-31",
                         deadline="2025-11-30", is_open=False)  # fmt: skip
    completed = Status.objects.get(code="completed")
    PeriodStatus.objects.create(
        line=line(ANNEX, "4.7"), period=period, status=completed, confirmed_at="2025-12-31T00:00:00Z"
    )
    client.force_login(reader)
    page = client.get(line(NEW, "2.10.3").get_absolute_url()).content.decode()
    section = page.split('id="continuity"', 1)[1].split("</section>", 1)[0]
    assert "This line continues" in section and "Continued by" not in section
    annex, statement = section.index("Annex 2022–2025 · 4.7"), section.index("Joint Statement 2022 · 8")
    assert annex < statement  # the older document first
    assert "Completed" in section[annex:statement] and "confirmed for 2024–2025" in section[annex:statement]
    assert "No status" in section[statement:]
    assert f'href="/plans/{ANNEX}/lines/4.7/"' in section


def test_a_line_continuing_a_closed_out_line_shows_its_final_status_and_the_old_line_its_own(
    client, reader, secretariat, linked, django_assert_num_queries
):
    discontinued = Status.objects.get(code="discontinued")
    FinalStatus.set_several({line(STATEMENT, "8").pk: 0}, discontinued, by=secretariat, note="Merged")
    client.force_login(reader)
    with django_assert_num_queries(14):  # as many as without a final status: both are read whatever they are
        page = client.get(line(NEW, "2.10.3").get_absolute_url()).content.decode()
    section = page.split('id="continuity"', 1)[1].split("</section>", 1)[0]
    statement = section[section.index("Joint Statement 2022 · 8") :]
    assert "final status" in statement and "Discontinued" in statement
    assert "Set by the secretariat" in statement
    old = client.get(line(STATEMENT, "8").get_absolute_url()).content.decode()
    assert "Final status at the plan's end" in old and "Merged" in old


def test_the_line_page_of_an_old_line_shows_what_continues_it(client, reader, linked):
    client.force_login(reader)
    page = client.get(line(STATEMENT, "8").get_absolute_url()).content.decode()
    section = page.split('id="continuity"', 1)[1].split("</section>", 1)[0]
    assert "Continued by" in section and "This line continues" not in section
    assert section.index("Plan of Action 2026–2030 · 2.10.2") < section.index(
        "Plan of Action 2026–2030 · 2.10.3"
    )


def test_a_suggested_or_rejected_link_is_not_on_the_line_page(client, reader, linked):
    client.force_login(reader)
    for code in "6.1", "2.10.1", "1.1.1":  # suggested, rejected, never linked
        assert 'id="continuity"' not in client.get(line(NEW, code).get_absolute_url()).content.decode()


def test_the_line_page_costs_the_same_queries_however_many_links(
    client, reader, linked, django_assert_num_queries
):
    client.force_login(reader)
    client.get(line(NEW, "1.1.1").get_absolute_url())
    with django_assert_num_queries(12):
        client.get(line(NEW, "1.1.1").get_absolute_url())
    with django_assert_num_queries(14):  # two more: the last and final statuses of the lines it continues
        client.get(line(NEW, "2.10.3").get_absolute_url())


def test_exported_records_carry_the_confirmed_predecessors_and_successors(linked):
    new, old = export(NEW), export(STATEMENT)
    assert new["2.10.3"]["predecessors"] == [f"{ANNEX}:4.7", f"{STATEMENT}:8"]
    assert new["2.10.2"]["predecessors"] == [f"{STATEMENT}:8"]
    assert new["1.1.1"]["predecessors"] == [] and new["2.10.3"]["successors"] == []
    assert old["8"]["successors"] == [f"{NEW}:2.10.2", f"{NEW}:2.10.3"]
    assert old["8"]["predecessors"] == [] and old["8"]["suggested_predecessors"] == []


def test_exported_records_carry_the_suggested_predecessors_with_their_scores_best_first(linked):
    records = export(NEW)
    assert records["6.1"]["suggested_predecessors"] == [{"line": f"{OLD}:11.1", "score": 0.9625}]
    assert records["6.1"]["predecessors"] == []
    assert records["2.10.1"]["suggested_predecessors"] == []  # rejected
    assert records["2.10.3"]["suggested_predecessors"] == []  # both confirmed: predecessors now
    scores = [item["score"] for item in records["3.1.1"]["suggested_predecessors"]]
    assert len(scores) > 1 and scores == sorted(scores, reverse=True)


def test_the_csv_export_gives_the_links_as_text(linked):
    rows = export(NEW, "csv")
    assert rows["2.10.3"]["predecessors"] == f"{ANNEX}:4.7; {STATEMENT}:8"
    suggestion = LineLink.objects.suggested().filter(successor=line(NEW, "6.1")).best_first().first()
    assert rows["6.1"]["suggested_predecessors"].startswith(
        f"{suggestion.predecessor.address} ({suggestion.score:.2f})"
    )
    assert export(STATEMENT, "csv")["8"]["successors"] == f"{NEW}:2.10.2; {NEW}:2.10.3"
