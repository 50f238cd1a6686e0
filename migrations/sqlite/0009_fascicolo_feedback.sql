-- Fascicolo Elettronico del Contribuente: the IDM of a Sede enables each of its operators for it, apart
-- from enabling the account itself (SPEC §7). An enabled operator reads the positions of their Sede.
ALTER TABLE users ADD COLUMN fascicolo_elettronico INTEGER NOT NULL DEFAULT 0 CHECK (fascicolo_elettronico IN (0, 1));

-- Instant Feedback. A use of a service is recorded where it happens (a richiesta sent, a DMA submitted, a
-- delega activated) or, for a page consulted, once per user, service and day; it can be rated once or
-- dismissed. Ratings do not name the user: the dashboard shows services, days and reasons only.
CREATE TABLE feedback_usi (
    id INTEGER PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users(id),
    servizio TEXT NOT NULL,
    riferimento TEXT NOT NULL,
    at INTEGER NOT NULL,
    esito TEXT CHECK (esito IN ('valutato', 'ignorato')),
    UNIQUE (user_id, servizio, riferimento)
);

-- livello: 3 soddisfatto, 2 così così, 1 insoddisfatto (which needs a reason from the list).
CREATE TABLE feedback (
    id INTEGER PRIMARY KEY,
    uso_id INTEGER NOT NULL REFERENCES feedback_usi(id) UNIQUE,
    servizio TEXT NOT NULL,
    livello INTEGER NOT NULL CHECK (livello IN (1, 2, 3)),
    motivo TEXT,
    testo TEXT,
    at INTEGER NOT NULL,
    CHECK ((livello = 1) = (motivo IS NOT NULL))
);
CREATE INDEX feedback_servizio ON feedback(servizio, at);
