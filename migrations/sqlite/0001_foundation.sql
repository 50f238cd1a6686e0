-- Foundation schema. Kept to integers and text so that one code path (sqlx Any) serves SQLite and PostgreSQL:
-- money is integer cents, dates are ISO-8601 text (YYYY-MM-DD, sortable), periods are 'YYYY-MM',
-- instants are unix seconds.

CREATE TABLE sedi (
    id INTEGER PRIMARY KEY,
    code TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    city TEXT NOT NULL
);

CREATE TABLE users (
    id INTEGER PRIMARY KEY,
    codice_fiscale TEXT NOT NULL UNIQUE,
    full_name TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('datore','delegato','intermediario','subdelegato','operatore','idm','admin')),
    email TEXT,
    sede_id INTEGER REFERENCES sedi(id),
    employer_user_id INTEGER REFERENCES users(id),
    password_hash TEXT NOT NULL,
    totp_secret TEXT NOT NULL,
    last_totp_step INTEGER NOT NULL DEFAULT 0,
    failed_logins INTEGER NOT NULL DEFAULT 0,
    locked_until INTEGER NOT NULL DEFAULT 0,
    created_at INTEGER NOT NULL
);

CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    stage TEXT NOT NULL CHECK (stage IN ('second_factor','active')),
    created_at INTEGER NOT NULL,
    last_seen_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL
);
CREATE INDEX sessions_user ON sessions(user_id);

CREATE TABLE enti (
    id INTEGER PRIMARY KEY,
    codice_fiscale TEXT NOT NULL UNIQUE,
    denominazione TEXT NOT NULL,
    sector TEXT NOT NULL CHECK (sector IN ('pubblico','privato')),
    sede_id INTEGER NOT NULL REFERENCES sedi(id),
    datore_user_id INTEGER REFERENCES users(id),
    legal_rep_cf TEXT NOT NULL,
    address TEXT NOT NULL,
    pec TEXT NOT NULL
);

CREATE TABLE positions (
    id INTEGER PRIMARY KEY,
    code TEXT NOT NULL UNIQUE,
    ente_id INTEGER NOT NULL REFERENCES enti(id),
    sede_id INTEGER NOT NULL REFERENCES sedi(id),
    description TEXT NOT NULL,
    status TEXT NOT NULL,
    opened_on TEXT NOT NULL,
    contract TEXT NOT NULL
);
CREATE INDEX positions_ente ON positions(ente_id);

-- One table for every kind of delega: datore -> own employee ('dipendente'), intermediary -> Ente
-- ('intermediario'), intermediary -> own employee ('subdelega', with parent_id).
CREATE TABLE deleghe (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL CHECK (kind IN ('dipendente','intermediario','subdelega')),
    position_id INTEGER NOT NULL REFERENCES positions(id),
    grantor_user_id INTEGER REFERENCES users(id),
    grantee_user_id INTEGER NOT NULL REFERENCES users(id),
    parent_id INTEGER REFERENCES deleghe(id),
    status TEXT NOT NULL CHECK (status IN ('in_attesa','attiva','revocata','scaduta')),
    valid_from TEXT NOT NULL,
    revoked_on TEXT
);
CREATE INDEX deleghe_grantee ON deleghe(grantee_user_id, status);
CREATE INDEX deleghe_position ON deleghe(position_id);

CREATE TABLE versamenti (
    id INTEGER PRIMARY KEY,
    position_id INTEGER NOT NULL REFERENCES positions(id),
    channel TEXT NOT NULL CHECK (channel IN ('F24','F24EP','BANCA_ITALIA')),
    paid_on TEXT NOT NULL,
    period TEXT NOT NULL,
    causale TEXT NOT NULL,
    codice_sede TEXT NOT NULL,
    amount_cents INTEGER NOT NULL
);
CREATE INDEX versamenti_position ON versamenti(position_id, paid_on);

CREATE TABLE note_rettifica (
    id INTEGER PRIMARY KEY,
    position_id INTEGER NOT NULL REFERENCES positions(id),
    number TEXT NOT NULL,
    issued_on TEXT NOT NULL,
    period TEXT NOT NULL,
    reason TEXT NOT NULL,
    amount_cents INTEGER NOT NULL,
    status TEXT NOT NULL
);
CREATE INDEX note_rettifica_position ON note_rettifica(position_id, issued_on);

CREATE TABLE piani_ammortamento (
    id INTEGER PRIMARY KEY,
    position_id INTEGER NOT NULL REFERENCES positions(id),
    number TEXT NOT NULL,
    kind TEXT NOT NULL,
    started_on TEXT NOT NULL,
    instalments INTEGER NOT NULL,
    total_cents INTEGER NOT NULL,
    status TEXT NOT NULL
);
CREATE INDEX piani_position ON piani_ammortamento(position_id);

CREATE TABLE rate_piano (
    id INTEGER PRIMARY KEY,
    piano_id INTEGER NOT NULL REFERENCES piani_ammortamento(id),
    number INTEGER NOT NULL,
    due_on TEXT NOT NULL,
    amount_cents INTEGER NOT NULL,
    paid_on TEXT,
    status TEXT NOT NULL
);
CREATE INDEX rate_piano_piano ON rate_piano(piano_id, number);

CREATE TABLE dma_denunce (
    id INTEGER PRIMARY KEY,
    position_id INTEGER NOT NULL REFERENCES positions(id),
    period TEXT NOT NULL,
    submitted_on TEXT NOT NULL,
    protocol TEXT NOT NULL,
    workers INTEGER NOT NULL,
    imponibile_cents INTEGER NOT NULL,
    contributi_cents INTEGER NOT NULL,
    errors INTEGER NOT NULL,
    status TEXT NOT NULL
);
CREATE INDEX dma_position ON dma_denunce(position_id, period);

CREATE TABLE dma_lavoratori (
    id INTEGER PRIMARY KEY,
    denuncia_id INTEGER NOT NULL REFERENCES dma_denunce(id),
    worker_cf TEXT NOT NULL,
    worker_name TEXT NOT NULL,
    gestione TEXT NOT NULL,
    imponibile_cents INTEGER NOT NULL,
    contributi_cents INTEGER NOT NULL,
    error_code TEXT,
    error_text TEXT
);
CREATE INDEX dma_lavoratori_denuncia ON dma_lavoratori(denuncia_id);

CREATE TABLE note_debito (
    id INTEGER PRIMARY KEY,
    position_id INTEGER NOT NULL REFERENCES positions(id),
    number TEXT NOT NULL,
    issued_on TEXT NOT NULL,
    period TEXT NOT NULL,
    kind TEXT NOT NULL,
    amount_cents INTEGER NOT NULL,
    paid_cents INTEGER NOT NULL,
    status TEXT NOT NULL
);
CREATE INDEX note_debito_position ON note_debito(position_id, issued_on);

CREATE TABLE note_debito_eca (
    id INTEGER PRIMARY KEY,
    position_id INTEGER NOT NULL REFERENCES positions(id),
    number TEXT NOT NULL,
    issued_on TEXT NOT NULL,
    year INTEGER NOT NULL,
    due_on TEXT NOT NULL,
    amount_cents INTEGER NOT NULL,
    status TEXT NOT NULL
);
CREATE INDEX note_debito_eca_position ON note_debito_eca(position_id, issued_on);
