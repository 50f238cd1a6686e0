-- A declaration is stored in bounded batches (each its own short transaction, so a large file never holds
-- the write lock through the whole import): its row exists from the first batch but stays invisible to the
-- consultation (`completa = 0`) until the last transaction completes it. `avviata_at` (unix seconds) dates an
-- import in progress, so one abandoned by a crash is removed at the next start.
ALTER TABLE dma_denunce ADD COLUMN completa INTEGER NOT NULL DEFAULT 1 CHECK (completa IN (0, 1));
ALTER TABLE dma_denunce ADD COLUMN avviata_at INTEGER;
CREATE INDEX dma_denunce_in_corso ON dma_denunce(completa, avviata_at) WHERE completa = 0;
