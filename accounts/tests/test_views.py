import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse

from accounts.models import BusinessUnit, User
from accounts.tests.factories import BusinessUnitFactory
from conftest import PASSWORD


@pytest.mark.parametrize("url", ["/", "/accounts/profile/", "/accounts/units/"])
def test_anonymous_is_sent_to_sign_in(client, db, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_sign_in_page_is_public(client, db):
    response = client.get(reverse("login"))
    assert response.status_code == 200
    assert b"Sign in" in response.content


def test_unknown_url_gives_the_styled_404(client, maker):
    client.force_login(maker)
    response = client.get("/no/such/page/")
    assert response.status_code == 404
    assert b"We could not find that page" in response.content


@pytest.mark.parametrize(
    ("persona", "label"),
    [
        ("maker", "Maker"),
        ("executive", "Executive"),
        ("coe_lead", "CoE lead"),
        ("admin_user", "Admin"),
    ],
)
def test_home_page_follows_the_role(client, request, persona, label):
    client.force_login(request.getfixturevalue(persona))
    response = client.get("/")
    assert response.status_code == 200
    assert response.context["role"].label == label


def test_user_without_role_is_told_so(client, no_role_user):
    client.force_login(no_role_user)
    assert b"Your account has no role yet" in client.get("/").content


def test_sign_in_rotates_the_session_and_sign_out_ends_it(client, maker):
    client.get(reverse("login"))
    before = client.cookies.get("sessionid")
    response = client.post(reverse("login"), {"username": "maker", "password": PASSWORD})
    assert response.status_code == 302
    after = client.cookies["sessionid"].value
    assert before is None or before.value != after
    client.post(reverse("logout"))
    assert client.get("/").status_code == 302


def test_wrong_and_unknown_user_get_the_same_message(client, maker):
    wrong = client.post(reverse("login"), {"username": "maker", "password": "nope"})
    unknown = client.post(reverse("login"), {"username": "nobody", "password": "nope"})
    assert wrong.status_code == unknown.status_code == 200
    assert wrong.context["form"].non_field_errors() == unknown.context["form"].non_field_errors()


def test_five_wrong_passwords_lock_the_account(client, maker):
    for _ in range(5):
        client.post(reverse("login"), {"username": "maker", "password": "wrong"})
    response = client.post(reverse("login"), {"username": "maker", "password": PASSWORD})
    assert response.status_code == 429
    assert b"Too many failed sign-ins" in response.content
    assert "_auth_user_id" not in client.session


def test_password_reset_sends_a_link(client, maker):
    response = client.post(reverse("password_reset"), {"email": maker.email})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    assert "/accounts/password/reset/" in mail.outbox[0].body


def test_password_change(client, maker):
    client.force_login(maker)
    response = client.post(
        reverse("password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": "a-new-long-pass-42",
            "new_password2": "a-new-long-pass-42",
        },
    )
    assert response.status_code == 302
    maker.refresh_from_db()
    assert maker.check_password("a-new-long-pass-42")


def test_business_unit_tree_is_indented(client, maker, django_assert_max_num_queries):
    parent = BusinessUnitFactory(name="Operations", slug="operations")
    BusinessUnitFactory(name="Fleet", slug="fleet", parent=parent)
    client.force_login(maker)
    # session, user, groups (navigation), units
    with django_assert_max_num_queries(5):
        response = client.get(reverse("accounts:business_unit_list"))
    depths = {unit.name: unit.depth for unit in response.context["units"]}
    assert depths == {"Finance": 0, "Operations": 0, "Fleet": 1}


def test_subtree_contains_the_unit_and_everything_below(db):
    top = BusinessUnitFactory(name="Top", slug="top")
    middle = BusinessUnitFactory(name="Middle", slug="middle", parent=top)
    leaf = BusinessUnitFactory(name="Leaf", slug="leaf", parent=middle)
    BusinessUnitFactory(name="Elsewhere", slug="elsewhere")
    assert sorted(BusinessUnit.objects.subtree_ids(top)) == sorted([top.pk, middle.pk, leaf.pk])
    assert list(BusinessUnit.objects.subtree(middle).order_by("name")) == [leaf, middle]


def test_seed_demo_is_idempotent(db):
    call_command("seed_demo")
    counts = (User.objects.count(), BusinessUnit.objects.count())
    call_command("seed_demo")
    assert (User.objects.count(), BusinessUnit.objects.count()) == counts
    assert User.objects.get(username="coe").groups.filter(name="CoE lead").exists()


def test_demo_users_can_sign_in(client, db):
    call_command("seed_demo")
    for username in ["admin", "coe", "exec", "maker"]:
        response = client.post(
            reverse("login"), {"username": username, "password": "demo-pass-2026"}
        )
        assert response.status_code == 302, username
        assert client.get("/").status_code == 200
        client.post(reverse("logout"))
