//! Who may reach what. Every server function and route calls `authorize` once, at the top, with the
//! action it is about to perform; the answer comes from the session and the grants in the database,
//! never from anything the client sends besides the ids it asks for.

use crate::domain::position_code::PositionCode;
use crate::domain::profili::TipoDelega;
use crate::error::AppError;
use crate::servizi::{self, Gestione};

use super::comunicazioni::Viewer;
use super::ctx::RequestCtx;
use super::deleghe::{self, Party};
use super::identity::{SessionUser, Stage};
use crate::model::{ContestazioneId, DelegaId, PrenotazioneId, RichiestaId, RichiestaProfiloId, Role};

/// What the caller wants to do, grouped by what a successful check hands back. Each group is its own type, and
/// [`authorize`] returns that group's grant (`Action::Grant`): a position action gives a [`PositionGrant`] with
/// the position in it, a Sede action a [`SedeGrant`] with the Sede, and so on. Callers never unwrap an `Option`
/// the check has already filled.
pub trait Action {
    type Grant;
    /// The rule, for the caller `user` (logged in, second factor passed).
    fn check(self, ctx: &RequestCtx, user: SessionUser) -> impl Future<Output = Result<Self::Grant, AppError>> + Send;
}

/// Actions whose check needs only the caller's role.
#[derive(Clone, Copy, Debug)]
pub enum UserAction {
    /// Anything any logged-in user may do (see their own profile, log out).
    Authenticated,
    /// List the positions the user may reach (the Ricerca of the Cassetto).
    SearchPositions,
    /// See one's deleghe, on either side.
    ListDeleghe,
    /// File a profile request (SC65, SC62, RA012) for oneself.
    FileProfileRequest,
    /// Take the intermediary's profile through the Albo (a newcomer without a profile only).
    BecomeIntermediary,
    /// Ask an Ente for a delega (intermediaries).
    RequestIntermediaryDelega,
    /// Book an appointment for one's own richiesta (on a position one still reaches).
    BookAppointment(RichiestaId),
    /// Cancel one's own booking (on a position one still reaches).
    CancelAppointment(PrenotazioneId),
    /// The Instant Feedback dashboard: administrators and INPS operators.
    ReadFeedback,
    /// Platform configuration (Albo register import, taxonomy, sanction rates).
    Administer,
}

/// Actions on one position, named by its code (parsed where the request arrived).
#[derive(Clone, Copy, Debug)]
pub enum PositionAction<'a> {
    /// Read a position and everything under it (consultation pages, downloads, the printed dossier): whoever
    /// reaches it through the Cassetto, or an operator of its Sede enabled for the Fascicolo Elettronico
    /// (read-only, and every such reading is audited).
    Read(&'a PositionCode),
    /// Act on a position (send a DMA, a tracciato, a contestazione; compute sanctions): only who reaches it
    /// through the Cassetto. The operator's Fascicolo Elettronico is read-only.
    Manage(&'a PositionCode),
    /// Delegate an employee on a position the caller holds as its Ente's datore.
    GrantEmployeeDelega(&'a PositionCode),
}

/// The position an address or an upload's form names, for the plain routes (server functions take a parsed
/// `PositionCode` as their argument). A malformed code names no position the caller reaches: it answers as a
/// foreign one, 404, so an address reveals nothing by the way it fails.
pub fn position_named(code: &str) -> Result<PositionCode, AppError> {
    PositionCode::parse(code).map_err(|_| AppError::NotFound)
}

/// Actions of the INPS staff on their own Sede.
#[derive(Clone, Copy, Debug)]
pub enum SedeAction<'a> {
    /// Search the positions of one's own Sede (operators enabled for the Fascicolo Elettronico).
    SearchPositions,
    /// See the profile requests routed to one's own Sede (operators).
    ReviewProfileRequests,
    /// Approve or reject one request: it must have been routed to the operator's Sede.
    DecideProfileRequest(RichiestaProfiloId),
    /// See and manage the operators of one's own Sede (IDM).
    ManageOperators,
    /// Enable or disable one operator: of the IDM's own Sede.
    ToggleOperator(&'a str),
    /// See the open quesiti of one's own Sede (operators).
    ReviewQuesiti,
    /// Take in charge, comment or close one quesito: of the operator's own Sede.
    ActOnQuesito(RichiestaId),
    /// Publish slots at one's own Sede (operators).
    PublishSlots,
    /// Record how a booked appointment at one's own Sede went (operators).
    RecordAppointment(PrenotazioneId),
    /// See the contestazioni of one's own Sede (operators).
    ReviewContestazioni,
    /// Answer a contestazione of one's own Sede.
    AnswerContestazione(ContestazioneId),
}

/// Actions on one delega, by either party.
#[derive(Clone, Copy, Debug)]
pub enum DelegaAction {
    /// Read a delega, its history and evidence: any party to it.
    Read(DelegaId),
    /// Enter the OTP of, ask a new OTP for, renew, or sub-delegate one's own intermediary delega.
    ActOnOwn(DelegaId),
    /// Revoke a delega, from whichever side has the right.
    Revoke(DelegaId),
}

/// Read one richiesta of the Comunicazione bidirezionale: its author, the datore of its Ente (whoever sent it),
/// or an operator of its Sede.
#[derive(Clone, Copy, Debug)]
pub struct ReadRichiesta(pub RichiestaId);

/// See the Agenda appuntamenti: one's bookings, or (operators) the slots of one's Sede.
#[derive(Clone, Copy, Debug)]
pub struct ReadAgenda;

/// Read a contestazione (and its files): whoever reaches its position, or an operator of its Sede.
#[derive(Clone, Copy, Debug)]
pub struct ReadContestazione(pub ContestazioneId);

/// A position the caller was found to reach.
#[derive(Clone, Debug)]
pub struct PositionRef {
    pub id: i64,
    pub code: String,
    /// The Gestione of its Ente: which services apply to it (`crate::servizi`).
    pub gestione: Gestione,
}

impl PositionRef {
    /// Refuses, with the Italian message, a menu service that does not apply to this position (a service of
    /// the Gestione dipendenti pubblici on a private-sector one).
    pub fn offre_servizio(&self, slug: &str) -> Result<(), AppError> {
        servizi::check_servizio(slug, self.gestione).map_err(AppError::invalid)
    }

    /// Refuses, with the Italian message, a consultation section that does not apply to this position.
    pub fn offre_sezione(&self, section: crate::sections::Section) -> Result<(), AppError> {
        servizi::check_sezione(section, self.gestione).map_err(AppError::invalid)
    }
}

/// A [`UserAction`] allowed: who the caller is.
#[derive(Clone, Debug)]
pub struct UserGrant {
    pub user: SessionUser,
}

/// A [`PositionAction`] allowed: who the caller is and the position.
#[derive(Clone, Debug)]
pub struct PositionGrant {
    pub user: SessionUser,
    pub position: PositionRef,
}

/// A [`SedeAction`] allowed: who the caller is and their Sede.
#[derive(Clone, Debug)]
pub struct SedeGrant {
    pub user: SessionUser,
    pub sede: i64,
}

/// A [`DelegaAction`] allowed: who the caller is and how they stand to the delega.
#[derive(Clone, Debug)]
pub struct DelegaGrant {
    pub user: SessionUser,
    pub party: Party,
}

/// [`ReadRichiesta`] allowed: who the caller is and as whom they read it.
#[derive(Clone, Debug)]
pub struct RichiestaGrant {
    pub user: SessionUser,
    pub viewer: Viewer,
}

/// [`ReadAgenda`] allowed: a user's own bookings, or an operator's Sede.
#[derive(Clone, Debug)]
pub enum AgendaGrant {
    Utente(UserGrant),
    Sede(SedeGrant),
}

/// [`ReadContestazione`] allowed: through its position, or as an operator of its Sede.
#[derive(Clone, Debug)]
pub enum ContestazioneGrant {
    Position(PositionGrant),
    Sede(SedeGrant),
}

/// The scope (ambito of the SC65/SC62 profiles, circular §2) an action needs on a position's Ente. Every action
/// of this Cassetto (consultation, DMA, tracciati, contestazioni, sanctions, richieste, agenda, the dossier)
/// is of the *Gestione contributiva*: of the Ente's sector, private or public. The Malattia scopes open
/// services that this application does not have; they are here so the rule can say what they do not open.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ScopeNeed {
    /// `gc_pubblici` on a public Ente, `gc_privati` on a private one.
    GestioneContributiva,
    /// `malattia_attestati` (no action of this application needs it).
    MalattiaAttestati,
    /// `malattia_visita` (no action of this application needs it).
    MalattiaVisita,
}

impl ScopeNeed {
    /// The scope code needed, as an SQL expression over the Ente `e` of the position.
    fn sql(self) -> &'static str {
        match self {
            ScopeNeed::GestioneContributiva => {
                "(CASE WHEN e.sector = 'pubblico' THEN 'gc_pubblici' ELSE 'gc_privati' END)"
            }
            ScopeNeed::MalattiaAttestati => "'malattia_attestati'",
            ScopeNeed::MalattiaVisita => "'malattia_visita'",
        }
    }
}

/// The positions user `$1` reaches for the scope `need` on `today`, and how. One rule, four ways, each bounded
/// by the scope the Ente granted (a delega or sub-delega cannot give more than its delegante holds):
/// - as the Ente's datore holding SC65 with that scope *for that Ente* (`ente_scopes`);
/// - by an active delega to an employee who holds SC62 with that scope, when the Ente's datore holds it too;
/// - by an active delega to an intermediary still in the Albo register (a re-import without them ends it),
///   covering that scope among its services (`delega_servizi`), when the Ente's datore holds the scope — or,
///   for an Ente without a datore in the Cassetto (it delegated by the PEC OTP of its own address), for the
///   Gestione contributiva only;
/// - by an active sub-delega, under a still active delega of an intermediary still in the Albo that covers
///   the scope, to an employee holding SC62 *Gestione contributiva dipendenti pubblici* (sub-deleghe exist for
///   that scope only, circular §2b), bounded by the Ente as the intermediary is.
///
/// Every delega counts only within its period (`valid_from` to `valid_until`, the latter NULL until revoked):
/// on the day after its end it is *scaduta* and reaches nothing, with nothing rewritten and no job run. A
/// revoked delega, a withdrawn profile or scope, a struck-off intermediary drops out here too, so each takes
/// effect at the next request. (Scope codes as in `domain::profili::Scope::code`.)
///
/// `today` is written into the statement as a literal, not bound: it is a `NaiveDate` formatted as
/// `YYYY-MM-DD` (digits and dashes only), and every caller keeps binding just the user as `$1`.
pub fn reachable_positions(need: ScopeNeed, today: chrono::NaiveDate) -> String {
    let scope = need.sql();
    let today = super::db::iso_date(today);
    let gestione = if need == ScopeNeed::GestioneContributiva { "1 = 1" } else { "1 = 0" };
    let datore_holds = format!(
        "EXISTS (SELECT 1 FROM ente_scopes x WHERE x.ente_id = e.id AND x.user_id = e.datore_user_id AND x.scope = {scope})"
    );
    let ente_grants = format!("((e.datore_user_id IS NULL AND {gestione}) OR {datore_holds})");
    let in_albo = |who: &str| {
        format!(
            "EXISTS (SELECT 1 FROM users iu JOIN albo a ON a.codice_fiscale = iu.codice_fiscale WHERE iu.id = {who})"
        )
    };
    let in_force =
        |d: &str| format!("{d}.valid_from <= '{today}' AND ({d}.valid_until IS NULL OR {d}.valid_until >= '{today}')");
    let covers = |d: &str| {
        format!("EXISTS (SELECT 1 FROM delega_servizi ds WHERE ds.delega_id = {d}.id AND ds.scope = {scope})")
    };
    let (albo_self, albo_parent) = (in_albo("$1"), in_albo("parent.grantee_user_id"));
    let (d_in_force, parent_in_force, d_covers, parent_covers) =
        (in_force("d"), in_force("parent"), covers("d"), covers("parent"));
    let titolare = titolare_branch(scope, "$1");
    format!(
        "SELECT p.id AS position_id, 'titolare' AS via {titolare} \
        UNION ALL \
        SELECT d.position_id, 'delega' FROM deleghe d \
            JOIN positions p ON p.id = d.position_id JOIN enti e ON e.id = p.ente_id \
            WHERE d.grantee_user_id = $1 AND d.status = 'attiva' AND d.kind = 'intermediario' AND {d_in_force} \
            AND {d_covers} AND {albo_self} AND {ente_grants} \
        UNION ALL \
        SELECT d.position_id, 'delega' FROM deleghe d \
            JOIN positions p ON p.id = d.position_id JOIN enti e ON e.id = p.ente_id \
            WHERE d.grantee_user_id = $1 AND d.status = 'attiva' AND d.kind = 'dipendente' AND {d_in_force} \
            AND EXISTS (SELECT 1 FROM profile_scopes s WHERE s.user_id = $1 AND s.form = 'SC62' AND s.scope = {scope}) \
            AND {datore_holds} \
        UNION ALL \
        SELECT d.position_id, 'subdelega' FROM deleghe d JOIN deleghe parent ON parent.id = d.parent_id \
            JOIN positions p ON p.id = d.position_id JOIN enti e ON e.id = p.ente_id \
            WHERE d.grantee_user_id = $1 AND d.kind = 'subdelega' AND d.status = 'attiva' AND parent.status = 'attiva' \
            AND {d_in_force} AND {parent_in_force} AND {parent_covers} \
            AND {albo_parent} AND {ente_grants} \
            AND {scope} = 'gc_pubblici' \
            AND EXISTS (SELECT 1 FROM profile_scopes s WHERE s.user_id = $1 AND s.form = 'SC62' AND s.scope = 'gc_pubblici')"
    )
}

/// The `FROM … WHERE` of the positions the user bound at `user` holds as the datore of their Ente, with the
/// scope `scope` (an SQL expression over the Ente `e`) granted *for that Ente*: the first way of
/// `reachable_positions`, and the only one that opens the richieste others sent on a position.
fn titolare_branch(scope: &str, user: &str) -> String {
    format!(
        "FROM positions p JOIN enti e ON e.id = p.ente_id WHERE e.datore_user_id = {user} \
         AND EXISTS (SELECT 1 FROM ente_scopes x WHERE x.ente_id = e.id AND x.user_id = {user} AND x.scope = {scope})"
    )
}

/// The ids (`position_id`) of the positions the user bound at the placeholder `user` holds now as the datore of
/// their Ente with the scope `need` for it. Whoever else sent a richiesta on such a position (a delegated
/// employee, an intermediary, a sub-delegated employee), its Ente's datore reads it: the history's «Sulla mia
/// posizione» and `Action::ReadRichiesta` both go by this rule.
pub fn held_positions(need: ScopeNeed, user: &str) -> String {
    format!("SELECT p.id AS position_id {}", titolare_branch(need.sql(), user))
}

/// The positions user `$1` reaches on `today` for the Gestione contributiva: what the Ricerca lists and what
/// every action of this Cassetto needs.
pub fn reachable_today(today: chrono::NaiveDate) -> String {
    reachable_positions(ScopeNeed::GestioneContributiva, today)
}

/// Checks `action` for the caller of `ctx` and hands back its grant. Every server function and route calls it
/// once, at the top; `Unauthenticated` without an active session, `Forbidden` for the wrong role, `NotFound`
/// for something the caller does not reach (it answers like a missing one).
pub async fn authorize<A: Action>(ctx: &RequestCtx, action: A) -> Result<A::Grant, AppError> {
    let user = ctx.session_user().await?.ok_or(AppError::Unauthenticated)?;
    if user.stage != Stage::Active {
        return Err(AppError::Unauthenticated);
    }
    action.check(ctx, user).await
}

fn require(ok: bool) -> Result<(), AppError> {
    if ok { Ok(()) } else { Err(AppError::Forbidden) }
}

/// The Sede of a member of the INPS staff of role `role`.
fn own_sede(user: &SessionUser, role: Role) -> Result<i64, AppError> {
    require(user.role == role)?;
    user.sede_id.ok_or(AppError::Forbidden)
}

impl Action for UserAction {
    type Grant = UserGrant;

    async fn check(self, ctx: &RequestCtx, user: SessionUser) -> Result<UserGrant, AppError> {
        let role = user.role;
        match self {
            UserAction::Authenticated => {}
            UserAction::SearchPositions | UserAction::ListDeleghe => require(role.uses_cassetto())?,
            // A newcomer without a profile files the request that gives them one (SC65, SC62).
            UserAction::FileProfileRequest => require(role.uses_cassetto() || role == Role::Nessuno)?,
            UserAction::BecomeIntermediary => require(role == Role::Nessuno)?,
            UserAction::RequestIntermediaryDelega => require(role == Role::Intermediario)?,
            UserAction::BookAppointment(richiesta) => {
                require(role.uses_cassetto())?;
                let found: Option<(i64, i64)> =
                    sqlx::query_as("SELECT user_id, position_id FROM richieste WHERE id = $1")
                        .bind(richiesta)
                        .fetch_optional(ctx.db().pool())
                        .await?;
                let (_, position) = found.filter(|(a, _)| *a == user.user_id).ok_or(AppError::NotFound)?;
                reaches(ctx, user.user_id, position).await?;
            }
            UserAction::CancelAppointment(id) => {
                require(role.uses_cassetto())?;
                let found: Option<(i64, i64)> = sqlx::query_as(
                    "SELECT b.user_id, r.position_id FROM prenotazioni b JOIN richieste r ON r.id = b.richiesta_id \
                     WHERE b.id = $1",
                )
                .bind(id)
                .fetch_optional(ctx.db().pool())
                .await?;
                let (_, position) = found.filter(|(u, _)| *u == user.user_id).ok_or(AppError::NotFound)?;
                reaches(ctx, user.user_id, position).await?;
            }
            UserAction::ReadFeedback => require(matches!(role, Role::Admin | Role::Operatore))?,
            UserAction::Administer => require(role == Role::Admin)?,
        }
        Ok(UserGrant { user })
    }
}

impl Action for PositionAction<'_> {
    type Grant = PositionGrant;

    async fn check(self, ctx: &RequestCtx, user: SessionUser) -> Result<PositionGrant, AppError> {
        let role = user.role;
        let position = match self {
            PositionAction::Read(code) if role == Role::Operatore => {
                let sede = fascicolo_elettronico_sede(ctx, &user).await?;
                let position = sede_position(ctx, sede, code).await?;
                audit_operator_reading(ctx, &user, code).await?;
                position
            }
            PositionAction::Read(code) | PositionAction::Manage(code) => {
                require(role.uses_cassetto())?;
                reachable_position(ctx, user.user_id, code, ScopeNeed::GestioneContributiva).await?
            }
            PositionAction::GrantEmployeeDelega(code) => {
                require(role == Role::Datore)?;
                let found: Option<(i64, String)> = sqlx::query_as(
                    "SELECT p.id, e.sector FROM positions p JOIN enti e ON e.id = p.ente_id \
                     WHERE p.code = $1 AND e.datore_user_id = $2",
                )
                .bind(code.as_str())
                .bind(user.user_id)
                .fetch_optional(ctx.db().pool())
                .await?;
                let (id, sector) = found.ok_or(AppError::NotFound)?;
                PositionRef { id, code: code.as_str().to_string(), gestione: Gestione::of_sector(&sector) }
            }
        };
        Ok(PositionGrant { user, position })
    }
}

impl Action for SedeAction<'_> {
    type Grant = SedeGrant;

    async fn check(self, ctx: &RequestCtx, user: SessionUser) -> Result<SedeGrant, AppError> {
        let db = ctx.db();
        let sede = match self {
            SedeAction::SearchPositions => {
                require(user.role == Role::Operatore)?;
                fascicolo_elettronico_sede(ctx, &user).await?
            }
            SedeAction::ManageOperators => own_sede(&user, Role::Idm)?,
            SedeAction::ToggleOperator(cf) => {
                let sede = own_sede(&user, Role::Idm)?;
                let target: Option<i64> = sqlx::query_scalar(
                    "SELECT id FROM users WHERE codice_fiscale = $1 AND role = 'operatore' AND sede_id = $2",
                )
                .bind(cf.trim().to_uppercase())
                .bind(sede)
                .fetch_optional(db.pool())
                .await?;
                target.ok_or(AppError::NotFound)?;
                sede
            }
            SedeAction::ReviewProfileRequests
            | SedeAction::ReviewQuesiti
            | SedeAction::PublishSlots
            | SedeAction::ReviewContestazioni => own_sede(&user, Role::Operatore)?,
            // Another Sede's request, quesito, appointment or contestazione answers like a missing one.
            SedeAction::DecideProfileRequest(id) => {
                let sede = own_sede(&user, Role::Operatore)?;
                (super::profili::request_sede(db, id).await? == Some(sede)).then_some(sede).ok_or(AppError::NotFound)?
            }
            SedeAction::ActOnQuesito(id) => {
                let sede = own_sede(&user, Role::Operatore)?;
                (super::comunicazioni::sede_of(db, id).await? == Some(sede))
                    .then_some(sede)
                    .ok_or(AppError::NotFound)?
            }
            SedeAction::RecordAppointment(id) => {
                let sede = own_sede(&user, Role::Operatore)?;
                let owner = super::agenda::prenotazione_owner(db, id).await?;
                owner.filter(|(_, s)| *s == sede).ok_or(AppError::NotFound)?;
                sede
            }
            SedeAction::AnswerContestazione(id) => {
                let sede = own_sede(&user, Role::Operatore)?;
                let owner = super::contestazioni::owner(db, id).await?;
                owner.filter(|(_, s)| *s == sede).ok_or(AppError::NotFound)?;
                sede
            }
        };
        Ok(SedeGrant { user, sede })
    }
}

impl Action for DelegaAction {
    type Grant = DelegaGrant;

    async fn check(self, ctx: &RequestCtx, user: SessionUser) -> Result<DelegaGrant, AppError> {
        require(user.role.uses_cassetto())?;
        let id = match self {
            DelegaAction::Read(id) | DelegaAction::ActOnOwn(id) | DelegaAction::Revoke(id) => id,
        };
        let (party, kind) =
            deleghe::party(ctx.db(), user.user_id, id).await?.filter(|(p, _)| p.any()).ok_or(AppError::NotFound)?;
        require(match self {
            DelegaAction::Read(_) => true,
            DelegaAction::ActOnOwn(_) => kind == TipoDelega::Intermediario && party.grantee,
            DelegaAction::Revoke(_) => deleghe::may_revoke(kind, party),
        })?;
        Ok(DelegaGrant { user, party })
    }
}

impl Action for ReadRichiesta {
    type Grant = RichiestaGrant;

    async fn check(self, ctx: &RequestCtx, user: SessionUser) -> Result<RichiestaGrant, AppError> {
        let found: Option<(i64, i64, i64)> =
            sqlx::query_as("SELECT user_id, sede_id, position_id FROM richieste WHERE id = $1")
                .bind(self.0)
                .fetch_optional(ctx.db().pool())
                .await?;
        // Its author reads it while reaching its position (not after a delega revoked since, an intermediary
        // struck off the Albo); anyone else only as the datore of its Ente holding the scope for it now
        // (`held_positions`), whoever sent it. Someone else's richiesta otherwise, or another Sede's, answers
        // like a missing one.
        let viewer = if user.role.uses_cassetto() {
            let (author, _, position) = found.ok_or(AppError::NotFound)?;
            if author == user.user_id {
                reaches(ctx, user.user_id, position).await?;
                Viewer::Author(user.user_id)
            } else {
                held_position(ctx, user.user_id, position, ScopeNeed::GestioneContributiva).await?;
                Viewer::Titolare(user.user_id)
            }
        } else {
            let sede = own_sede(&user, Role::Operatore)?;
            found.filter(|(_, at, _)| *at == sede).ok_or(AppError::NotFound)?;
            Viewer::Sede(sede)
        };
        Ok(RichiestaGrant { user, viewer })
    }
}

impl Action for ReadAgenda {
    type Grant = AgendaGrant;

    async fn check(self, _ctx: &RequestCtx, user: SessionUser) -> Result<AgendaGrant, AppError> {
        if user.role.uses_cassetto() {
            return Ok(AgendaGrant::Utente(UserGrant { user }));
        }
        let sede = own_sede(&user, Role::Operatore)?;
        Ok(AgendaGrant::Sede(SedeGrant { user, sede }))
    }
}

impl Action for ReadContestazione {
    type Grant = ContestazioneGrant;

    async fn check(self, ctx: &RequestCtx, user: SessionUser) -> Result<ContestazioneGrant, AppError> {
        let (code, sede) = super::contestazioni::owner(ctx.db(), self.0).await?.ok_or(AppError::NotFound)?;
        if user.role.uses_cassetto() {
            let code = position_named(&code)?;
            let position = reachable_position(ctx, user.user_id, &code, ScopeNeed::GestioneContributiva).await?;
            return Ok(ContestazioneGrant::Position(PositionGrant { user, position }));
        }
        let own = own_sede(&user, Role::Operatore)?;
        if own != sede {
            return Err(AppError::NotFound);
        }
        Ok(ContestazioneGrant::Sede(SedeGrant { user, sede: own }))
    }
}

/// The id of the position `code` if `user_id` reaches it.
async fn reachable_position(
    ctx: &RequestCtx,
    user_id: i64,
    code: &PositionCode,
    need: ScopeNeed,
) -> Result<PositionRef, AppError> {
    let reachable = reachable_positions(need, ctx.state.settings.today());
    let found: Option<(i64, String)> = sqlx::query_as(&format!(
        // EXISTS with the position named: the database pushes `r.position_id = p.id` into every branch of the
        // union, instead of listing all the user reaches (thousands for a large intermediary) to find one.
        "SELECT p.id, pe.sector FROM positions p JOIN enti pe ON pe.id = p.ente_id WHERE p.code = $2 \
         AND EXISTS (SELECT 1 FROM ({reachable}) r WHERE r.position_id = p.id)"
    ))
    .bind(user_id)
    .bind(code.as_str())
    .fetch_optional(ctx.db().pool())
    .await?;
    let (id, sector) = found.ok_or(AppError::NotFound)?;
    Ok(PositionRef { id, code: code.as_str().to_string(), gestione: Gestione::of_sector(&sector) })
}

/// Whether `user_id` reaches the position `position_id` now; `NotFound` if not (a richiesta on a position
/// one no longer reaches answers like a missing one).
async fn reaches(ctx: &RequestCtx, user_id: i64, position_id: i64) -> Result<(), AppError> {
    let reachable = reachable_today(ctx.state.settings.today());
    let found: Option<i64> =
        sqlx::query_scalar(&format!("SELECT r.position_id FROM ({reachable}) r WHERE r.position_id = $2 LIMIT 1"))
            .bind(user_id)
            .bind(position_id)
            .fetch_optional(ctx.db().pool())
            .await?;
    found.map(|_| ()).ok_or(AppError::NotFound)
}

/// The position `position_id` if `user_id` holds it now as its Ente's datore with the scope `need`
/// (`held_positions`); `NotFound` if not.
async fn held_position(
    ctx: &RequestCtx,
    user_id: i64,
    position_id: i64,
    need: ScopeNeed,
) -> Result<PositionRef, AppError> {
    let held = held_positions(need, "$1");
    let found: Option<(i64, String, String)> = sqlx::query_as(&format!(
        "SELECT hp.id, hp.code, he.sector FROM positions hp JOIN enti he ON he.id = hp.ente_id WHERE hp.id = $2 \
         AND hp.id IN ({held})"
    ))
    .bind(user_id)
    .bind(position_id)
    .fetch_optional(ctx.db().pool())
    .await?;
    let (id, code, sector) = found.ok_or(AppError::NotFound)?;
    Ok(PositionRef { id, code, gestione: Gestione::of_sector(&sector) })
}

/// The Sede of an operator enabled for the Fascicolo Elettronico; refused if the IDM has not enabled them.
async fn fascicolo_elettronico_sede(ctx: &RequestCtx, user: &SessionUser) -> Result<i64, AppError> {
    let sede = user.sede_id.ok_or(AppError::Forbidden)?;
    let enabled: i64 = sqlx::query_scalar("SELECT fascicolo_elettronico FROM users WHERE id = $1")
        .bind(user.user_id)
        .fetch_one(ctx.db().pool())
        .await?;
    if enabled == 1 { Ok(sede) } else { Err(AppError::Forbidden) }
}

/// The position `code` if its Sede is `sede`; another Sede's position answers like a missing one.
async fn sede_position(ctx: &RequestCtx, sede: i64, code: &PositionCode) -> Result<PositionRef, AppError> {
    let found: Option<(i64, String)> = sqlx::query_as(
        "SELECT p.id, e.sector FROM positions p JOIN enti e ON e.id = p.ente_id WHERE p.code = $1 AND p.sede_id = $2",
    )
    .bind(code.as_str())
    .bind(sede)
    .fetch_optional(ctx.db().pool())
    .await?;
    let (id, sector) = found.ok_or(AppError::NotFound)?;
    Ok(PositionRef { id, code: code.as_str().to_string(), gestione: Gestione::of_sector(&sector) })
}

/// Every reading of a position by an operator is recorded before anything is answered: the Fascicolo
/// Elettronico shows a contributor's data to INPS staff, and the contributor may ask who looked.
async fn audit_operator_reading(ctx: &RequestCtx, user: &SessionUser, code: &PositionCode) -> Result<(), AppError> {
    let mut tx = ctx.db().begin_write().await?;
    super::audit::append(
        &mut tx,
        super::audit::Entry {
            actor_user_id: Some(user.user_id),
            action: "fascicolo_elettronico.consultato",
            subject: &format!("posizione:{code}"),
            detail: "",
        },
        super::db::now_unix(),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}
