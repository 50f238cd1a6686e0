-- The attachments of a richiesta (circular §3.1: up to three files, sent to the Sede together as one
-- zip). Kept in the database, in the transaction that opens the richiesta, so a refused or failed
-- sending leaves neither a richiesta without its files nor files without a richiesta. The limits
-- (3 files, 5 MiB each, 10 MiB in all) keep a row small enough for that.
CREATE TABLE richiesta_allegati (
    richiesta_id BIGINT PRIMARY KEY REFERENCES richieste(id),
    -- The names of the files in the zip, in the order sent, one per line.
    nomi TEXT NOT NULL,
    dimensione BIGINT NOT NULL CHECK (dimensione > 0),
    zip BYTEA NOT NULL
);

-- The notices about a richiesta (protocolled, closed), so its page shows each one's delivery.
ALTER TABLE outbox ADD COLUMN richiesta_id BIGINT REFERENCES richieste(id);
CREATE INDEX outbox_richiesta ON outbox(richiesta_id);
