"""Every route of the API router, as every persona: the answer is what accounts/policy.py says.

The routes come from the router itself (config/api_urls.py), so a new endpoint is checked as
soon as it is registered. Expectations are computed with `can()` for the action the viewset
names in `policy_actions` (the same lookup PolicyPermission makes), never read off a response.
"""

import uuid
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from accounts.api.permissions import PolicyPermission
from accounts.policy import RULES, can
from adoption.loader import load_question_bank
from adoption.tests.factories import answer_all, start, submit
from config.api_urls import router
from ideas.models import MakerProfile
from ideas.tests.factories import IdeaFactory
from inventory.models import ImportRun, MappingRule
from maturity.loader import load_maturity_model
from notifications.services import channel_save
from notifications.tests.factories import NotificationFactory
from reports.models import ReportSnapshot
from reports.tests.factories import ReportDefinitionFactory
from stories.tests.factories import (
    NewsletterFactory,
    NewsletterItemFactory,
    SessionFactory,
    StoryFactory,
    StoryMetricFactory,
)
from strategy.models import CheckIn
from strategy.tests.factories import InitiativeFactory, KeyResultFactory, KpiFactory
from value.models import SolutionUsage
from value.tests.factories import (
    ProgrammeCostFactory,
    SolutionFactory,
    UnitCostFactory,
    ValueRecordFactory,
)

WEBHOOK = "https://prod-1.westeurope.logic.azure.com/workflows/x/triggers/manual?sig=s"
PERSONAS = ["no_role_user", "maker", "executive", "coe_lead", "admin_user"]
WRITES = {"post", "put", "patch", "delete"}
# Policy actions open to every signed-in user, executives included: liking a story, managing
# one's own notifications and settings, submitting ideas and voting for them.
OPEN_TO_EVERYONE = {
    "stories.like_story",
    "notifications.manage_own",
    "ideas.submit_idea",
    "ideas.vote_idea",
}

ROUTES = list(router.registry)  # (prefix, viewset, basename)
# The router's URL patterns by name; the format-suffix copies are left out.
PATTERNS = {
    pattern.name: pattern
    for pattern in router.urls
    if pattern.name and "format" not in pattern.pattern.regex.groupindex
}


@dataclass(frozen=True)
class Operation:
    method: str
    action: str
    detail: bool
    url_name: str


def operations(viewset, basename) -> list[Operation]:
    """Every (method, viewset action) the router exposes for `viewset` and that it accepts."""
    found = []
    for route in router.get_routes(viewset):
        for method, action in router.get_method_map(viewset, route.mapping).items():
            if method in viewset.http_method_names:
                found.append(
                    Operation(method, action, route.detail, route.name.format(basename=basename))
                )
    return found


def policy_action(viewset, operation: Operation) -> str:
    """The policy action PolicyPermission asks for this operation (see its `_action`)."""
    actions = viewset.policy_actions
    if operation.action in actions:
        return actions[operation.action]
    return actions["read"] if operation.method == "get" else actions["write"]


def url_for(viewset, operation: Operation, lookup=None) -> str:
    """The operation's URL: `lookup` for the object, a fresh UUID for any other path part."""
    pattern = PATTERNS[operation.url_name]
    lookup_kwarg = getattr(viewset, "lookup_url_kwarg", None) or getattr(
        viewset, "lookup_field", ""
    )
    kwargs = {
        name: lookup if name == lookup_kwarg else str(uuid.uuid4())
        for name in pattern.pattern.regex.groupindex
    }
    return reverse(operation.url_name, kwargs=kwargs)


def ids(routes):
    return [basename for _, _, basename in routes]


LISTED = [r for r in ROUTES if any(op.action == "list" for op in operations(r[1], r[2]))]
# Listed routes that also open one row (the dashboard and the figures have no detail route).
OPENABLE = [r for r in LISTED if any(op.action == "retrieve" for op in operations(r[1], r[2]))]
WRITABLE = [r for r in ROUTES if any(op.method in WRITES for op in operations(r[1], r[2]))]


def token_client(user=None) -> APIClient:
    client = APIClient()
    if user is not None:
        token, _ = Token.objects.get_or_create(user=user)
        client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


def paging(viewset) -> dict:
    """Ask paginated lists for every row (the data here is far below the cap)."""
    return {"page_size": 100} if getattr(viewset, "pagination_class", None) else {}


def rows_of(response) -> list:
    body = response.json()
    return body["results"] if isinstance(body, dict) and "results" in body else [body]


@pytest.fixture
def personas(request):
    return {name: request.getfixturevalue(name) for name in PERSONAS}


@pytest.fixture
def data(personas, other_maker, unit):
    """A row behind every endpoint, including what a maker must not see (returned as
    {basename: [objects]}) and what a maker must see."""
    maker, coe = personas["maker"], personas["coe_lead"]
    load_maturity_model()
    load_question_bank()
    assessment = start(user=coe)
    answer_all(assessment, 300)
    submit(assessment, user=coe)
    start(user=coe)  # a draft: the CoE's working material

    key_result = KeyResultFactory(objective__plan__owner=coe, owner=maker)
    CheckIn.objects.create(key_result=key_result, value=Decimal("40"), author=maker)
    InitiativeFactory(plan=key_result.objective.plan, owner=coe)
    KpiFactory(owner=maker)

    published = StoryFactory(author=other_maker, published=True)
    StoryMetricFactory(story=published)
    others_draft = StoryFactory(author=other_maker)
    hidden_metric = StoryMetricFactory(story=others_draft)
    own_draft = StoryFactory(author=maker)
    SessionFactory(host=coe)
    NewsletterItemFactory(
        story=published, newsletter__status="sent", newsletter__sent_at=timezone.now()
    )
    draft_issue = NewsletterFactory(subject="Draft issue")

    own_solution = SolutionFactory(owner=maker, business_unit=unit)
    others_solution = SolutionFactory(owner=other_maker, business_unit=unit)
    ValueRecordFactory(solution=own_solution)
    others_record = ValueRecordFactory(solution=others_solution)
    UnitCostFactory()
    ProgrammeCostFactory()

    NotificationFactory(recipient=personas["admin_user"])
    channel_save(actor=coe, name="Programme", webhook_url=WEBHOOK, route_kinds=["coe_digest"])
    own_idea = IdeaFactory(author=maker, business_unit=unit)
    others_idea = IdeaFactory(author=other_maker, business_unit=unit)
    others_draft_idea = IdeaFactory(author=other_maker, business_unit=unit, status="draft")
    hidden_profile = MakerProfile.objects.create(user=other_maker, is_hidden_from_makers=True)
    own_profile = MakerProfile.objects.create(user=maker)

    definition = ReportDefinitionFactory(created_by=coe)
    ReportSnapshot.objects.create(
        definition=definition, period_start=date(2026, 1, 1), period_end=date(2026, 3, 31)
    )
    ImportRun.objects.create(source=ImportRun.Source.UPLOAD, created_by=coe, status="previewed")
    MappingRule.objects.create(match_on="environment_id", value="e1", business_unit=unit)
    SolutionUsage.objects.create(solution=own_solution, month=date(2026, 1, 1), runs=5)
    SolutionUsage.objects.create(solution=others_solution, month=date(2026, 1, 1), runs=7)
    return {
        "hidden_from_maker": {
            "story": [others_draft],
            "story-metric": [hidden_metric],
            "newsletter": [draft_issue],
            "solution": [others_solution],
            "value-record": [others_record],
            "idea": [others_draft_idea],
            "maker-profile": [hidden_profile],
        },
        "shown_to_maker": {
            "story": [own_draft, published],
            "solution": [own_solution],
            "idea": [own_idea, others_idea],
            "maker-profile": [own_profile],
        },
    }


@pytest.mark.parametrize(("prefix", "viewset", "basename"), ROUTES, ids=ids(ROUTES))
def test_every_route_asks_the_policy(prefix, viewset, basename):
    assert PolicyPermission in viewset.permission_classes
    for operation in operations(viewset, basename):
        assert policy_action(viewset, operation) in RULES, operation


@pytest.mark.parametrize(("prefix", "viewset", "basename"), LISTED, ids=ids(LISTED))
def test_list_status_per_persona_is_what_the_policy_says(prefix, viewset, basename, personas, data):
    list_op = next(op for op in operations(viewset, basename) if op.action == "list")
    action = policy_action(viewset, list_op)
    url = url_for(viewset, list_op)
    assert token_client().get(url).status_code == 401
    got, expected = {}, {}
    for name, user in personas.items():
        expected[name] = 200 if can(user, action) else 403
        got[name] = token_client(user).get(url).status_code
    assert got == expected, f"{url} ({action})"


@pytest.mark.parametrize(("prefix", "viewset", "basename"), OPENABLE, ids=ids(OPENABLE))
def test_what_a_persona_lists_it_may_open(prefix, viewset, basename, personas, data):
    """Every row of a list opens for the same user (the object rules agree with visible_to)."""
    ops = {op.action: op for op in operations(viewset, basename)}
    for name, user in personas.items():
        client = token_client(user)
        listed = client.get(url_for(viewset, ops["list"]), paging(viewset))
        if listed.status_code != 200:
            continue
        for row in rows_of(listed):
            url = url_for(viewset, ops["retrieve"], row[viewset.lookup_field])
            assert client.get(url).status_code == 200, f"{name} lists but cannot open {url}"


@pytest.mark.parametrize(("prefix", "viewset", "basename"), WRITABLE, ids=ids(WRITABLE))
def test_an_executive_token_writes_nothing(prefix, viewset, basename, personas, data):
    executive, admin = personas["executive"], personas["admin_user"]
    ops = operations(viewset, basename)
    lookup = None
    if any(op.detail for op in ops):
        listed = token_client(admin).get(
            url_for(viewset, next(o for o in ops if o.action == "list"))
        )
        rows = rows_of(listed)
        assert rows, f"the matrix data has no {basename}: add one to the `data` fixture"
        lookup = rows[0][viewset.lookup_field]
    client = token_client(executive)
    for operation in ops:
        if operation.method not in WRITES:
            continue
        action = policy_action(viewset, operation)
        if action in OPEN_TO_EVERYONE:
            assert can(executive, action)  # the policy indeed lets them
            continue
        url = url_for(viewset, operation, lookup)
        response = getattr(client, operation.method)(url, {}, format="json")
        assert response.status_code == 403, f"{operation.method.upper()} {url}"


@pytest.mark.parametrize(("prefix", "viewset", "basename"), LISTED, ids=ids(LISTED))
def test_a_maker_lists_only_what_a_maker_may_read(prefix, viewset, basename, personas, data):
    maker = personas["maker"]
    list_op = next(op for op in operations(viewset, basename) if op.action == "list")
    response = token_client(maker).get(url_for(viewset, list_op), paging(viewset))
    if response.status_code != 200:
        assert response.status_code == 403
        return
    rows = rows_of(response)
    lookup = viewset.lookup_field
    listed = {str(row[lookup]) for row in rows if lookup in row}
    hidden = data["hidden_from_maker"].get(basename, [])
    shown = data["shown_to_maker"].get(basename, [])
    assert not listed & {str(getattr(obj, lookup)) for obj in hidden}
    assert {str(getattr(obj, lookup)) for obj in shown} <= listed
    # Every listed row passes the object rule of the read action.
    model = getattr(getattr(viewset.serializer_class, "Meta", None), "model", None)
    if model is None:
        return
    action = policy_action(viewset, list_op)
    judge = getattr(viewset(), "policy_object", lambda obj: obj)
    for value in listed:
        obj = model.objects.get(**{lookup: value})
        assert can(maker, action, judge(obj)), f"{basename} {value}"
