-- ListaPosPA problems have a severity (domain::listapospa::REGOLE): a file with warnings only is acquired
-- ("accettata con errori"). Each attempt counts its warnings (`numero_errori` counts every problem), each kept
-- problem says whether it is one, and the workers' lines of an accepted file carry their warnings in
-- error_code/error_text (as the seeded declarations do).
ALTER TABLE dma_importazioni ADD COLUMN avvisi INTEGER NOT NULL DEFAULT 0;
ALTER TABLE dma_import_errori ADD COLUMN avviso INTEGER NOT NULL DEFAULT 0 CHECK (avviso IN (0, 1));
-- Every amount element of a gestione beyond Imponibile and Contributo (ImponibileTFS, ContributoTFR,
-- Contrib1PerCento, ImponibileEccMass, ...), as `Elemento 1234,56; ...` (domain::listapospa::scrivi_importi).
ALTER TABLE dma_lavoratori ADD COLUMN importi TEXT NOT NULL DEFAULT '';
