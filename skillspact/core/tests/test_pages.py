"""Site-wide page behaviour: languages, the front page, security headers."""

from __future__ import annotations

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_pages_speak_french_when_the_browser_asks(client):
    response = client.get(reverse("organisations:directory"), HTTP_ACCEPT_LANGUAGE="fr")

    content = response.content.decode()
    assert '<html lang="fr">' in content
    assert "Annuaire des membres" in content


def test_the_front_page_links_the_main_journeys(client):
    content = client.get(reverse("core:home")).content.decode()

    assert reverse("organisations:directory") in content
    assert reverse("organisations:application_list") in content
    assert 'href="#main"' in content  # skip link


def test_pages_forbid_framing_and_sniffing(client):
    response = client.get(reverse("core:home"))

    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
