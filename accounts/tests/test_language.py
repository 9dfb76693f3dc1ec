"""Each person's interface language: their profile's choice, else the cookie, else the browser's."""

from django.urls import reverse

from accounts.models import User
from conftest import PASSWORD

SET_LANGUAGE = "/i18n/setlang/"


def _lang(response) -> str:
    return response["Content-Language"]


def test_a_person_without_a_choice_gets_the_browsers_language(client, maker):
    client.force_login(maker)
    response = client.get(reverse("home"), headers={"accept-language": "de-DE,de;q=0.9"})
    assert _lang(response) == "de"
    assert b'<html lang="de">' in response.content
    assert "django_language" not in response.cookies


def test_the_persons_choice_wins_over_the_browser_and_the_cookie(client, maker):
    maker.language = "en-gb"
    maker.save()
    client.force_login(maker)
    client.cookies["django_language"] = "de"
    response = client.get(reverse("home"), headers={"accept-language": "de"})
    assert _lang(response) == "en-gb"
    assert b'<html lang="en-gb">' in response.content
    # The cookie follows the choice, so that the sign-in page does too after signing out.
    assert response.cookies["django_language"].value == "en-gb"


def test_signing_in_sets_the_language_cookie_to_the_persons_choice(client, maker):
    User.objects.filter(pk=maker.pk).update(language="de")
    response = client.post(reverse("login"), {"username": "maker", "password": PASSWORD})
    assert response.status_code == 302
    assert response.cookies["django_language"].value == "de"
    client.post(reverse("logout"))  # signing out keeps the cookie (client.logout() would not)
    assert _lang(client.get(reverse("login"))) == "de"


def test_switcher_saves_a_signed_in_persons_choice_and_goes_back(client, maker):
    client.force_login(maker)
    response = client.post(SET_LANGUAGE, {"language": "de", "next": "/strategy/"})
    assert response.status_code == 302 and response["Location"] == "/strategy/"
    assert response.cookies["django_language"].value == "de"
    maker.refresh_from_db()
    assert maker.language == "de"
    assert _lang(client.get(reverse("accounts:profile"))) == "de"


def test_switcher_for_an_anonymous_visitor_sets_only_the_cookie(client, maker):
    response = client.post(SET_LANGUAGE, {"language": "de", "next": reverse("login")})
    assert response.status_code == 302 and response["Location"] == reverse("login")
    assert response.cookies["django_language"].value == "de"
    assert _lang(client.get(reverse("login"))) == "de"
    maker.refresh_from_db()
    assert maker.language == ""


def test_the_browsers_language_clears_the_choice_and_the_cookie(client, maker):
    User.objects.filter(pk=maker.pk).update(language="de")
    client.force_login(maker)
    client.cookies["django_language"] = "de"
    response = client.post(SET_LANGUAGE, {"language": "", "next": "/accounts/profile/"})
    assert response.status_code == 302 and response["Location"] == "/accounts/profile/"
    assert response.cookies["django_language"].value == ""  # deleted
    maker.refresh_from_db()
    assert maker.language == ""
    response = client.get(reverse("home"), headers={"accept-language": "en-GB"})
    assert _lang(response) == "en-gb"


def test_switcher_refuses_an_unknown_language_and_an_outside_next(client, maker):
    client.force_login(maker)
    assert client.post(SET_LANGUAGE, {"language": "fr"}).status_code == 400
    maker.refresh_from_db()
    assert maker.language == ""
    response = client.post(SET_LANGUAGE, {"language": "", "next": "https://evil.example/"})
    assert response["Location"] == "/"


def test_switcher_is_on_every_page_and_on_the_sign_in_page(client, maker):
    page = client.get(reverse("login")).content.decode()
    assert 'action="/i18n/setlang/"' in page and 'id="language-switcher-sign-in"' in page
    client.force_login(maker)
    page = client.get(reverse("home")).content.decode()
    assert page.count('action="/i18n/setlang/"') == 1
    assert '<option value="de" lang="de">Deutsch</option>' in page


def test_profile_page_shows_the_persons_language(client, maker):
    User.objects.filter(pk=maker.pk).update(language="de")
    client.force_login(maker)
    page = client.get(reverse("accounts:profile")).content.decode()
    assert '<option value="de" selected>Deutsch</option>' in page
    assert '<option value="">' in page


def test_pages_read_in_german_for_a_german_person(client, maker):
    User.objects.filter(pk=maker.pk).update(language="de")
    client.force_login(maker)
    page = client.get(reverse("accounts:profile")).content.decode()
    assert "Sprache speichern" in page and "Die Sprache Ihres Browsers" in page
    assert ">Benachrichtigungseinstellungen<" in page  # the navigation menu
