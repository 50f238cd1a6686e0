-- Contestazione of a Nota di debito: the user's reasons and up to three files (one zip, the same limits and
-- checks as the attachments of a richiesta), a protocol of the Sede's register, the Sede's answer.
CREATE TABLE contestazioni (
    id INTEGER PRIMARY KEY,
    protocollo TEXT NOT NULL UNIQUE,
    nota_id INTEGER NOT NULL REFERENCES note_debito(id),
    user_id INTEGER NOT NULL REFERENCES users(id),
    sede_id INTEGER NOT NULL REFERENCES sedi(id),
    motivi TEXT NOT NULL,
    allegati_nomi TEXT NOT NULL DEFAULT '',
    allegati_zip BLOB,
    stato TEXT NOT NULL CHECK (stato IN ('presentata', 'accolta', 'respinta')),
    risposta TEXT NOT NULL DEFAULT '',
    risposta_da INTEGER REFERENCES users(id),
    presentata_at INTEGER NOT NULL,
    risposta_at INTEGER,
    CHECK ((stato = 'presentata') = (risposta_at IS NULL))
);
-- One contestazione waiting for its answer per nota at a time.
CREATE UNIQUE INDEX contestazioni_in_attesa ON contestazioni(nota_id) WHERE stato = 'presentata';
CREATE INDEX contestazioni_sede ON contestazioni(sede_id, stato);
