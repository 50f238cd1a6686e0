-- The scopes (ambiti) of the SC65 profile are granted for one Ente (circular §2): holding SC65 with
-- "Malattia – attestati" for an Ente must not open that Ente's Cassetto. Until now the scopes were the user's
-- (profile_scopes) and any approved SC65 made its holder the Ente's datore for everything. Authorization
-- (`authz::reachable_positions`) now reads the datore's scopes for the Ente from here.
CREATE TABLE ente_scopes (
    ente_id BIGINT NOT NULL REFERENCES enti(id),
    user_id BIGINT NOT NULL REFERENCES users(id),
    scope TEXT NOT NULL CHECK (scope IN ('gc_privati','gc_pubblici','malattia_attestati','malattia_visita')),
    source TEXT NOT NULL CHECK (source IN ('richiesta','importazione')),
    request_id BIGINT REFERENCES profile_requests(id),
    granted_at BIGINT NOT NULL,
    PRIMARY KEY (ente_id, user_id, scope)
);
CREATE INDEX ente_scopes_user ON ente_scopes(user_id);

-- Existing datori keep what they hold: their SC65 scopes, for each Ente they are datore of (the old table
-- has no Ente); a datore without any SC65 scope row (set up before scopes were recorded) keeps the
-- Gestione contributiva of the Ente's sector, which is what they reached. Same statements as
-- `profiles::backfill_ente_scopes` (used by the demo and scale seeds).
INSERT INTO ente_scopes (ente_id, user_id, scope, source, request_id, granted_at)
SELECT e.id, e.datore_user_id, s.scope, s.source, s.request_id, s.granted_at
FROM enti e JOIN profile_scopes s ON s.user_id = e.datore_user_id AND s.form = 'SC65'
WHERE s.scope IN ('gc_privati','gc_pubblici','malattia_attestati','malattia_visita');
INSERT INTO ente_scopes (ente_id, user_id, scope, source, request_id, granted_at)
SELECT e.id, e.datore_user_id, CASE WHEN e.sector = 'pubblico' THEN 'gc_pubblici' ELSE 'gc_privati' END,
    'importazione', NULL, 0
FROM enti e
WHERE e.datore_user_id IS NOT NULL
AND NOT EXISTS (SELECT 1 FROM profile_scopes s WHERE s.user_id = e.datore_user_id AND s.form = 'SC65');
