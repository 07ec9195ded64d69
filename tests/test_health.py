"""/health/ answers the load balancer without a log-in, and tells a stranger nothing but ok or not."""

import pytest

pytestmark = pytest.mark.django_db


def test_health_is_ok_for_an_anonymous_visitor(client):
    response = client.get("/health/")
    assert response.status_code == 200
    assert response.content == b"ok\n"
    assert response["Content-Type"].startswith("text/plain")
    assert "no-cache" in response["Cache-Control"]


def test_health_is_unavailable_when_the_cache_cannot_be_reached(client, settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
        }
    }
    response = client.get("/health/")
    assert response.status_code == 500
    assert response.content == b"unavailable\n"  # no check's name, no host, no port, no traceback


def test_health_is_unavailable_when_the_evidence_storage_cannot_be_written(client, settings, tmp_path):
    not_a_folder = tmp_path / "file"
    not_a_folder.write_text("")
    settings.EVIDENCE_ROOT = not_a_folder
    response = client.get("/health/")
    assert response.status_code == 500
    assert response.content == b"unavailable\n"


def test_health_is_not_redirected_to_https_when_ssl_redirect_is_on(client, settings):
    settings.SECURE_SSL_REDIRECT = True
    assert client.get("/health/").status_code == 200
    assert client.get("/login/").status_code == 301  # the rest is
