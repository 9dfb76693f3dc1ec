// A real OpenID Connect provider (node's oidc-provider) for the Entra sign-in tests. It issues
// Entra-shaped ID tokens (tid, oid, roles, groups, and the groups-overage claims) signed with the
// keys it publishes at its JWKS. The test suite starts it on loopback and steers it through
// POST /__admin/config: accounts, clients, signing keys (rotation), a wrong clock, slow endpoints,
// and a "man in the middle" that alters the ID token on its way back from the token endpoint.
import http from 'node:http';
import { readFileSync } from 'node:fs';
import Provider from 'oidc-provider';
import * as jose from 'jose';

const initial = JSON.parse(readFileSync(process.argv[2], 'utf8'));
let state = structuredClone(initial);
state.clockOffset = 0;
state.tamper = null;
state.delays = {};

// A provider whose clock is wrong issues tokens that are already expired or not yet valid.
const realNow = Date.now.bind(Date);
Date.now = () => realNow() + state.clockOffset * 1000;

const PROFILE_CLAIMS = [
  'name', 'given_name', 'family_name', 'preferred_username', 'oid', 'tid', 'roles', 'groups',
  'department', 'jobTitle', 'login_hint', 'ver', 'xms_pl',
];

let port;
let current;
// A key the provider never publishes (made once: RSA key generation is slow on a busy machine).
const { privateKey: roguePrivate } = await jose.generateKeyPair('RS256', { extractable: true });
const rogueJwk = { ...(await jose.exportJWK(roguePrivate)), kid: 'rogue-key' };

function build() {
  const prefix = `/${state.tenant}/v2.0`;
  const provider = new Provider(`http://127.0.0.1:${port}${prefix}`, {
    clients: state.clients,
    jwks: { keys: state.keys },
    async findAccount(ctx, id) {
      const claims = state.accounts[id];
      if (!claims) return undefined;
      return { accountId: id, async claims() { return { sub: id, ...claims }; } };
    },
    claims: { openid: ['sub'], profile: PROFILE_CLAIMS, email: ['email'] },
    // Entra puts the profile claims into the ID token itself.
    conformIdTokenClaims: false,
    // The organisation has consented for its people: no consent page after the login page.
    async loadExistingGrant(ctx) {
      const grantId = ctx.oidc.result?.consent?.grantId
        || ctx.oidc.session.grantIdFor(ctx.oidc.client.clientId);
      if (grantId) return ctx.oidc.provider.Grant.find(grantId);
      const grant = new ctx.oidc.provider.Grant({
        clientId: ctx.oidc.client.clientId, accountId: ctx.oidc.session.accountId,
      });
      grant.addOIDCScope('openid profile email');
      await grant.save();
      return grant;
    },
    features: { devInteractions: { enabled: true }, rpInitiatedLogout: { enabled: true } },
    pkce: { required: () => true },
    ttl: { AuthorizationCode: 600, IdToken: 3600, AccessToken: 3600, Interaction: 3600, Session: 3600, Grant: 3600 },
    cookies: { keys: ['test-provider-cookie-key'] },
  });
  return { prefix, handler: provider.callback() };
}

function b64json(part) {
  return JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
}

async function alterIdToken(token, tamper) {
  const [header, payload, signature] = token.split('.');
  const claims = b64json(payload);
  if (tamper.kind === 'signature') {
    // Escalate privileges in the payload but keep the provider's signature.
    claims.roles = ['CoE.Admin'];
    return [header, Buffer.from(JSON.stringify(claims)).toString('base64url'), signature].join('.');
  }
  for (const [name, value] of Object.entries(tamper.claims || {})) {
    if (value === null) delete claims[name]; else claims[name] = value;
  }
  const jwk = tamper.kind === 'unknown_key' ? rogueJwk : state.keys[0];
  const key = await jose.importJWK(jwk, 'RS256');
  return new jose.SignJWT(claims).setProtectedHeader({ alg: 'RS256', kid: jwk.kid, typ: 'JWT' }).sign(key);
}

function interceptTokenResponse(res, tamper) {
  const chunks = [];
  const end = res.end.bind(res);
  res.write = (chunk) => { chunks.push(Buffer.from(chunk)); return true; };
  res.end = (chunk) => {
    if (chunk) chunks.push(Buffer.from(chunk));
    const body = Buffer.concat(chunks).toString('utf8');
    let parsed;
    try { parsed = JSON.parse(body); } catch { end(body); return res; }
    if (!parsed.id_token) { end(body); return res; }
    alterIdToken(parsed.id_token, tamper).then((altered) => {
      const out = JSON.stringify({ ...parsed, id_token: altered });
      res.setHeader('content-length', Buffer.byteLength(out));
      end(out);
    });
    return res;
  };
}

function readJson(req) {
  return new Promise((resolve) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => resolve(chunks.length ? JSON.parse(Buffer.concat(chunks).toString('utf8')) : {}));
  });
}

const server = http.createServer(async (req, res) => {
  if (req.url === '/__admin/config' && req.method === 'POST') {
    const change = await readJson(req);
    const rebuild = 'keys' in change || 'clients' in change || 'tenant' in change || change.reset;
    if (change.reset) {
      state = { ...structuredClone(initial), clockOffset: 0, tamper: null, delays: {} };
    }
    delete change.reset;
    Object.assign(state, change);
    if (rebuild) current = build();
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ issuer: `http://127.0.0.1:${port}${current.prefix}` }));
    return;
  }
  const { prefix, handler } = current;
  if (!req.url.startsWith(`${prefix}/`)) {
    res.statusCode = 404;
    res.end('not found');
    return;
  }
  const path = req.url.slice(prefix.length).split('?')[0];
  const endpoint = { '/token': 'token', '/.well-known/openid-configuration': 'discovery', '/jwks': 'jwks' }[path];
  const delay = endpoint && state.delays[endpoint];
  if (delay) await new Promise((resolve) => { setTimeout(resolve, delay); });
  if (endpoint === 'token' && state.tamper) interceptTokenResponse(res, state.tamper);
  req.originalUrl = req.url;
  req.url = req.url.slice(prefix.length);
  handler(req, res);
});

server.listen(initial.port || 0, '127.0.0.1', () => {
  port = server.address().port;
  current = build();
  process.stdout.write(`READY ${port}\n`);
});
