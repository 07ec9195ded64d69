import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_smoke(client, secretariat, focal_point, other_owner):
    client.force_login(secretariat)
    for name, args in [("person-list", []), ("person-invite", []), ("person-edit", [focal_point.pk]),
                       ("person-deactivate", [focal_point.pk]), ("organisation-list", []),
                       ("organisation-add", []), ("organisation-edit", [other_owner.pk])]:
        r = client.get(reverse(f"commitments:{name}", args=args))
        assert r.status_code == 200, name
        open(f"/tmp/people/{name}.html", "wb").write(r.content)
