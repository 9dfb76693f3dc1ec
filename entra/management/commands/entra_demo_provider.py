"""Runs the test OpenID Connect provider with demo people, to try "Sign in with Microsoft" on a
local installation without a Microsoft tenant (see README, `make entra-demo`)."""

import tempfile
from pathlib import Path

from django.core.management.base import BaseCommand

from accounts.policy import Role
from entra.models import RoleMapping
from entra.tests.oidc_harness import (
    CLIENT_ID,
    CLIENT_SECRET,
    EXEC_GROUP,
    MAKER_GROUP,
    GraphStandIn,
    start_provider,
)

DEMO_MAPPINGS = [
    (RoleMapping.Kind.APP_ROLE, "CoE.Admin", Role.ADMIN),
    (RoleMapping.Kind.APP_ROLE, "CoE.Lead", Role.COE_LEAD),
    (RoleMapping.Kind.APP_ROLE, "CoE.Maker", Role.MAKER),
    (RoleMapping.Kind.GROUP, EXEC_GROUP, Role.EXECUTIVE),
    (RoleMapping.Kind.GROUP, MAKER_GROUP, Role.MAKER),
]


class Command(BaseCommand):
    help = "Run the local test OpenID provider (demo people) until Ctrl-C; adds demo role mappings."

    def add_arguments(self, parser):
        parser.add_argument("--port", type=int, default=8400)
        parser.add_argument("--app-url", default="http://127.0.0.1:8000")

    def handle(self, *args, port: int, app_url: str, **options):
        for kind, value, role in DEMO_MAPPINGS:
            RoleMapping.objects.get_or_create(
                kind=kind, value=value, role=role, defaults={"note": "demo"}
            )
        with tempfile.TemporaryDirectory() as folder:
            provider = start_provider(Path(folder), app_urls=(app_url.rstrip("/"),), port=port)
            graph = GraphStandIn(provider)  # answers getMemberObjects for the overage person
            self.stdout.write(f"OIDC_ISSUER={provider.issuer}")
            self.stdout.write(f"OIDC_GRAPH_URL={graph.url}")
            self.stdout.write(f"OIDC_CLIENT_ID={CLIENT_ID} OIDC_CLIENT_SECRET={CLIENT_SECRET}")
            self.stdout.write(
                "Sign in at the provider with any password as: ana (Maker), lee (CoE lead), "
                "eve (Executive, through a group), adam (Admin), nora (no role), olga (Maker "
                "through a group, read from the Graph stand-in: groups overage), otto (another "
                "tenant: refused)."
            )
            self.stdout.flush()
            try:
                provider.process.wait()
            except KeyboardInterrupt:
                provider.stop()
                graph.stop()
