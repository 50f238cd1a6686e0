-- The history «Sulla mia posizione»: a datore reads every richiesta on the positions of their Enti, whoever sent
-- it. Those few positions are read first, then their richieste here, newest change first, instead of the whole
-- table.
CREATE INDEX richieste_position ON richieste(position_id, aggiornata_at);
