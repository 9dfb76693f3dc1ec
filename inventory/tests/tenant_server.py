"""A local stand-in for the Microsoft endpoints the sync talks to, speaking their documented
protocols over HTTPS (msal insists on https): Entra's OpenID configuration, authorize and token
endpoints (authorization code with PKCE S256, refresh tokens that rotate and can be revoked), and
the Power Platform inventory API's Resource Query (paging by skip token, 429 with Retry-After,
malformed pages, slow pages). Tests change `state` to script what it answers."""

import base64
import datetime
import hashlib
import ipaddress
import json
import secrets
import ssl
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlencode, urlparse

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

TENANT = "72f988bf-1111-4a00-9c00-2d7cd011db47"


def self_signed(folder) -> tuple[str, str]:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = folder / "server.pem", folder / "server.key"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return str(cert_path), str(key_path)


class State:
    def __init__(self):
        self.resources: list[dict] = []
        self.page_size = 2
        self.codes: dict[str, dict] = {}  # code -> {challenge, redirect_uri}
        self.refresh_tokens: set[str] = set()
        self.access_tokens: set[str] = set()
        self.queries: list[dict] = []
        self.throttle_next = 0  # answer 429 this many times
        self.retry_after = "1"
        self.fail_page: int | None = None  # page number answered with a broken body
        self.slow_page: int | None = None  # page number answered after `slow_seconds`
        self.slow_seconds = 2.0
        self.slow_times = 1
        self.expire_access_tokens_after = None  # invalidate access tokens after n queries


class Handler(BaseHTTPRequestHandler):
    server_version = "TenantStandIn/1.0"

    def log_message(self, *args):
        pass

    @property
    def state(self) -> State:
        return self.server.state

    def _json(self, status: int, body, headers=None):
        data = body if isinstance(body, bytes) else json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):
        url = urlparse(self.path)
        base = f"https://127.0.0.1:{self.server.server_port}/{TENANT}"
        if url.path == f"/{TENANT}/v2.0/.well-known/openid-configuration":
            return self._json(
                200,
                {
                    "issuer": f"{base}/v2.0",
                    "authorization_endpoint": f"{base}/oauth2/v2.0/authorize",
                    "token_endpoint": f"{base}/oauth2/v2.0/token",
                    "jwks_uri": f"{base}/discovery/v2.0/keys",
                    "end_session_endpoint": f"{base}/oauth2/v2.0/logout",
                },
            )
        if url.path == f"/{TENANT}/oauth2/v2.0/authorize":
            query = {k: v[0] for k, v in parse_qs(url.query).items()}
            assert query["code_challenge_method"] == "S256"
            code = secrets.token_urlsafe(16)
            self.state.codes[code] = query
            location = f"{query['redirect_uri']}?" + urlencode(
                {"code": code, "state": query["state"]}
            )
            self.send_response(302)
            self.send_header("Location", location)
            self.end_headers()
            return None
        return self._json(404, {"error": {"code": "NotFound", "message": url.path}})

    def _issue(self):
        access, refresh = secrets.token_urlsafe(24), secrets.token_urlsafe(24)
        self.state.access_tokens.add(access)
        self.state.refresh_tokens.add(refresh)
        return self._json(
            200,
            {
                "token_type": "Bearer",
                "scope": "https://api.powerplatform.com/.default",
                "expires_in": 3600,
                "access_token": access,
                "refresh_token": refresh,
            },
        )

    def do_POST(self):
        url = urlparse(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length)
        if url.path == f"/{TENANT}/oauth2/v2.0/token":
            form = {k: v[0] for k, v in parse_qs(raw.decode()).items()}
            if form.get("grant_type") == "authorization_code":
                issued = self.state.codes.pop(form.get("code", ""), None)
                verifier = form.get("code_verifier", "")
                challenge = (
                    base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest())
                    .rstrip(b"=")
                    .decode()
                )
                if issued is None or issued["code_challenge"] != challenge:
                    return self._json(
                        400,
                        {"error": "invalid_grant", "error_description": "AADSTS70008: bad code"},
                    )
                return self._issue()
            if form.get("grant_type") == "refresh_token":
                token = form.get("refresh_token", "")
                if token not in self.state.refresh_tokens:
                    return self._json(
                        400,
                        {
                            "error": "invalid_grant",
                            "error_description": "AADSTS700082: The refresh token has expired "
                            "or was revoked.",
                        },
                    )
                self.state.refresh_tokens.discard(token)  # rotation: each is used once
                return self._issue()
            return self._json(400, {"error": "unsupported_grant_type"})
        if url.path == "/resourcequery/resources/query":
            return self._query(url, raw)
        return self._json(404, {"error": {"code": "NotFound", "message": url.path}})

    def _query(self, url, raw):
        state = self.state
        if parse_qs(url.query).get("api-version") != ["2024-10-01"]:
            return self._json(400, {"error": {"code": "BadRequest", "message": "api-version"}})
        token = self.headers.get("Authorization", "").removeprefix("Bearer ")
        if token not in state.access_tokens:
            return self._json(401, {"error": {"code": "Unauthorized", "message": "token"}})
        body = json.loads(raw)
        assert body["TableName"] == "PowerPlatformResources"
        state.queries.append(body)
        if state.expire_access_tokens_after is not None:
            state.expire_access_tokens_after -= 1
            if state.expire_access_tokens_after <= 0:
                state.access_tokens.clear()
                state.expire_access_tokens_after = None
        if state.throttle_next:
            state.throttle_next -= 1
            return self._json(
                429,
                {"error": {"code": "RateLimiting", "message": "ARG throttling"}},
                {"Retry-After": state.retry_after},
            )
        start = int(body["Options"]["SkipToken"] or 0)
        page_number = start // state.page_size + 1
        if state.slow_page == page_number and state.slow_times:
            state.slow_times -= 1
            time.sleep(state.slow_seconds)
        if state.fail_page == page_number:
            return self._json(200, b"<html>Service unavailable</html>")
        matching = _where(state.resources, body.get("Clauses") or [])
        rows = matching[start : start + state.page_size]
        following = start + state.page_size
        return self._json(
            200,
            {
                "totalRecords": len(matching),
                "count": len(rows),
                "resultTruncated": 1 if following < len(matching) else 0,
                "skipToken": str(following) if following < len(matching) else "",
                "data": rows,
            },
        )


def _where(rows: list[dict], clauses: list[dict]) -> list[dict]:
    """The rows a query's `where type in~ (...)` clauses let through (case-insensitive, as KQL's
    in~); other clauses leave the rows as they are."""
    for clause in clauses:
        if clause.get("$type") == "where" and clause.get("Operator") == "in~":
            field = clause["FieldName"]
            wanted = {value.strip("'").lower() for value in clause["Values"]}
            rows = [row for row in rows if str(row.get(field, "")).lower() in wanted]
    return rows


class TenantServer:
    def __init__(self, folder):
        self.cert, key = self_signed(folder)
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(self.cert, key)
        self.httpd.socket = context.wrap_socket(self.httpd.socket, server_side=True)
        self.httpd.state = State()
        self.state = self.httpd.state
        self.url = f"https://127.0.0.1:{self.httpd.server_port}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.httpd.shutdown()
        self.httpd.server_close()
