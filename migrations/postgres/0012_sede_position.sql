-- A Sede's queue filtered by a narrow code prefix reads those positions first, then their richieste here.
CREATE INDEX richieste_sede_position ON richieste(sede_id, position_id);
