"""Starts the test OpenID Connect provider (node's oidc-provider, see oidc_provider/server.mjs)
and a Microsoft Graph stand-in on loopback, and walks a sign-in through the provider's login page
the way a browser does (redirects, the login form)."""

import json
import re
import shutil
import subprocess
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import jwt
import requests
from cryptography.hazmat.primitives.asymmetric import rsa
from django.conf import settings

SERVER_JS = Path(__file__).parent / "oidc_provider" / "server.mjs"
TENANT = "4f6b1c7e-2a35-4d8e-9b61-0c2d3e4f5a6b"
OTHER_TENANT = "9e8d7c6b-5a49-4382-a1b0-c9d8e7f6a5b4"
CLIENT_ID = "6a1f0c2b-3d4e-4f5a-8b9c-0d1e2f3a4b5c"
CLIENT_SECRET = "test-client-secret-not-for-production"
EXEC_GROUP = "3c1e5a7b-9d2f-4b6a-8c0e-1f3a5b7c9d2e"
MAKER_GROUP = "7b9d1f3a-5c7e-4a2b-9d4f-6a8c0e2b4d6f"


def oid(n: int) -> str:
    return f"00000000-0000-4000-8000-{n:012d}"


def person(n: int, login: str, name: str, **extra) -> dict:
    first, last = name.split(" ", 1)
    return {
        "oid": oid(n),
        "tid": TENANT,
        "ver": "2.0",
        "name": name,
        "given_name": first,
        "family_name": last,
        "preferred_username": f"{login}@contoso.example",
        "login_hint": f"hint-{login}",
        "email": f"{login}@contoso.example",
        **extra,
    }


# The provider's people (login name -> the claims Entra would put in their ID token).
ACCOUNTS = {
    "ana": person(
        1,
        "ana",
        "Ana Maker",
        roles=["CoE.Maker"],
        department="Accounts Payable",
        jobTitle="Payables clerk",
        xms_pl="en-GB",
    ),
    "lee": person(2, "lee", "Lee Lead", roles=["CoE.Lead"], department="IT"),
    "eve": person(3, "eve", "Eve Sponsor", groups=[EXEC_GROUP], roles=[]),
    "adam": person(4, "adam", "Adam Admin", roles=["CoE.Admin"]),
    "nora": person(5, "nora", "Nora Nobody", roles=[], groups=[]),
    # More than 200 groups: Entra leaves `groups` out and points to Graph instead.
    "olga": person(
        6,
        "olga",
        "Olga Overage",
        roles=[],
        _claim_names={"groups": "src1"},
        _claim_sources={
            "src1": {
                "endpoint": f"https://graph.windows.net/{TENANT}/users/{oid(6)}/getMemberObjects"
            }
        },
    ),
    "otto": person(7, "otto", "Otto Outsider", tid=OTHER_TENANT, roles=["CoE.Maker"]),
}
# What Graph's getMemberObjects answers per object id (the overage person's groups).
GRAPH_GROUPS = {
    oid(6): [f"{n:08d}-0000-4000-8000-000000000000" for n in range(250)] + [MAKER_GROUP]
}


def new_signing_jwk(kid: str) -> dict:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    jwk = jwt.algorithms.RSAAlgorithm.to_jwk(key, as_dict=True)
    return {**jwk, "kid": kid, "alg": "RS256", "use": "sig"}


def client_config(*base_urls: str) -> dict:
    return {
        "client_id": CLIENT_ID,
        "client_secret": CLIENT_SECRET,
        "redirect_uris": [f"{url}/accounts/entra/callback/" for url in base_urls],
        "post_logout_redirect_uris": [f"{url}/accounts/sign-in/" for url in base_urls],
        "token_endpoint_auth_method": "client_secret_post",
        "response_types": ["code"],
        "grant_types": ["authorization_code"],
    }


def ensure_node_modules() -> None:
    """oidc-provider comes from npm (package.json, package-lock.json); install it once."""
    root = Path(settings.BASE_DIR)
    if not (root / "node_modules" / "oidc-provider").is_dir():
        subprocess.run(  # noqa: S603 - fixed arguments
            [shutil.which("npm") or "npm", "ci", "--no-audit", "--no-fund"], cwd=root, check=True
        )


@dataclass
class TestProvider:
    process: subprocess.Popen
    port: int
    keys: list[dict]
    log: list[str] = field(default_factory=list)

    @property
    def issuer(self) -> str:
        return f"http://127.0.0.1:{self.port}/{TENANT}/v2.0"

    def configure(self, **change) -> None:
        response = requests.post(
            f"http://127.0.0.1:{self.port}/__admin/config", json=change, timeout=5
        )
        response.raise_for_status()

    def reset(self) -> None:
        self.configure(reset=True)

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=5)


def start_provider(
    tmp_dir: Path, *, app_urls=("http://testserver",), port: int = 0
) -> TestProvider:
    """Start the provider (on `port`, or any free one) for an application served at `app_urls`."""
    ensure_node_modules()
    keys = [new_signing_jwk("key-1")]
    config = {
        "port": port,
        "tenant": TENANT,
        "keys": keys,
        "clients": [client_config(*app_urls)],
        "accounts": ACCOUNTS,
    }
    path = tmp_dir / "oidc-provider.json"
    path.write_text(json.dumps(config))
    process = subprocess.Popen(  # noqa: S603 - fixed arguments
        [shutil.which("node") or "node", str(SERVER_JS), str(path)],
        cwd=settings.BASE_DIR,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    line = process.stdout.readline()
    match = re.match(r"READY (\d+)", line)
    if not match:
        process.kill()
        raise RuntimeError(f"the test OpenID provider did not start: {line!r}")
    return TestProvider(process=process, port=int(match.group(1)), keys=keys)


class GraphStandIn:
    """Speaks Graph's `POST /v1.0/users/{id}/getMemberObjects`. It accepts the caller's bearer
    token only if the provider's userinfo endpoint accepts it for that same object id."""

    def __init__(self, provider: TestProvider):
        self.provider = provider
        self.failing = False
        self.calls: list[str] = []
        stand_in = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_POST(self):
                length = int(self.headers.get("Content-Length") or 0)
                self.rfile.read(length)
                match = re.fullmatch(r"/v1\.0/users/([0-9a-f-]+)/getMemberObjects", self.path)
                status, body = stand_in.answer(match, self.headers.get("Authorization", ""))
                payload = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def answer(self, match, authorization: str) -> tuple[int, dict]:
        if self.failing:
            return 503, {"error": {"code": "serviceNotAvailable"}}
        if not match or not authorization.startswith("Bearer "):
            return 401, {"error": {"code": "InvalidAuthenticationToken"}}
        userinfo = requests.get(
            f"{self.provider.issuer}/me", headers={"Authorization": authorization}, timeout=5
        )
        if userinfo.status_code != 200 or userinfo.json().get("oid") != match.group(1):
            return 401, {"error": {"code": "InvalidAuthenticationToken"}}
        self.calls.append(match.group(1))
        return 200, {"value": GRAPH_GROUPS.get(match.group(1), [])}

    def stop(self) -> None:
        self.server.shutdown()


def walk_to_callback(
    authorize_url: str, login: str, browser: requests.Session | None = None
) -> str:
    """Follow the provider's redirects and fill in its login page as `login`; returns the URL
    the provider sends the browser back to (our callback, with code and state)."""
    browser = browser or requests.Session()
    url = authorize_url
    for _ in range(12):
        response = browser.get(url, allow_redirects=False, timeout=10)
        if response.status_code == 200 and 'name="login"' in response.text:
            response = browser.post(
                url,
                data={"prompt": "login", "login": login, "password": "any"},
                allow_redirects=False,
                timeout=10,
            )
        if response.status_code not in (302, 303):
            raise AssertionError(f"provider answered {response.status_code}: {response.text[:300]}")
        url = urljoin(url, response.headers["Location"])
        if not url.startswith(f"http://127.0.0.1:{urlsplit(authorize_url).port}/"):
            return url
    raise AssertionError("too many redirects at the provider")


def local_path(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.path}?{parts.query}" if parts.query else parts.path


def wait_for(predicate, timeout: float = 5.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.05)
    return False
