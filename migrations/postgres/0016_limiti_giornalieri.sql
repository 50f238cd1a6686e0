-- Per-user daily limits (SECURITY.md V11.1.3): what one account may do in a day, as data the admin can
-- change without a release. `descrizione` completes the refusal "Hai raggiunto il limite giornaliero di …".
CREATE TABLE limiti_giornalieri (
    azione TEXT PRIMARY KEY,
    descrizione TEXT NOT NULL,
    massimo BIGINT NOT NULL CHECK (massimo >= 0)
);
INSERT INTO limiti_giornalieri (azione, descrizione, massimo) VALUES
    ('richiesta', 'richieste inviate', 20),
    ('caricamento', 'file caricati', 50),
    ('prenotazione', 'appuntamenti prenotati', 5),
    ('email', 'e-mail di notifica', 40),
    ('sms', 'SMS di notifica', 20);

-- What each account used, per day (Italian date, ISO text) and kind; counted inside the action's transaction.
CREATE TABLE uso_giornaliero (
    user_id BIGINT NOT NULL REFERENCES users(id),
    giorno TEXT NOT NULL,
    azione TEXT NOT NULL REFERENCES limiti_giornalieri(azione),
    conteggio BIGINT NOT NULL,
    PRIMARY KEY (user_id, giorno, azione)
);
