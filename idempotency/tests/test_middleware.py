"""A form that creates something is sent twice (double click, resend, Back and submit): one row."""

import re
import threading
import uuid
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from idempotency.models import FormToken
from idempotency.tasks import form_tokens_prune_task
from strategy import services
from strategy.models import CheckIn
from strategy.tests.factories import KeyResultFactory, ObjectiveFactory, PlanFactory

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"
FORM = re.compile(r"<form\b[^>]*method=\"post\"[^>]*>(.*?)</form>", re.S)
# Post forms that create nothing (they change, toggle, delete, answer in place or sign in/out),
# by what the form or its template's name says; every other post form must carry {% form_token %}.
CREATES_NOTHING = re.compile(
    r"logout|sign_out|login|password|_delete|_restore|_toggle|_remove|story_like|story_submit|"
    r"story_score|record_verify|token_revoke|unsubscribe|subject_cadence|assessment_submit|"
    r"assessment_discard|assessment_area|newsletter_send|newsletter_schedule|mark_all_read|"
    r"failure_retry|run_confirm|run_cancel|api_connect|api_revoke|idea_vote|idea_review_action|"
    r"welcome\.html|settings\.html|weights_form|profile_form|badge_list|set_language|_edit\b"
)


@pytest.fixture
def kr(maker, coe_lead):
    return KeyResultFactory(
        objective=ObjectiveFactory(plan=PlanFactory(owner=coe_lead)), owner=maker
    )


def _check_in(client, kr, token, value="40", **extra):
    data = {"value": value, "confidence": "6", "form_token": str(token), **extra}
    return client.post(reverse("strategy:check_in_create", args=[kr.uuid]), data)


def test_the_same_form_sent_twice_records_one_check_in(client, maker, kr):
    client.force_login(maker)
    token = uuid.uuid4()
    first = _check_in(client, kr, token)
    second = _check_in(client, kr, token)
    assert first.status_code == second.status_code == 302
    assert second["Location"] == first["Location"] == kr.get_absolute_url()
    assert CheckIn.objects.filter(key_result=kr).count() == 1
    assert [str(m) for m in get_messages(second.wsgi_request)][-1] == (
        "This form had already been sent; it was saved once."
    )
    assert FormToken.objects.get().user == maker


def test_two_forms_record_two_check_ins(client, maker, kr):
    client.force_login(maker)
    _check_in(client, kr, uuid.uuid4(), value="40")
    _check_in(client, kr, uuid.uuid4(), value="45")
    assert list(kr.check_ins.order_by("pk").values_list("value", flat=True)) == [40, 45]


def test_an_invalid_form_does_not_use_up_its_token(client, maker, kr):
    client.force_login(maker)
    token = uuid.uuid4()
    assert _check_in(client, kr, token, value="ten").status_code == 400
    assert FormToken.objects.count() == 0
    assert _check_in(client, kr, token).status_code == 302
    assert CheckIn.objects.count() == 1


def test_a_form_sent_after_the_session_expired_keeps_its_token(client, maker, kr):
    token = uuid.uuid4()
    response = _check_in(client, kr, token)
    assert response.status_code == 302 and "/accounts/sign-in/" in response["Location"]
    client.force_login(maker)
    assert _check_in(client, kr, token)["Location"] == kr.get_absolute_url()
    assert CheckIn.objects.count() == 1


def test_a_refused_form_does_not_use_up_its_token(client, executive, maker, kr):
    client.force_login(executive)
    token = uuid.uuid4()
    assert _check_in(client, kr, token).status_code == 403
    client.force_login(maker)
    assert _check_in(client, kr, token).status_code == 302
    assert CheckIn.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_a_double_click_sends_two_requests_at_once_and_records_one(maker, coe_lead):
    if connection.vendor != "postgresql":
        pytest.skip("needs two concurrent writers")
    kr = KeyResultFactory(objective=ObjectiveFactory(plan=PlanFactory(owner=coe_lead)), owner=maker)
    token, start, statuses = uuid.uuid4(), threading.Barrier(2), []

    def click():
        client = Client()
        client.force_login(maker)
        start.wait()
        statuses.append(_check_in(client, kr, token).status_code)
        connection.close()

    threads = [threading.Thread(target=click) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert statuses == [302, 302]
    assert CheckIn.objects.filter(key_result=kr).count() == 1


def test_every_post_form_that_creates_something_carries_a_one_time_token():
    missing = []
    for template in TEMPLATES.rglob("*.html"):
        for form in FORM.finditer(template.read_text()):
            if "{% form_token %}" in form.group(0):
                continue
            if CREATES_NOTHING.search(f"{template.name} {form.group(0)}"):
                continue
            missing.append(f"{template.relative_to(TEMPLATES)}: {form.group(0)[:120]}")
    assert missing == []


def test_the_check_in_page_renders_a_fresh_token_each_time(client, maker, kr):
    client.force_login(maker)
    tokens = [
        re.search(r'name="form_token" value="([0-9a-f-]{36})"', client.get(kr.get_absolute_url())
                  .content.decode()).group(1)
        for _ in range(2)
    ]  # fmt: skip
    assert tokens[0] != tokens[1]


def test_old_tokens_are_forgotten_after_a_week(maker):
    old = FormToken.objects.create(token=uuid.uuid4(), user=maker, path="/a/")
    FormToken.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=8))
    FormToken.objects.create(token=uuid.uuid4(), user=maker, path="/b/")
    assert form_tokens_prune_task() == 1
    assert list(FormToken.objects.values_list("path", flat=True)) == ["/b/"]


def test_the_service_is_untouched_by_tokens(maker, kr):
    # Scripts and the API call the service directly: two calls are two check-ins, as asked.
    services.key_result_check_in(key_result=kr, value=Decimal(1), author=maker)
    services.key_result_check_in(key_result=kr, value=Decimal(1), author=maker)
    assert kr.check_ins.count() == 2
