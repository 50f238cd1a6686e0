#!/usr/bin/env node
// Smoke test of the test OP (op.mjs) without the Rust app: `node end2end/oidc/prova-op.mjs`.
// It serves a relying party's JWKS (one RS256 signing key, one RSA-OAEP-256 encryption key) on a loopback port,
// starts op.mjs for that relying party (SPID with --controllo, then CIE without), and plays the relying party of
// docs/design/spid-cie-oidc.md §1 with `jose`: discovery, signed request object with PKCE, the login form,
// private_key_jwt at the token endpoint, the ID token (signature, iss, aud, nonce, acr, at_hash), userinfo as a
// JWE wrapping a JWS, revocation, RP-initiated logout, «Annulla», and the two one-shot test modes.
// Exit 0 on success; otherwise a message on stderr, the OP's log, and exit 1.

import { spawn } from 'node:child_process';
import * as crypto from 'node:crypto';
import { readFileSync } from 'node:fs';
import * as http from 'node:http';
import { fileURLToPath } from 'node:url';

import * as jose from 'jose';

const PERSONE = JSON.parse(readFileSync(new URL('./persone.json', import.meta.url), 'utf8'));
const OP_SCRIPT = fileURLToPath(new URL('./op.mjs', import.meta.url));
const L = (n) => `https://www.spid.gov.it/SpidL${n}`;
const FISCAL_NUMBER = 'https://attributes.eid.gov.it/fiscal_number';

class Fallito extends Error {}
function check(condition, message) {
  if (!condition) throw new Fallito(message);
}
const persona = (cf) => {
  const p = PERSONE.find((x) => x.codice_fiscale === cf);
  check(p, `persona ${cf} assente da persone.json`);
  return p;
};

// --- the relying party's keys and its JWKS endpoint ----------------------------------------------------------

async function chiave(alg, use) {
  const { publicKey, privateKey } = await jose.generateKeyPair(alg, { modulusLength: 2048, extractable: true });
  const jwk = await jose.exportJWK(publicKey);
  jwk.kid = await jose.calculateJwkThumbprint(jwk);
  Object.assign(jwk, { use, alg });
  return { jwk, privateKey };
}
const firma = await chiave('RS256', 'sig');
const cifra = await chiave('RSA-OAEP-256', 'enc');

const rpServer = http.createServer((req, res) => {
  if (req.method === 'GET' && req.url === '/oidc/jwks.json') {
    const body = JSON.stringify({ keys: [firma.jwk, cifra.jwk] });
    res.writeHead(200, { 'Content-Type': 'application/json', 'Cache-Control': 'public, max-age=300' });
    res.end(body);
  } else {
    res.writeHead(404);
    res.end();
  }
});
await new Promise((resolve) => { rpServer.listen(0, '127.0.0.1', resolve); });
const RP = `http://127.0.0.1:${rpServer.address().port}`;
const REDIRECT_URI = `${RP}/accesso/oidc/callback`;
const POST_LOGOUT = `${RP}/accesso?uscita=1`;

// --- starting an OP --------------------------------------------------------------------------------------------

const figli = [];
async function avviaOp(args) {
  const child = spawn(process.execPath, [OP_SCRIPT, '--porta', '0', '--rp', RP, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const op = { child, log: '' };
  figli.push(op);
  child.stderr.on('data', (d) => { op.log += d; });
  const port = await new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Fallito(`op.mjs ${args.join(' ')}: nessuna riga PORT in 15 s`)), 15000);
    child.stdout.on('data', (d) => {
      out += d;
      const m = /^PORT (\d+)$/m.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(Number(m[1]));
      }
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Fallito(`op.mjs ${args.join(' ')} uscito (${code}) prima di PORT`));
    });
  });
  op.issuer = `http://127.0.0.1:${port}`;
  return op;
}

// --- HTTP with a hand-carried cookie jar --------------------------------------------------------------------------

function nuovoBarattolo() {
  return new Map();
}
function salvaCookie(jar, res) {
  for (const riga of res.headers.getSetCookie()) {
    const [coppia, ...attributi] = riga.split(';');
    const i = coppia.indexOf('=');
    const nome = coppia.slice(0, i).trim();
    const valore = coppia.slice(i + 1).trim();
    const scaduto = attributi.some((a) => /expires=Thu, 01 Jan 1970/i.test(a)) || valore === '';
    if (scaduto) jar.delete(nome); else jar.set(nome, valore);
  }
}
async function richiesta(jar, url, init = {}) {
  const headers = new Headers(init.headers);
  if (jar.size) headers.set('Cookie', [...jar].map(([k, v]) => `${k}=${v}`).join('; '));
  const res = await fetch(url, { ...init, headers, redirect: 'manual' });
  salvaCookie(jar, res);
  return res;
}

// Follows redirects on the OP's side; stops at the first page (200) or at a redirect leaving the OP.
async function segui(jar, op, res) {
  for (let i = 0; i < 10; i += 1) {
    if (res.status < 300 || res.status >= 400) return { res };
    const dove = new URL(res.headers.get('location'), op.issuer).href;
    if (!dove.startsWith(op.issuer)) return { uscita: dove };
    res = await richiesta(jar, dove);
  }
  throw new Fallito('troppi redirect presso l\'OP');
}

// --- playing the relying party ------------------------------------------------------------------------------------

async function scoperta(op) {
  const res = await fetch(`${op.issuer}/.well-known/openid-configuration`);
  check(res.status === 200, `discovery: stato ${res.status}`);
  const d = await res.json();
  check(d.issuer === op.issuer, `discovery: issuer ${d.issuer}`);
  check(d.authorization_response_iss_parameter_supported === true, 'discovery: manca authorization_response_iss_parameter_supported');
  check(d.request_parameter_supported === true, 'discovery: request_parameter_supported non vero');
  check(d.code_challenge_methods_supported?.includes('S256'), 'discovery: S256 assente');
  check(d.token_endpoint_auth_methods_supported?.includes('private_key_jwt'), 'discovery: private_key_jwt assente');
  check([1, 2, 3].every((n) => d.acr_values_supported?.includes(L(n))), 'discovery: livelli SPID assenti');
  check(d.claims_parameter_supported === true, 'discovery: claims_parameter_supported non vero');
  check(d.claims_supported?.includes(FISCAL_NUMBER), 'discovery: fiscal_number non tra i claims_supported');
  for (const e of ['authorization_endpoint', 'token_endpoint', 'userinfo_endpoint', 'revocation_endpoint', 'end_session_endpoint', 'jwks_uri']) {
    check(typeof d[e] === 'string' && d[e].startsWith(op.issuer), `discovery: ${e} assente`);
  }
  op.meta = d;
  op.jwks = jose.createRemoteJWKSet(new URL(d.jwks_uri));
  return d;
}

const casuale = () => crypto.randomBytes(32).toString('hex');

async function assertion(aud) {
  return new jose.SignJWT({ jti: crypto.randomUUID() })
    .setProtectedHeader({ alg: 'RS256', kid: firma.jwk.kid })
    .setIssuer(RP)
    .setSubject(RP)
    .setAudience(aud)
    .setIssuedAt()
    .setExpirationTime('60s')
    .sign(firma.privateKey);
}

// One authorization request up to the callback URL (captured, never fetched).
async function autorizza(op, jar, { cf, livello = '2', azione = 'entra', scope = 'openid' }) {
  const state = casuale();
  const nonce = casuale();
  const verifier = crypto.randomBytes(32).toString('base64url');
  const challenge = crypto.hash('sha256', verifier, 'base64url');
  const request = await new jose.SignJWT({
    client_id: RP,
    response_type: 'code',
    scope,
    redirect_uri: REDIRECT_URI,
    state,
    nonce,
    code_challenge: challenge,
    code_challenge_method: 'S256',
    acr_values: `${L(2)} ${L(3)}`,
    prompt: 'consent login',
    claims: {
      userinfo: {
        [FISCAL_NUMBER]: { essential: true }, given_name: null, family_name: null, email: null,
      },
    },
    ui_locales: 'it',
  })
    .setProtectedHeader({ alg: 'RS256', kid: firma.jwk.kid })
    .setIssuer(RP)
    .setAudience(op.issuer)
    .setIssuedAt()
    .setExpirationTime('5m')
    .sign(firma.privateKey);
  const url = new URL(op.meta.authorization_endpoint);
  url.search = new URLSearchParams({
    client_id: RP, response_type: 'code', scope, code_challenge: challenge, code_challenge_method: 'S256', request,
  }).toString();

  let passo = await segui(jar, op, await richiesta(jar, url.href));
  check(passo.res?.status === 200, `autorizzazione: attesa la pagina di accesso, ottenuto ${passo.res?.status ?? passo.uscita}`);
  const html = await passo.res.text();
  const pagina = new URL(passo.res.url || url.href);
  const azioneForm = /<form method="post" action="(\/interazione\/[^"]+)">/.exec(html)?.[1];
  check(azioneForm, 'pagina di accesso: form verso /interazione/<uid> assente');
  const p = persona(cf);
  check(html.includes(`id="persona-${cf}" value="${p.id}"`), `pagina di accesso: radio persona-${cf} assente`);
  check(html.includes(`<label for="persona-${cf}">${p.given_name} ${p.family_name} (${cf})</label>`), 'pagina di accesso: etichetta della persona assente');
  check(/id="livello-2" value="2" checked/.test(html), 'pagina di accesso: il livello 2 non è il predefinito');
  check(html.includes('<button type="submit" name="azione" value="entra">Entra</button>'), 'pagina di accesso: «Entra» assente');
  check(/name="azione" value="annulla"[^>]*>Annulla</.test(html), 'pagina di accesso: «Annulla» assente');
  check(!/<script/i.test(html), 'pagina di accesso: contiene uno script');

  const corpo = azione === 'annulla'
    ? new URLSearchParams({ azione: 'annulla' })
    : new URLSearchParams({ persona: p.id, livello, azione });
  const inviato = await richiesta(jar, new URL(azioneForm, pagina).href, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: corpo.toString(),
  });
  passo = await segui(jar, op, inviato);
  check(passo.uscita, `dopo il login: atteso il ritorno al servizio, ottenuto ${passo.res?.status}: ${passo.res ? (await passo.res.text()).slice(0, 300) : ''}`);
  check(passo.uscita.startsWith(`${REDIRECT_URI}?`), `ritorno a un indirizzo inatteso: ${passo.uscita}`);
  const risposta = new URL(passo.uscita).searchParams;
  check(risposta.get('state') === state, 'callback: state diverso');
  check(risposta.get('iss') === op.issuer, `callback: iss ${risposta.get('iss')}`);
  return {
    risposta, nonce, verifier, state,
  };
}

async function token(op, code, verifier) {
  const res = await fetch(op.meta.token_endpoint, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'authorization_code',
      code,
      redirect_uri: REDIRECT_URI,
      code_verifier: verifier,
      client_id: RP,
      client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
      client_assertion: await assertion(op.meta.token_endpoint),
    }),
  });
  const body = await res.json();
  check(res.status === 200, `token endpoint: ${res.status} ${JSON.stringify(body)}`);
  check(body.token_type === 'Bearer' && body.access_token && body.id_token && body.expires_in > 0, 'token endpoint: risposta incompleta');
  return body;
}

function atHash(accessToken) {
  const h = crypto.hash('sha256', accessToken, 'buffer');
  return h.subarray(0, h.length / 2).toString('base64url');
}

async function verificaIdToken(op, t, { nonce, acr }) {
  const { payload, protectedHeader } = await jose.jwtVerify(t.id_token, op.jwks, {
    issuer: op.issuer, audience: RP, algorithms: ['RS256'],
  });
  check(protectedHeader.kid, 'ID token: kid assente');
  check(payload.nonce === nonce, 'ID token: nonce diverso');
  check(payload.acr === acr, `ID token: acr ${payload.acr}, atteso ${acr}`);
  check(payload.at_hash === atHash(t.access_token), 'ID token: at_hash assente o sbagliato');
  check(typeof payload.sub === 'string' && !payload.sub.startsWith('utente-'), 'ID token: sub non pairwise');
  check(payload[FISCAL_NUMBER] === undefined, 'ID token: il codice fiscale deve arrivare solo da userinfo');
  return payload;
}

async function userinfo(op, accessToken, { sub, cf }) {
  const res = await fetch(op.meta.userinfo_endpoint, { headers: { Authorization: `Bearer ${accessToken}` } });
  const body = await res.text();
  check(res.status === 200, `userinfo: ${res.status} ${body}`);
  check((res.headers.get('content-type') || '').startsWith('application/jose'), `userinfo: content-type ${res.headers.get('content-type')}`);
  check(body.split('.').length === 5, 'userinfo: non è un JWE compatto');
  const { plaintext, protectedHeader } = await jose.compactDecrypt(body, cifra.privateKey);
  check(protectedHeader.alg === 'RSA-OAEP-256' && protectedHeader.enc === 'A256CBC-HS512', `userinfo: JWE ${protectedHeader.alg}/${protectedHeader.enc}`);
  check(protectedHeader.cty === 'JWT', 'userinfo: cty del JWE non è JWT');
  check(protectedHeader.kid === cifra.jwk.kid, 'userinfo: kid del JWE non è la chiave enc del servizio');
  const interno = new TextDecoder().decode(plaintext);
  const { payload } = await jose.jwtVerify(interno, op.jwks, { issuer: op.issuer, audience: RP, algorithms: ['RS256'] });
  check(payload.sub === sub, 'userinfo: sub diverso da quello dell\'ID token');
  check(payload[FISCAL_NUMBER] === `TINIT-${cf}`, `userinfo: fiscal_number ${payload[FISCAL_NUMBER]}`);
  const p = persona(cf);
  check(payload.given_name === p.given_name && payload.family_name === p.family_name && payload.email === p.email, 'userinfo: nome, cognome o e-mail mancanti');
  check(typeof payload.iat === 'number' && typeof payload.exp === 'number', 'userinfo: iat/exp assenti');
  return payload;
}

async function revoca(op, accessToken) {
  const res = await fetch(op.meta.revocation_endpoint, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      token: accessToken,
      token_type_hint: 'access_token',
      client_id: RP,
      client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
      client_assertion: await assertion(op.meta.revocation_endpoint),
    }),
  });
  check(res.status === 200, `revoca: ${res.status} ${await res.text()}`);
  const dopo = await fetch(op.meta.userinfo_endpoint, { headers: { Authorization: `Bearer ${accessToken}` } });
  check(dopo.status === 401, `userinfo dopo la revoca: ${dopo.status}`);
}

async function modalita(op, m) {
  const res = await fetch(`${op.issuer}/__prova/modalita?m=${m}`, { method: 'POST' });
  check(res.status === 204, `modalità ${m}: ${res.status}`);
}

// A whole login for `cf`; returns the ID token's claims (checked) and the tokens.
async function accessoCompleto(op, jar, { cf, livello = '2', scope }) {
  const a = await autorizza(op, jar, { cf, livello, scope });
  check(a.risposta.get('code'), 'callback: code assente');
  const t = await token(op, a.risposta.get('code'), a.verifier);
  const id = await verificaIdToken(op, t, { nonce: a.nonce, acr: L(livello) });
  const info = await userinfo(op, t.access_token, { sub: id.sub, cf });
  await revoca(op, t.access_token);
  return { id, info };
}

async function uscita(op, jar) {
  const url = new URL(op.meta.end_session_endpoint);
  const state = casuale();
  url.search = new URLSearchParams({ client_id: RP, post_logout_redirect_uri: POST_LOGOUT, state }).toString();
  const res = await richiesta(jar, url.href);
  const html = await res.text();
  check(res.status === 200, `end_session: ${res.status}`);
  check(!/<script/i.test(html), 'pagina di uscita: contiene uno script');
  const form = /<form[^>]*action="([^"]+)"[^>]*>([\s\S]*?)<\/form>/.exec(html);
  check(form && form[2].includes('<button type="submit" name="logout" value="yes">Esci</button>'), 'pagina di uscita: «Esci» non è nel form');
  const campi = new URLSearchParams();
  for (const [, n, v] of form[2].matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)"/g)) campi.set(n, v);
  campi.set('logout', 'yes');
  const conferma = await richiesta(jar, new URL(form[1], op.issuer).href, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: campi.toString(),
  });
  check(conferma.status === 303, `conferma dell'uscita: ${conferma.status}`);
  const dove = new URL(conferma.headers.get('location'));
  check(dove.href.startsWith(`${POST_LOGOUT}&`) && dove.searchParams.get('state') === state, `uscita: ritorno a ${dove.href}`);
  return html;
}

// --- the run ------------------------------------------------------------------------------------------------------

const passi = [];
function ok(testo) {
  passi.push(testo);
  console.log(`ok  ${testo}`);
}

async function main() {
  const spid = await avviaOp(['--tipo', 'spid', '--nome', 'IdP Prova', '--controllo']);
  await scoperta(spid);
  ok(`OP SPID su ${spid.issuer}: discovery`);
  const jar = nuovoBarattolo();

  const mario = 'RSSMRA70A01H501S';
  const primo = await accessoCompleto(spid, jar, { cf: mario });
  ok('Mario Rossi, livello 2: request object, login, token (private_key_jwt, PKCE), ID token (firma, iss, aud, nonce, acr SpidL2, at_hash), userinfo JWE(JWS) con TINIT-, revoca');

  const secondo = await accessoCompleto(spid, jar, { cf: mario });
  check(secondo.id.sub === primo.id.sub, 'sub pairwise non stabile');
  ok('di nuovo Mario nello stesso browser: stesso sub pairwise');

  const nuovo = 'CRSSLV78T67F205G';
  await accessoCompleto(spid, jar, { cf: nuovo, livello: '3' });
  ok('Silvia Caruso (nuova utente) nello stesso browser dopo Mario, livello 3: acr SpidL3');

  await modalita(spid, 'nonce-errato');
  {
    const a = await autorizza(spid, jar, { cf: mario });
    const t = await token(spid, a.risposta.get('code'), a.verifier);
    const { payload } = await jose.jwtVerify(t.id_token, spid.jwks, { issuer: spid.issuer, audience: RP });
    check(payload.nonce && payload.nonce !== a.nonce, 'nonce-errato: il nonce non è cambiato');
    check(payload.at_hash === atHash(t.access_token), 'nonce-errato: at_hash sbagliato');
  }
  ok('modalità nonce-errato: il prossimo ID token ha un altro nonce (firma valida)');

  await modalita(spid, 'chiave-ignota');
  {
    const a = await autorizza(spid, jar, { cf: mario });
    const t = await token(spid, a.risposta.get('code'), a.verifier);
    check(jose.decodeProtectedHeader(t.id_token).kid === 'sconosciuta', 'chiave-ignota: kid non è "sconosciuta"');
    let rifiutato = false;
    try {
      await jose.jwtVerify(t.id_token, spid.jwks, { issuer: spid.issuer, audience: RP });
    } catch (err) {
      rifiutato = err.code === 'ERR_JWKS_NO_MATCHING_KEY';
    }
    check(rifiutato, 'chiave-ignota: l\'ID token si verifica con il JWKS dell\'OP');
    const claims = jose.decodeJwt(t.id_token);
    check(claims.nonce === a.nonce && claims.acr === L(2) && claims.at_hash === atHash(t.access_token), 'chiave-ignota: contenuto diverso');
  }
  ok('modalità chiave-ignota: il prossimo ID token è firmato da una chiave fuori dal JWKS, kid "sconosciuta"');

  await modalita(spid, 'nonce-errato');
  await modalita(spid, 'normale');
  await accessoCompleto(spid, jar, { cf: mario, livello: '1' });
  ok('modalità normale annulla quella in attesa; livello 1 arriva come SpidL1');

  {
    const a = await autorizza(spid, jar, { cf: mario, azione: 'annulla' });
    check(a.risposta.get('error') === 'access_denied', `annulla: error ${a.risposta.get('error')}`);
    check(a.risposta.get('error_description') === 'Autenticazione annullata dall\'utente', 'annulla: error_description');
    check(!a.risposta.get('code'), 'annulla: c\'è un code');
  }
  ok('«Annulla»: error=access_denied con state e iss');

  const bad = await fetch(`${spid.issuer}/__prova/modalita?m=boh`, { method: 'POST' });
  check(bad.status === 400, `modalità sconosciuta: ${bad.status}`);

  await accessoCompleto(spid, jar, { cf: 'GLLPLA75E15H501K' });
  const paginaUscita = await uscita(spid, jar);
  check(paginaUscita.includes('Esci'), 'pagina di uscita');
  ok('uscita avviata dal servizio: pagina italiana, «Esci», ritorno a /accesso?uscita=1 con state');
  const senzaSessione = await uscita(spid, nuovoBarattolo());
  check(senzaSessione.includes('Vuole uscire?'), 'uscita senza sessione');
  ok('uscita senza sessione presso l\'OP: stessa pagina italiana senza script');

  const cie = await avviaOp(['--tipo', 'cie', '--nome', 'CIE id']);
  const d = await scoperta(cie);
  check(['openid', 'profile', 'email'].every((s) => d.scopes_supported.includes(s)), 'CIE: scope profile/email assenti');
  ok(`OP CIE su ${cie.issuer}: discovery con scope profile ed email`);
  await accessoCompleto(cie, nuovoBarattolo(), { cf: 'BNCLRA85M41F205C', scope: 'openid profile email' });
  ok('CIE, Laura Bianchi: accesso completo');
  const senzaControllo = await fetch(`${cie.issuer}/__prova/modalita?m=nonce-errato`, { method: 'POST' });
  check(senzaControllo.status === 404, `senza --controllo /__prova/modalita risponde ${senzaControllo.status}`);
  ok('senza --controllo /__prova/modalita non esiste');

  for (const op of figli) {
    check(!/eyJ[A-Za-z0-9_-]{10,}\./.test(op.log), 'il log dell\'OP contiene un JWT');
  }
  ok('nessun JWT nei log degli OP');
}

let esito = 0;
try {
  await main();
  console.log(`prova-op: tutto bene (${passi.length} controlli)`);
} catch (err) {
  esito = 1;
  console.error(`prova-op: FALLITO: ${err instanceof Fallito ? err.message : err?.stack || err}`);
  for (const op of figli) {
    console.error(`--- log di op.mjs (${op.issuer ?? 'non avviato'}) ---\n${op.log}`);
  }
} finally {
  for (const op of figli) op.child.kill('SIGTERM');
  rpServer.close();
}
process.exit(esito);
