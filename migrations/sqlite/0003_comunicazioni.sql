-- Comunicazione bidirezionale 2.0 and Agenda appuntamenti (circular §3.1): the classe → oggetto taxonomy
-- with its "tempi soglia" as data, richieste with their quesito timeline, Sede slots and bookings.
-- Same conventions as 0001: integers and text only; instants are unix seconds.

-- The taxonomy an admin may change. INPS publishes no numeric thresholds ("dopo un dato numero di giorni,
-- fissato in funzione dell'argomento"): the values below are a starting configuration, not a rule.
CREATE TABLE comunicazione_oggetti (
    id INTEGER PRIMARY KEY,
    classe TEXT NOT NULL,
    oggetto TEXT NOT NULL,
    soglia_giorni INTEGER NOT NULL CHECK (soglia_giorni > 0),
    attivo INTEGER NOT NULL DEFAULT 1,
    UNIQUE (classe, oggetto)
);
INSERT INTO comunicazione_oggetti (classe, oggetto, soglia_giorni) VALUES
    ('Uniemens', 'Note di rettifica', 30),
    ('Uniemens', 'Regolarizzazione', 30),
    ('Uniemens', 'Enti inadempienti', 30),
    ('Uniemens', 'Uniemens trasmessi', 30),
    ('Denunce individuali', '770', 30),
    ('Denunce individuali', 'Uniemens DO', 30),
    ('Versamenti', 'Pagamenti', 30),
    ('Versamenti', 'Rimborsi/compensazioni', 60),
    ('DURC', 'DURC', 15),
    ('Gestione del credito', 'ECA', 30),
    ('Gestione del credito', 'Note di debito', 30),
    ('Gestione del credito', 'Avvisi di addebito AVA', 30),
    ('Gestione del credito', 'Gestione scarti piani di ammortamento', 30),
    ('Gestione del credito', 'Dilazione amministrativa', 30),
    ('Certificazioni', 'Certificazioni di distacco', 30);

-- Per Sede and year, the last protocol number given (the protocol is "INPS.<sede>.<anno>.<numero>").
CREATE TABLE protocollo_contatori (
    sede_id INTEGER NOT NULL REFERENCES sedi(id),
    anno INTEGER NOT NULL,
    ultimo INTEGER NOT NULL,
    PRIMARY KEY (sede_id, anno)
);

-- A richiesta and its back-office quesito are one row: their status moves in step.
-- `scade_at` is fixed at opening from the oggetto's soglia, so a later change of the threshold does not
-- move the deadline of richieste already sent.
CREATE TABLE richieste (
    id INTEGER PRIMARY KEY,
    protocollo TEXT NOT NULL UNIQUE,
    user_id INTEGER NOT NULL REFERENCES users(id),
    position_id INTEGER NOT NULL REFERENCES positions(id),
    sede_id INTEGER NOT NULL REFERENCES sedi(id),
    oggetto_id INTEGER NOT NULL REFERENCES comunicazione_oggetti(id),
    testo TEXT NOT NULL,
    email TEXT,
    telefono TEXT,
    consenso_notifiche INTEGER NOT NULL CHECK (consenso_notifiche IN (0, 1)),
    stato TEXT NOT NULL CHECK (stato IN ('aperta','in_carico','chiusa')),
    esito TEXT CHECK (esito IN ('accolta','non_accolta')),
    aperta_at INTEGER NOT NULL,
    aggiornata_at INTEGER NOT NULL,
    scade_at INTEGER NOT NULL,
    CHECK ((stato = 'chiusa') = (esito IS NOT NULL)),
    CHECK (email IS NOT NULL OR telefono IS NOT NULL)
);
CREATE INDEX richieste_sede ON richieste(sede_id, stato, scade_at);
CREATE INDEX richieste_user ON richieste(user_id, aggiornata_at);

-- The timeline: opening, each change of status, each comment, with who and when.
CREATE TABLE richiesta_eventi (
    id INTEGER PRIMARY KEY,
    richiesta_id INTEGER NOT NULL REFERENCES richieste(id),
    at INTEGER NOT NULL,
    actor_user_id INTEGER REFERENCES users(id),
    stato TEXT NOT NULL,
    commento TEXT NOT NULL
);
CREATE INDEX richiesta_eventi_richiesta ON richiesta_eventi(richiesta_id, id);

-- Slots a Sede publishes for appointments.
CREATE TABLE slot (
    id INTEGER PRIMARY KEY,
    sede_id INTEGER NOT NULL REFERENCES sedi(id),
    inizio_at INTEGER NOT NULL,
    durata_minuti INTEGER NOT NULL CHECK (durata_minuti > 0),
    pubblicato_da INTEGER NOT NULL REFERENCES users(id),
    UNIQUE (sede_id, inizio_at)
);

-- Bookings. The partial unique index is what guarantees a slot is never booked twice, whichever server
-- process inserts: a cancelled booking frees the slot again.
CREATE TABLE prenotazioni (
    id INTEGER PRIMARY KEY,
    slot_id INTEGER NOT NULL REFERENCES slot(id),
    richiesta_id INTEGER NOT NULL REFERENCES richieste(id),
    user_id INTEGER NOT NULL REFERENCES users(id),
    telefono TEXT NOT NULL,
    note TEXT NOT NULL,
    stato TEXT NOT NULL CHECK (stato IN ('prenotata','annullata','svolta','assente')),
    creata_at INTEGER NOT NULL,
    aggiornata_at INTEGER NOT NULL
);
CREATE UNIQUE INDEX prenotazioni_slot_unico ON prenotazioni(slot_id) WHERE stato <> 'annullata';
CREATE UNIQUE INDEX prenotazioni_richiesta_unica ON prenotazioni(richiesta_id) WHERE stato = 'prenotata';
