-- Found by `make bench` on the scale data: every access check reaches the Enti of a datore, which scanned
-- all of them (100,000 at scale) without this index.
CREATE INDEX enti_datore ON enti(datore_user_id);
-- A user's history of richieste (Storico) filtered by status, position, oggetto or opening date, newest first:
-- with only (user_id, aggiornata_at) every filter read all of the user's richieste (50,000 for the scale set's
-- intermediary).
CREATE INDEX richieste_user_stato ON richieste(user_id, stato, aggiornata_at);
CREATE INDEX richieste_user_position ON richieste(user_id, position_id);
CREATE INDEX richieste_user_oggetto ON richieste(user_id, oggetto_id, aggiornata_at);
CREATE INDEX richieste_user_aperta ON richieste(user_id, aperta_at);
