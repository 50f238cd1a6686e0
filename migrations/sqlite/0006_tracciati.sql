-- Invio tracciati (Circolare 38/2000 INPDAP). The record layout of these files is not known to us
-- (DOMAIN.md §2), so a tracciato is an opaque typed file: kept with its SHA-256 and a protocol number of the
-- Sede's register, its processing tracked ricevuto → elaborato | scartato by the check of its type.
CREATE TABLE tracciato_tipi (
    codice TEXT PRIMARY KEY,
    descrizione TEXT NOT NULL,
    max_bytes INTEGER NOT NULL CHECK (max_bytes > 0)
);
INSERT INTO tracciato_tipi (codice, descrizione, max_bytes) VALUES
    ('circ38_2000', 'Tracciato previsto dalla Circolare INPDAP 38/2000', 20971520);

CREATE TABLE tracciati (
    id INTEGER PRIMARY KEY,
    protocollo TEXT NOT NULL UNIQUE,
    position_id INTEGER NOT NULL REFERENCES positions(id),
    user_id INTEGER NOT NULL REFERENCES users(id),
    tipo TEXT NOT NULL REFERENCES tracciato_tipi(codice),
    nome_file TEXT NOT NULL,
    dimensione INTEGER NOT NULL CHECK (dimensione > 0),
    sha256 TEXT NOT NULL,
    contenuto BLOB NOT NULL,
    stato TEXT NOT NULL CHECK (stato IN ('ricevuto', 'elaborato', 'scartato')),
    esito TEXT NOT NULL DEFAULT '',
    ricevuto_at INTEGER NOT NULL,
    aggiornato_at INTEGER NOT NULL
);
CREATE INDEX tracciati_position ON tracciati(position_id, ricevuto_at);
