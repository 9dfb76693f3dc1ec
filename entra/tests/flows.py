"""Sign-in steps shared by the Entra tests."""

from django.urls import reverse

from .oidc_harness import local_path, walk_to_callback


def callback_for(client, login: str, next_url: str | None = None) -> str:
    """Start at our sign-in link and pass the provider's login page as `login`; returns the
    callback path (with code and state) that the browser would open next."""
    start = reverse("entra:sign_in") + (f"?next={next_url}" if next_url else "")
    response = client.get(start)
    assert response.status_code == 302, response
    return local_path(walk_to_callback(response["Location"], login))


def sign_in(client, login: str, next_url: str | None = None):
    """The whole sign-in; returns our callback's response."""
    return client.get(callback_for(client, login, next_url))


def assert_refused(client, response, caplog, reason: str, text: str) -> None:
    """Refused: back to the sign-in page, nobody signed in, the message shown, a log line."""
    assert response.status_code == 302, response
    assert response["Location"] == reverse("login")
    assert "_auth_user_id" not in client.session
    page = client.get(reverse("login")).content.decode()
    assert text in page, page
    assert any(
        reason in record.getMessage() for record in caplog.records if record.name == "entra.views"
    ), [record.getMessage() for record in caplog.records]
