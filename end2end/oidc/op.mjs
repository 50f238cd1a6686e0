#!/usr/bin/env node
// The test OpenID Provider of development and the browser tests (docs/design/spid-cie-oidc.md §7): a SPID or CIE
// identity provider as far as Cassetto's relying party can tell, built on oidc-provider (pinned in package.json).
// NEVER for production: the people are fixed (persone.json), anyone may log in as any of them, the cookie keys
// are a constant, everything lives in memory.
//
//   node end2end/oidc/op.mjs --porta 0 --tipo spid|cie --nome "IdP Demo 1" --rp http://127.0.0.1:3000 [--controllo]
//
// It listens on 127.0.0.1 (port 0: a free one) and prints `PORT <n>` on stdout once it answers; every other line
// goes to stderr, and no code, token or assertion is ever logged. With --controllo (tests only)
// `POST /__prova/modalita?m=nonce-errato|chiave-ignota|normale` sets what the NEXT token response does:
// `nonce-errato` gives its ID token another nonce, `chiave-ignota` re-signs its ID token with a key outside the
// OP's JWKS (header kid "sconosciuta"); `normale` clears a pending mode. Answers 204.

import * as crypto from 'node:crypto';
import { readFileSync } from 'node:fs';
import * as http from 'node:http';
import { parseArgs } from 'node:util';

import * as jose from 'jose';
import Provider from 'oidc-provider';

// stdout carries only the PORT line (scripts read it); the library's notices go to stderr with the rest.
for (const method of ['log', 'info', 'warn', 'debug']) {
  console[method] = console.error;
}

const { values: argv } = parseArgs({
  options: {
    porta: { type: 'string', default: '0' },
    tipo: { type: 'string', default: 'spid' },
    nome: { type: 'string', default: 'IdP Demo' },
    rp: { type: 'string', default: 'http://127.0.0.1:3000' },
    controllo: { type: 'boolean', default: false },
  },
  strict: true,
});

function fail(message) {
  console.error(`op.mjs: ${message}`);
  process.exit(2);
}

const porta = Number(argv.porta);
if (!Number.isInteger(porta) || porta < 0 || porta > 65535) fail(`--porta non valida: ${argv.porta}`);
if (!['spid', 'cie'].includes(argv.tipo)) fail(`--tipo deve essere spid o cie, non ${argv.tipo}`);
let rp;
try {
  const url = new URL(argv.rp);
  if (!['http:', 'https:'].includes(url.protocol) || url.search || url.hash) throw new Error('forma');
  rp = url.href.replace(/\/+$/, '');
} catch {
  fail(`--rp deve essere l'URL del servizio (client_id), es. http://127.0.0.1:3000: ${argv.rp}`);
}
const { tipo, nome, controllo } = argv;

// The people (also read by the Rust tests): { id, given_name, family_name, email, codice_fiscale }.
const PERSONE = JSON.parse(readFileSync(new URL('./persone.json', import.meta.url), 'utf8'));
const PERSONA = new Map(PERSONE.map((p) => [p.id, p]));

const LIVELLO = (n) => `https://www.spid.gov.it/SpidL${n}`;
const FISCAL_NUMBER = 'https://attributes.eid.gov.it/fiscal_number';
// What the user "used" at each level (RFC 8176 values): a password, then an OTP, then a hardware key.
const AMR = { 1: ['pwd'], 2: ['pwd', 'otp'], 3: ['pwd', 'hwk'] };

const SCOPES = tipo === 'cie' ? ['openid', 'profile', 'email'] : ['openid'];
// SPID gives attributes only when asked through the `claims` parameter; CIE also has the profile and email scopes.
const CLAIMS = tipo === 'cie'
  ? {
    openid: ['sub'], profile: ['given_name', 'family_name'], email: ['email'], [FISCAL_NUMBER]: null,
  }
  : {
    openid: ['sub'], given_name: null, family_name: null, email: null, [FISCAL_NUMBER]: null,
  };

const ROUTE_INTERAZIONE = /^\/interazione\/([A-Za-z0-9_-]{1,64})$/;
const MAX_FORM = 16 * 1024;

// --- small helpers --------------------------------------------------------------------------------------------

function esc(value) {
  return String(value ?? '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

const STILE = `
  body { font-family: "Titillium Web", system-ui, sans-serif; margin: 0; background: #f5f5f0; color: #1a1a1a; }
  header { background: #0066cc; color: #fff; padding: .75rem 1.5rem; }
  header p { margin: 0; font-size: .9rem; }
  main { max-width: 40rem; margin: 1.5rem auto; background: #fff; padding: 1.5rem 2rem; border-radius: 4px; }
  h1 { font-size: 1.6rem; margin-top: 0; }
  fieldset { border: 1px solid #c5c7c9; margin: 0 0 1.25rem; padding: .75rem 1rem; }
  legend { font-weight: 600; padding: 0 .25rem; }
  .scelta { margin: .35rem 0; }
  button { font: inherit; font-weight: 600; padding: .5rem 1.5rem; margin-right: .75rem; border-radius: 4px;
           border: 2px solid #0066cc; background: #0066cc; color: #fff; cursor: pointer; }
  button.secondario { background: #fff; color: #0066cc; }
  :focus-visible { outline: 3px solid #ff9900; outline-offset: 2px; }
  .avviso { border-left: 4px solid #d9364f; padding: .25rem .75rem; }
  dt { font-weight: 600; }
`;

// A whole page; `corpo` is trusted markup (every value in it escaped by the caller). No script, ever.
function pagina(ctx, { status = 200, titolo, corpo }) {
  ctx.status = status;
  ctx.type = 'html';
  ctx.set('Cache-Control', 'no-store');
  // No form-action: the login form's answer redirects to the relying party, which form-action would block.
  ctx.set('Content-Security-Policy', "default-src 'none'; style-src 'unsafe-inline'; img-src 'self'; base-uri 'none'; frame-ancestors 'none'");
  ctx.body = `<!DOCTYPE html>
<html lang="it">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(titolo)} – ${esc(nome)}</title>
<style>${STILE}</style>
</head>
<body>
<header><p>${esc(nome)} · fornitore di identità di prova (${tipo === 'cie' ? 'CIE' : 'SPID'}), solo per sviluppo e test</p></header>
<main>
<h1>${esc(nome)}</h1>
${corpo}
</main>
</body>
</html>`;
}

function paginaErrore(ctx, status, messaggio, dettagli = []) {
  const righe = dettagli.filter(([, v]) => v).map(([k, v]) => `<dt>${esc(k)}</dt><dd>${esc(v)}</dd>`).join('');
  pagina(ctx, {
    status,
    titolo: 'Errore',
    corpo: `<h2>Si è verificato un errore</h2>
<p class="avviso">${esc(messaggio)}</p>
${righe ? `<dl>${righe}</dl>` : ''}
<p>Torni al sito del servizio e ripeta l'accesso.</p>`,
  });
}

const ERRORI = {
  invalid_request: 'La richiesta non è valida.',
  invalid_request_object: 'L\'oggetto della richiesta (request) non è valido.',
  invalid_client: 'Il servizio che chiede l\'accesso non è riconosciuto.',
  invalid_redirect_uri: 'L\'indirizzo di ritorno non è tra quelli registrati per il servizio.',
  invalid_scope: 'L\'ambito richiesto non è valido.',
  unauthorized_client: 'Il servizio non è autorizzato a questa richiesta.',
  unsupported_response_type: 'Il tipo di risposta richiesto non è supportato.',
  access_denied: 'Accesso negato.',
  login_required: 'È necessario autenticarsi.',
  consent_required: 'È necessario il consenso.',
  session_not_found: 'La sessione di accesso è scaduta o non è stata trovata.',
  server_error: 'Errore interno del fornitore di identità.',
};

async function leggiForm(req) {
  const tipoCorpo = String(req.headers['content-type'] || '').split(';')[0].trim().toLowerCase();
  if (tipoCorpo !== 'application/x-www-form-urlencoded') return null;
  const parti = [];
  let lunghezza = 0;
  for await (const parte of req) {
    lunghezza += parte.length;
    if (lunghezza > MAX_FORM) return null;
    parti.push(parte);
  }
  return new URLSearchParams(Buffer.concat(parti).toString('utf8'));
}

function epoch() {
  return Math.floor(Date.now() / 1000);
}

// --- the OP's signing key (RSA, generated at each start) -----------------------------------------------------

const { privateKey: chiavePrivata } = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
const jwkOp = chiavePrivata.export({ format: 'jwk' });
jwkOp.kid = await jose.calculateJwkThumbprint(jwkOp);
jwkOp.use = 'sig';
jwkOp.alg = 'RS256';

// --- the one-shot test modes ---------------------------------------------------------------------------------

const MODALITA = new Set(['nonce-errato', 'chiave-ignota', 'normale']);
let modalita = 'normale';
function prendiModalita() {
  const m = modalita;
  modalita = 'normale';
  return m;
}

let chiaveIgnota;
async function firmaConChiaveIgnota(jwt) {
  chiaveIgnota ||= (await jose.generateKeyPair('RS256')).privateKey;
  return new jose.SignJWT(jose.decodeJwt(jwt))
    .setProtectedHeader({ alg: 'RS256', kid: 'sconosciuta' })
    .sign(chiaveIgnota);
}

// --- pages the library calls back ----------------------------------------------------------------------------

function paginaUscita(ctx, formHtml) {
  // The library's form holds only the hidden xsrf field; the button goes inside it, so no script and no `form`
  // attribute are needed. name=logout value=yes ends the whole session at the OP.
  const bottone = '<p><button type="submit" name="logout" value="yes">Esci</button></p>';
  const form = formHtml.includes('</form>') ? formHtml.replace('</form>', `${bottone}</form>`) : `${formHtml}${bottone}`;
  const servizio = ctx.oidc?.client?.clientName || ctx.oidc?.client?.clientId;
  pagina(ctx, {
    titolo: 'Uscita',
    corpo: `<h2>Vuole uscire?</h2>
<p>${servizio ? `Il servizio «${esc(servizio)}» chiede di chiudere` : 'Sta per chiudere'} l'accesso presso ${esc(nome)}.</p>
${form}`,
  });
}

async function logoutSource(ctx, form) {
  paginaUscita(ctx, form);
}

async function postLogoutSuccessSource(ctx) {
  pagina(ctx, {
    titolo: 'Uscita completata',
    corpo: `<h2>Uscita completata</h2>
<p>L'accesso presso ${esc(nome)} è stato chiuso. Può chiudere questa pagina.</p>`,
  });
}

async function renderError(ctx, out, error) {
  const codice = out?.error || 'server_error';
  const status = error?.statusCode && error.statusCode >= 400 ? error.statusCode : 400;
  console.error(`op.mjs: errore mostrato all'utente: ${codice}${out?.error_description ? ` (${out.error_description})` : ''}`);
  paginaErrore(ctx, status, ERRORI[codice] || 'La richiesta non può essere completata.', [
    ['Codice', codice],
    ['Descrizione', out?.error_description],
  ]);
}

// --- start: listen first (the issuer names the port), then mount the provider ---------------------------------

let gestore = (req, res) => {
  res.statusCode = 503;
  res.end();
};
const server = http.createServer((req, res) => gestore(req, res));
try {
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(porta, '127.0.0.1', resolve);
  });
} catch (err) {
  fail(`impossibile ascoltare su 127.0.0.1:${porta}: ${err.code || err.message}`);
}
const { port } = server.address();
const issuer = `http://127.0.0.1:${port}`;
const jwksUri = `${rp}/oidc/jwks.json`;

const provider = new Provider(issuer, {
  clients: [{
    client_id: rp,
    client_name: 'Cassetto previdenziale',
    redirect_uris: [`${rp}/accesso/oidc/callback`],
    post_logout_redirect_uris: [`${rp}/accesso?uscita=1`],
    response_types: ['code'],
    grant_types: ['authorization_code'],
    jwks_uri: jwksUri,
    // Also the revocation endpoint's method: oidc-provider 9 has no separate revocation_endpoint_auth_method.
    token_endpoint_auth_method: 'private_key_jwt',
    token_endpoint_auth_signing_alg: 'RS256',
    request_object_signing_alg: 'RS256',
    require_signed_request_object: true,
    id_token_signed_response_alg: 'RS256',
    userinfo_signed_response_alg: 'RS256',
    userinfo_encrypted_response_alg: 'RSA-OAEP-256',
    userinfo_encrypted_response_enc: 'A256CBC-HS512',
  }],
  responseTypes: ['code'],
  clientAuthMethods: ['private_key_jwt'],
  // Pairwise subject identifiers, as SPID's: the relying party must identify people by the codice fiscale only.
  subjectTypes: ['pairwise'],
  async pairwiseIdentifier(ctx, accountId, client) {
    return crypto.hash('sha256', `${issuer}|${client.sectorIdentifier}|${accountId}`, 'hex');
  },
  pkce: { required: () => true }, // S256 is the only method oidc-provider 9 knows
  acrValues: [LIVELLO(1), LIVELLO(2), LIVELLO(3)],
  scopes: SCOPES,
  claims: CLAIMS,
  features: {
    devInteractions: { enabled: false },
    claimsParameter: { enabled: true },
    requestObjects: { enabled: true, requireSignedRequestObject: true },
    userinfo: { enabled: true },
    jwtUserinfo: { enabled: true },
    encryption: { enabled: true },
    revocation: {
      enabled: true,
      // The default policy, minus its "you should change this" notice: a client revokes only its own tokens.
      async allowedPolicy(ctx, client, token) {
        return token.clientId === client.clientId;
      },
    },
    rpInitiatedLogout: { enabled: true, logoutSource, postLogoutSuccessSource },
    pushedAuthorizationRequests: { enabled: false },
  },
  enabledJWA: {
    clientAuthSigningAlgValues: ['RS256', 'RS512'],
    requestObjectSigningAlgValues: ['RS256', 'RS512'],
    idTokenSigningAlgValues: ['RS256'],
    userinfoSigningAlgValues: ['RS256'],
    idTokenEncryptionAlgValues: ['RSA-OAEP', 'RSA-OAEP-256'],
    idTokenEncryptionEncValues: ['A128CBC-HS256', 'A256CBC-HS512'],
    userinfoEncryptionAlgValues: ['RSA-OAEP', 'RSA-OAEP-256'],
    userinfoEncryptionEncValues: ['A128CBC-HS256', 'A256CBC-HS512'],
  },
  interactions: {
    url: (ctx, interaction) => `/interazione/${interaction.uid}`,
  },
  async findAccount(ctx, sub) {
    const persona = PERSONA.get(sub);
    if (!persona) return undefined;
    return {
      accountId: sub,
      async claims() {
        return {
          sub,
          given_name: persona.given_name,
          family_name: persona.family_name,
          email: persona.email,
          [FISCAL_NUMBER]: `TINIT-${persona.codice_fiscale}`,
        };
      },
    };
  },
  jwks: { keys: [jwkOp] },
  cookies: {
    // Test-only constant keys. Cookies ignore ports: the three OPs of a run share 127.0.0.1 with the relying
    // party, so each OP's cookie names carry its port.
    keys: ['cassetto-op-di-prova-solo-per-test'],
    names: { session: `op${port}_sessione`, interaction: `op${port}_interazione`, resume: `op${port}_ripresa` },
  },
  ttl: {
    AuthorizationCode: 60, AccessToken: 600, IdToken: 600, Interaction: 600, Session: 3600, Grant: 3600,
  },
  renderError,
  // oidc-provider refuses to fetch from loopback and private addresses (SSRF protection). The relying party of
  // development and tests lives on 127.0.0.1: its JWKS, and only that, is fetched without the guard.
  async fetch(url, options) {
    if (new URL(url).href === new URL(jwksUri).href) {
      const { dispatcher, ...senzaGuardia } = options;
      return globalThis.fetch(url, senzaGuardia);
    }
    return globalThis.fetch(url, options);
  },
});

// The ID token of the token endpoint: oidc-provider sets at_hash only on ID tokens issued with an access token
// at the authorization endpoint (implicit/hybrid). Our relying party requires it, so it is set here from the
// access token just issued: its value is its jti (opaque format, no resource server), and `issue` itself hashes
// at_hash (left half of the SHA-256 of the value, base64url, for RS256). Bound to the pinned version.
const issueOriginale = provider.IdToken.prototype.issue;
if (typeof issueOriginale !== 'function') fail('IdToken.prototype.issue non trovato: versione di oidc-provider inattesa');
provider.IdToken.prototype.issue = async function issue(opzioni = {}) {
  const { ctx } = this;
  if (opzioni.use !== 'idtoken' || ctx?.oidc?.route !== 'token') {
    return issueOriginale.call(this, opzioni);
  }
  const accessToken = ctx.oidc.entities.AccessToken;
  if (accessToken?.jti && !accessToken.resourceServer) {
    this.set('at_hash', accessToken.jti);
  }
  // The level chosen at login, whatever the claims masks let through.
  if (this.available?.acr) this.set('acr', this.available.acr);
  const m = controllo ? prendiModalita() : 'normale';
  if (m === 'nonce-errato') {
    this.set('nonce', crypto.randomBytes(32).toString('hex'));
  }
  const jwt = await issueOriginale.call(this, opzioni);
  if (m !== 'normale') console.error(`op.mjs: modalità di prova applicata a questo ID token: ${m}`);
  return m === 'chiave-ignota' ? firmaConChiaveIgnota(jwt) : jwt;
};

// --- the interactions: login form, automatic consent ---------------------------------------------------------

function livelloPredefinito(acrValues) {
  for (const valore of String(acrValues || '').split(' ')) {
    const trovato = /^https:\/\/www\.spid\.gov\.it\/SpidL([123])$/.exec(valore);
    if (trovato) return trovato[1];
  }
  return '2';
}

function paginaLogin(ctx, uid, dettagli, { status = 200, errore } = {}) {
  const servizio = dettagli.params.client_id === rp ? `Cassetto previdenziale (${rp})` : dettagli.params.client_id;
  const predefinito = livelloPredefinito(dettagli.params.acr_values);
  const persone = PERSONE.map((p, i) => `<div class="scelta"><input type="radio" name="persona" id="persona-${esc(p.codice_fiscale)}" value="${esc(p.id)}"${i === 0 ? ' required' : ''}>
<label for="persona-${esc(p.codice_fiscale)}">${esc(p.given_name)} ${esc(p.family_name)} (${esc(p.codice_fiscale)})</label></div>`).join('\n');
  const livelli = [1, 2, 3].map((n) => `<div class="scelta"><input type="radio" name="livello" id="livello-${n}" value="${n}"${String(n) === predefinito ? ' checked' : ''}>
<label for="livello-${n}">Livello ${n}</label></div>`).join('\n');
  pagina(ctx, {
    status,
    titolo: 'Accesso',
    corpo: `<h2>Accesso con ${tipo === 'cie' ? 'CIE' : 'SPID'}</h2>
<p>Il servizio «${esc(servizio)}» chiede di identificarla. Scelga la persona di prova e il livello di sicurezza.</p>
${errore ? `<p class="avviso" role="alert">${esc(errore)}</p>` : ''}
<form method="post" action="/interazione/${esc(uid)}">
<fieldset><legend>Persona</legend>
${persone}
</fieldset>
<fieldset><legend>Livello di sicurezza</legend>
${livelli}
</fieldset>
<button type="submit" name="azione" value="entra">Entra</button>
<button type="submit" name="azione" value="annulla" class="secondario" formnovalidate>Annulla</button>
</form>`,
  });
}

async function interazione(ctx, uid) {
  let dettagli;
  try {
    dettagli = await provider.interactionDetails(ctx.req, ctx.res);
  } catch {
    paginaErrore(ctx, 400, 'La richiesta di accesso è scaduta o non è valida.');
    return;
  }
  if (dettagli.uid !== uid) {
    paginaErrore(ctx, 400, 'La richiesta di accesso non corrisponde a questa pagina.');
    return;
  }
  const { prompt, params } = dettagli;

  if (prompt.name === 'consent') {
    // Consent is implicit at a SPID/CIE provider: the attributes asked for are released. Answered on GET.
    const richiesti = new Set();
    try {
      const claims = params.claims ? JSON.parse(params.claims) : {};
      for (const parte of [claims.userinfo, claims.id_token]) {
        for (const nomeClaim of Object.keys(parte || {})) richiesti.add(nomeClaim);
      }
    } catch {
      // checked by the library at the authorization endpoint already
    }
    for (const c of prompt.details.missingOIDCClaims || []) richiesti.add(c);
    const ambiti = String(params.scope || '').split(' ').filter((s) => SCOPES.includes(s));
    const grant = new provider.Grant({ accountId: dettagli.session.accountId, clientId: params.client_id });
    grant.addOIDCScope([...new Set(['openid', ...ambiti])].join(' '));
    grant.addOIDCClaims([...richiesti].filter((c) => c in CLAIMS || Object.values(CLAIMS).some((v) => Array.isArray(v) && v.includes(c))));
    const grantId = await grant.save();
    const ritorno = await provider.interactionResult(ctx.req, ctx.res, { consent: { grantId } });
    ctx.status = 303;
    ctx.redirect(ritorno);
    return;
  }

  if (prompt.name !== 'login') {
    paginaErrore(ctx, 400, `Richiesta di interazione non gestita: ${prompt.name}.`);
    return;
  }
  if (ctx.method === 'GET') {
    paginaLogin(ctx, uid, dettagli);
    return;
  }
  if (ctx.method !== 'POST') {
    ctx.status = 405;
    ctx.set('Allow', 'GET, POST');
    return;
  }

  const form = await leggiForm(ctx.req);
  if (!form) {
    paginaErrore(ctx, 400, 'Modulo non valido.');
    return;
  }
  const azione = form.get('azione');
  if (azione === 'annulla') {
    console.error('op.mjs: accesso annullato dall\'utente');
    const ritorno = await provider.interactionResult(ctx.req, ctx.res, {
      error: 'access_denied',
      error_description: 'Autenticazione annullata dall\'utente',
    }, { mergeWithLastSubmission: false });
    ctx.status = 303;
    ctx.redirect(ritorno);
    return;
  }
  if (azione !== 'entra') {
    paginaLogin(ctx, uid, dettagli, { status: 400, errore: 'Scelga «Entra» o «Annulla».' });
    return;
  }
  const persona = PERSONA.get(form.get('persona') || '');
  const livello = form.get('livello');
  if (!persona || !['1', '2', '3'].includes(livello)) {
    paginaLogin(ctx, uid, dettagli, { status: 400, errore: 'Scelga una persona e un livello.' });
    return;
  }
  // Someone else is still logged in at this OP in this browser: oidc-provider would answer with a page that
  // logs them out through an auto-submitting script. A real IdP replaces the session: so does this one.
  if (dettagli.session?.accountId && dettagli.session.accountId !== persona.id) {
    const precedente = dettagli.session.uid ? await provider.Session.findByUid(dettagli.session.uid) : undefined;
    if (precedente) await precedente.destroy();
    delete dettagli.session;
    await dettagli.save(Math.max(1, dettagli.exp - epoch()));
  }
  console.error(`op.mjs: accesso di ${persona.id} con ${LIVELLO(livello)}`);
  const ritorno = await provider.interactionResult(ctx.req, ctx.res, {
    login: { accountId: persona.id, acr: LIVELLO(livello), amr: AMR[livello], remember: true },
  }, { mergeWithLastSubmission: false });
  ctx.status = 303;
  ctx.redirect(ritorno);
}

// oidc-provider answers with an auto-submitting page (a script, English text) when a logout needs confirming
// and no one is logged in. Replaced by the Italian confirmation, same hidden fields, a plain button.
function sostituisciConfermaUscita(ctx) {
  if (ctx.status !== 200 || typeof ctx.body !== 'string' || !ctx.body.includes('document.forms[0].submit()')) return;
  const conferma = provider.urlFor('end_session_confirm');
  const azione = /<form method="post" action="([^"]*)">/.exec(ctx.body)?.[1];
  if (azione !== conferma) return;
  const campi = [...ctx.body.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)"\/>/g)]
    .filter(([, campo]) => campo !== 'logout')
    .map(([, campo, valore]) => `<input type="hidden" name="${campo}" value="${valore}">`)
    .join('');
  paginaUscita(ctx, `<form method="post" action="${esc(conferma)}">${campi}</form>`);
}

provider.use(async (ctx, next) => {
  const trovato = ROUTE_INTERAZIONE.exec(ctx.path);
  if (trovato) {
    try {
      await interazione(ctx, trovato[1]);
    } catch (err) {
      console.error(`op.mjs: errore nell'interazione: ${err?.message || err}`);
      paginaErrore(ctx, 500, 'Errore interno del fornitore di identità.');
    }
    return;
  }
  if (ctx.path === '/favicon.ico') {
    // Browsers ask for it; a 404 would show up among a test's failed responses.
    ctx.status = 204;
    return;
  }
  if (controllo && ctx.path === '/__prova/modalita') {
    if (ctx.method !== 'POST') {
      ctx.status = 405;
      ctx.set('Allow', 'POST');
      return;
    }
    const m = String(ctx.query.m || '');
    if (!MODALITA.has(m)) {
      ctx.status = 400;
      ctx.body = `modalità sconosciuta: usare ${[...MODALITA].join(', ')}\n`;
      return;
    }
    modalita = m;
    console.error(`op.mjs: modalità di prova per la prossima risposta del token endpoint: ${m}`);
    ctx.status = 204;
    return;
  }
  await next();
  if (ctx.method === 'GET' && (ctx.path === '/session/end' || ctx.path.startsWith('/auth/'))) {
    sostituisciConfermaUscita(ctx);
  }
  // SPID/CIE name the userinfo body application/jose (a JWE); oidc-provider says application/jwt.
  if (ctx.path === '/me' && ctx.status === 200 && typeof ctx.body === 'string' && ctx.body.split('.').length === 5) {
    ctx.type = 'application/jose';
  }
});

for (const evento of ['authorization.error', 'grant.error', 'userinfo.error', 'revocation.error', 'end_session.error', 'discovery.error', 'jwks.error']) {
  provider.on(evento, (ctx, err) => {
    console.error(`op.mjs: ${evento}: ${err?.error || err?.name}${err?.error_description ? ` (${err.error_description})` : ''}`);
  });
}
provider.on('server_error', (ctx, err) => console.error(`op.mjs: server_error: ${err?.stack || err}`));
provider.on('grant.success', () => console.error('op.mjs: token rilasciato'));
provider.on('access_token.destroyed', () => console.error('op.mjs: access token revocato'));
provider.on('grant.revoked', () => console.error('op.mjs: grant revocato'));
provider.on('end_session.success', () => console.error('op.mjs: uscita completata'));

gestore = provider.callback();
process.stdout.write(`PORT ${port}\n`);
console.error(`op.mjs: ${nome} (${tipo}) su ${issuer}, servizio ${rp}${controllo ? ', controllo di prova attivo' : ''}`);

for (const segnale of ['SIGTERM', 'SIGINT']) {
  process.on(segnale, () => {
    server.close();
    process.exit(0);
  });
}
