"""Stored files go only to those the policy lets see the object they belong to, for every role."""

import io

import pytest
from django.core.files.base import ContentFile
from PIL import Image

from reports.models import ReportSnapshot
from reports.tests.factories import ReportDefinitionFactory
from stories.models import StoryImage
from stories.tests.factories import StoryFactory


def _png() -> ContentFile:
    out = io.BytesIO()
    Image.new("RGB", (4, 3), "teal").save(out, format="PNG")
    return ContentFile(out.getvalue(), name="picture.png")


@pytest.fixture
def files(settings, tmp_path, maker, other_maker, unit):
    """A picture in the maker's draft story, one in another maker's published story, and a
    generated report's HTML: three stored files, each owned by an object."""
    settings.MEDIA_ROOT = tmp_path / "media"
    draft = StoryFactory(author=maker, business_unit=unit)
    published = StoryFactory(author=other_maker, business_unit=unit, published=True)
    draft_image = StoryImage.objects.create(story=draft, image=_png())
    published_image = StoryImage.objects.create(story=published, image=_png())
    snapshot = ReportSnapshot.objects.create(
        definition=ReportDefinitionFactory(),
        period_start="2026-01-01",
        period_end="2026-03-31",
        status=ReportSnapshot.Status.DONE,
    )
    snapshot.html_file.save("q1.html", ContentFile(b"<h1>Figures</h1>"))
    return {
        "draft": "/media/" + draft_image.image.name,
        "published": "/media/" + published_image.image.name,
        "report": "/media/" + snapshot.html_file.name,
    }


# Who gets what: 200 served, 404 as if the file did not exist.
EXPECTED = {
    "maker": {"draft": 200, "published": 200, "report": 404},  # the draft is the maker's own
    "other_maker": {"draft": 404, "published": 200, "report": 404},
    "executive": {"draft": 404, "published": 200, "report": 200},
    "coe_lead": {"draft": 200, "published": 200, "report": 200},
    "admin_user": {"draft": 200, "published": 200, "report": 200},
}


@pytest.mark.parametrize("persona", EXPECTED)
def test_media_follows_the_policy_for_each_role(client, request, files, persona):
    client.force_login(request.getfixturevalue(persona))
    got = {name: client.get(url).status_code for name, url in files.items()}
    assert got == EXPECTED[persona]


def test_media_sends_anonymous_visitors_to_sign_in(client, files):
    for url in files.values():
        response = client.get(url)
        assert response.status_code == 302
        assert "/accounts/" in response["Location"]


def test_served_media_cannot_be_sniffed_or_run_scripts(client, coe_lead, files):
    client.force_login(coe_lead)
    response = client.get(files["published"])
    assert response["Content-Type"] == "image/png"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == "default-src 'none'"
    assert b"".join(response.streaming_content).startswith(b"\x89PNG")


def test_a_file_no_object_owns_is_404_even_to_an_admin(client, admin_user, files, settings):
    orphan = settings.MEDIA_ROOT / "stories" / "orphan.png"
    orphan.write_bytes(b"\x89PNG not a story's")
    (settings.MEDIA_ROOT / "notes.txt").write_text("secret")
    client.force_login(admin_user)
    for path in ("stories/orphan.png", "notes.txt", "unknown/x.png", "stories/../notes.txt"):
        assert client.get("/media/" + path).status_code == 404, path
    assert client.get("/media/reports/not-a-uuid/q1.html").status_code == 404


def test_nginx_streams_the_file_when_x_accel_redirect_is_set(client, coe_lead, files, settings):
    settings.MEDIA_X_ACCEL_REDIRECT = "/protected-media/"
    client.force_login(coe_lead)
    response = client.get(files["report"])
    assert response.status_code == 200
    assert response["X-Accel-Redirect"] == "/protected-media/" + files["report"][len("/media/") :]
    assert response.content == b""
    assert response["Content-Type"].startswith("text/html")


def test_apache_streams_the_file_when_x_sendfile_is_set(client, coe_lead, files, settings):
    settings.MEDIA_X_SENDFILE = True
    client.force_login(coe_lead)
    response = client.get(files["published"])
    name = files["published"][len("/media/") :]
    assert response["X-Sendfile"] == str(settings.MEDIA_ROOT / name)
    assert response.content == b""


def test_the_header_is_not_sent_to_someone_the_policy_refuses(client, other_maker, files, settings):
    settings.MEDIA_X_ACCEL_REDIRECT = "/protected-media/"
    client.force_login(other_maker)
    response = client.get(files["draft"])
    assert response.status_code == 404
    assert "X-Accel-Redirect" not in response
