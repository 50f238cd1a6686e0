-- A ListaPosPA file of V1 periods only corrects earlier months: it is stored as a variation, with the totals
-- of its V1 periods, and is not the declaration of the month it was sent in. Declarations already stored
-- are the month's own.
ALTER TABLE dma_denunce ADD COLUMN tipo TEXT NOT NULL DEFAULT 'mensile' CHECK (tipo IN ('mensile', 'variazione'));
