-- Profiles, deleghe with their evidence, the notification outbox with PEC receipts, and the audit chain.
-- Same conventions as 0001: integers and text only; instants are unix seconds, dates ISO text.

-- Operators (and anyone else) can be disabled; the IDM of a Sede toggles its operators.
ALTER TABLE users ADD COLUMN enabled INTEGER NOT NULL DEFAULT 1;

-- Requests for the profile "Azienda/Operatore servizi azienda" (SC65, SC62) and for the legacy
-- services that keep form RA012. Routed to the Sede competent for the Ente named in the request.
CREATE TABLE profile_requests (
    id INTEGER PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users(id),
    form TEXT NOT NULL CHECK (form IN ('SC65','SC62','RA012')),
    ente_id INTEGER NOT NULL REFERENCES enti(id),
    sede_id INTEGER NOT NULL REFERENCES sedi(id),
    -- RA012 only: which legacy service.
    legacy_service TEXT,
    status TEXT NOT NULL CHECK (status IN ('in_attesa','approvata','respinta')),
    submitted_at INTEGER NOT NULL,
    decided_at INTEGER,
    decided_by INTEGER REFERENCES users(id),
    reason TEXT
);
CREATE INDEX profile_requests_sede ON profile_requests(sede_id, status);
CREATE INDEX profile_requests_user ON profile_requests(user_id);

CREATE TABLE profile_request_scopes (
    request_id INTEGER NOT NULL REFERENCES profile_requests(id),
    scope TEXT NOT NULL,
    PRIMARY KEY (request_id, scope)
);

-- Scopes a user holds. `source` tells an approved request from an enablement imported from before the
-- cut-over (those users keep it without a new request).
CREATE TABLE profile_scopes (
    user_id INTEGER NOT NULL REFERENCES users(id),
    form TEXT NOT NULL CHECK (form IN ('SC65','SC62','RA012')),
    scope TEXT NOT NULL,
    source TEXT NOT NULL CHECK (source IN ('richiesta','importazione')),
    request_id INTEGER REFERENCES profile_requests(id),
    granted_at INTEGER NOT NULL,
    PRIMARY KEY (user_id, form, scope)
);

-- Professional registers (Albi) of the intermediaries of L. 12/1979, imported by an admin as CSV.
CREATE TABLE albo (
    codice_fiscale TEXT NOT NULL,
    category TEXT NOT NULL CHECK (category IN ('consulente_lavoro','commercialista','avvocato')),
    registration TEXT NOT NULL,
    province TEXT NOT NULL,
    full_name TEXT NOT NULL,
    imported_at INTEGER NOT NULL,
    PRIMARY KEY (codice_fiscale, category)
);

ALTER TABLE deleghe ADD COLUMN created_at INTEGER NOT NULL DEFAULT 0;
ALTER TABLE deleghe ADD COLUMN ended_at INTEGER;
ALTER TABLE deleghe ADD COLUMN ended_by INTEGER REFERENCES users(id);
ALTER TABLE deleghe ADD COLUMN valid_until TEXT;

-- Evidence of an intermediary delega (circular §2b): the form as printed and its hash, the OTP
-- (hash only), the PEC message that carried it, the declaration and the activation. Kept for the life
-- of the delega plus five years (`retain_until`, set when the delega ends).
CREATE TABLE delega_evidence (
    delega_id INTEGER PRIMARY KEY REFERENCES deleghe(id),
    form_json TEXT NOT NULL,
    form_sha256 TEXT NOT NULL,
    otp_hash TEXT,
    otp_issued_at INTEGER,
    otp_expires_at INTEGER,
    otp_failed_attempts INTEGER NOT NULL DEFAULT 0,
    outbox_id INTEGER,
    declared_at INTEGER,
    activated_at INTEGER,
    retain_until TEXT
);

-- The history of every delega, shown to both sides.
CREATE TABLE delega_events (
    id INTEGER PRIMARY KEY,
    delega_id INTEGER NOT NULL REFERENCES deleghe(id),
    at INTEGER NOT NULL,
    actor_user_id INTEGER REFERENCES users(id),
    kind TEXT NOT NULL,
    detail TEXT NOT NULL
);
CREATE INDEX delega_events_delega ON delega_events(delega_id, id);

-- Transactional outbox: a message is written in the same transaction as the change that causes it and
-- delivered by a worker. `message_id` is fixed at enqueue time, so a retry after an unclear failure
-- carries the same Message-ID. `secret` holds what must not outlive delivery (the delega OTP): the body
-- names it `{segreto}`, and it is erased once sent.
CREATE TABLE outbox (
    id INTEGER PRIMARY KEY,
    channel TEXT NOT NULL CHECK (channel IN ('email','pec','sms')),
    recipient TEXT NOT NULL,
    subject TEXT NOT NULL,
    body TEXT NOT NULL,
    secret TEXT,
    message_id TEXT NOT NULL UNIQUE,
    delega_id INTEGER REFERENCES deleghe(id),
    status TEXT NOT NULL CHECK (status IN ('in_coda','in_riprova','inviato','fallito')),
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at INTEGER NOT NULL,
    claimed_until INTEGER NOT NULL DEFAULT 0,
    last_error TEXT,
    created_at INTEGER NOT NULL,
    sent_at INTEGER
);
CREATE INDEX outbox_due ON outbox(status, next_attempt_at);
CREATE INDEX outbox_delega ON outbox(delega_id);

-- PEC receipts (DOMAIN.md §7), append-only, per recipient.
CREATE TABLE pec_receipts (
    id INTEGER PRIMARY KEY,
    outbox_id INTEGER NOT NULL REFERENCES outbox(id),
    kind TEXT NOT NULL CHECK (kind IN ('accettazione','non_accettazione','avvenuta_consegna','errore_consegna')),
    recipient TEXT NOT NULL,
    at INTEGER NOT NULL,
    identificativo TEXT NOT NULL,
    detail TEXT NOT NULL
);
CREATE INDEX pec_receipts_outbox ON pec_receipts(outbox_id);

-- Append-only, hash-chained audit log. `audit_head` is the single row every append updates first,
-- which serialises appends on both backends; each entry's hash covers its fields and the previous hash.
CREATE TABLE audit_log (
    seq INTEGER PRIMARY KEY,
    at INTEGER NOT NULL,
    actor_user_id INTEGER,
    action TEXT NOT NULL,
    subject TEXT NOT NULL,
    detail TEXT NOT NULL,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL
);
CREATE TABLE audit_head (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    seq INTEGER NOT NULL,
    hash TEXT NOT NULL
);
INSERT INTO audit_head (id, seq, hash) VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
