import pytest
from django.contrib.auth.models import Group
from django.core.cache import cache

from accounts.policy import ROLE_GROUPS, Role
from entra.models import RoleMapping

from .oidc_harness import (
    CLIENT_ID,
    CLIENT_SECRET,
    EXEC_GROUP,
    MAKER_GROUP,
    GraphStandIn,
    start_provider,
)


@pytest.fixture(scope="session")
def oidc_provider(tmp_path_factory):
    provider = start_provider(tmp_path_factory.mktemp("oidc"))
    yield provider
    provider.stop()


@pytest.fixture(scope="session")
def graph_stand_in(oidc_provider):
    graph = GraphStandIn(oidc_provider)
    yield graph
    graph.stop()


@pytest.fixture
def entra(db, settings, oidc_provider, graph_stand_in):
    """Entra sign-in configured against the test provider, which starts each test afresh."""
    settings.OIDC_ISSUER = oidc_provider.issuer
    settings.OIDC_CLIENT_ID = CLIENT_ID
    settings.OIDC_CLIENT_SECRET = CLIENT_SECRET
    settings.OIDC_GRAPH_URL = graph_stand_in.url
    settings.OIDC_TIMEOUT = 5.0  # generous: a busy test machine; the timeout tests set 0.5
    oidc_provider.reset()
    graph_stand_in.failing = False
    graph_stand_in.calls.clear()
    cache.clear()
    yield oidc_provider
    cache.clear()


@pytest.fixture
def role_mappings(db):
    """The admin's mappings: app roles for three roles, a group for executives and makers."""
    for name in ROLE_GROUPS.values():  # a browser test's flush removes the migration's groups
        Group.objects.get_or_create(name=name)
    rows = [
        (RoleMapping.Kind.APP_ROLE, "CoE.Admin", Role.ADMIN),
        (RoleMapping.Kind.APP_ROLE, "CoE.Lead", Role.COE_LEAD),
        (RoleMapping.Kind.APP_ROLE, "CoE.Maker", Role.MAKER),
        (RoleMapping.Kind.GROUP, EXEC_GROUP, Role.EXECUTIVE),
        (RoleMapping.Kind.GROUP, MAKER_GROUP, Role.MAKER),
    ]
    return [RoleMapping.objects.create(kind=k, value=v, role=r) for k, v, r in rows]
