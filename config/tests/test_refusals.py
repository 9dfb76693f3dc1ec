"""Each refusal is logged once, on one line, with who, what and why; never with a traceback."""

import logging

import pytest


def _refusals(caplog):
    return [
        r for r in caplog.records if r.levelno >= logging.WARNING and "Refused" in r.getMessage()
    ]


@pytest.mark.parametrize("times", [1, 3])
def test_a_refused_page_logs_one_line_without_traceback(client, maker, caplog, times):
    client.force_login(maker)
    caplog.set_level(logging.INFO)
    for _ in range(times):
        assert client.get("/strategy/plans/new/").status_code == 403

    records = [r for r in caplog.records if r.name.startswith("django")]
    assert len(records) == times
    assert all(r.exc_info is None and r.exc_text is None for r in records)
    assert records[0].getMessage() == (
        "Refused GET /strategy/plans/new/ to maker: the policy refuses strategy.edit_plan"
    )
    assert "Traceback" not in caplog.text


def test_a_refused_api_call_logs_one_line_naming_user_and_action(client, executive, caplog):
    client.force_login(executive)
    caplog.set_level(logging.INFO)
    response = client.post("/api/v1/plans/", {"name": "No"}, content_type="application/json")
    assert response.status_code == 403
    # The API keeps DRF's standard wording.
    assert response.json() == {"detail": "You do not have permission to perform this action."}
    assert [r.getMessage() for r in _refusals(caplog)] == [
        "Refused POST /api/v1/plans/ to executive: the policy refuses strategy.edit_plan"
    ]
    assert "Traceback" not in caplog.text


def test_other_errors_are_still_logged_as_django_writes_them(client, maker, caplog):
    client.force_login(maker)
    caplog.set_level(logging.INFO)
    assert client.get("/no-such-page/").status_code == 404
    assert [r.getMessage() for r in caplog.records if r.name == "django.request"] == [
        "Not Found: /no-such-page/"
    ]
