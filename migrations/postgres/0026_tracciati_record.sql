-- Invio tracciati: whatever their exact field layout, the files of the Circolare INPDAP 38/2000 are text files
-- of fixed-length records. Each type declares its record length here, and a file is accepted only when every
-- record has exactly that many characters (domain::tracciati). The circular's own figure is not available to
-- us (DOMAIN.md §2): the value below is the configured length for the type, to be corrected by a later
-- migration when INPS documents the layout.
ALTER TABLE tracciato_tipi ADD COLUMN lunghezza_record BIGINT NOT NULL DEFAULT 120 CHECK (lunghezza_record > 0);
UPDATE tracciato_tipi SET lunghezza_record = 120 WHERE codice = 'circ38_2000';
