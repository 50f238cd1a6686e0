-- Imports of UniEmens ListaPosPA files: each attempt with its outcome, and the per-record problems of a
-- refused one (at most the first 10 000 are kept; `numero_errori` counts them all). An accepted file
-- becomes a row of dma_denunce with its workers in dma_lavoratori.
CREATE TABLE dma_importazioni (
    id INTEGER PRIMARY KEY,
    position_id INTEGER NOT NULL REFERENCES positions(id),
    user_id INTEGER NOT NULL REFERENCES users(id),
    nome_file TEXT NOT NULL,
    periodo TEXT NOT NULL,
    lavoratori INTEGER NOT NULL,
    numero_errori INTEGER NOT NULL,
    stato TEXT NOT NULL CHECK (stato IN ('accettata', 'scartata')),
    denuncia_id INTEGER REFERENCES dma_denunce(id),
    at INTEGER NOT NULL,
    CHECK ((stato = 'accettata') = (denuncia_id IS NOT NULL))
);
CREATE INDEX dma_importazioni_position ON dma_importazioni(position_id, id);

CREATE TABLE dma_import_errori (
    id INTEGER PRIMARY KEY,
    importazione_id INTEGER NOT NULL REFERENCES dma_importazioni(id),
    codice_fiscale TEXT NOT NULL,
    periodo TEXT NOT NULL,
    elemento TEXT NOT NULL,
    codice TEXT NOT NULL,
    descrizione TEXT NOT NULL
);
CREATE INDEX dma_import_errori_importazione ON dma_import_errori(importazione_id, id);
