//! Note di debito ECA – calcolo sanzioni: the computation for a position's nota (or for an amount and
//! deadline typed in), and the administrator's dated rate tables.

use leptos::prelude::*;
use leptos::server_fn::codec::Json;

use crate::error::AppError;
use crate::model::{ListQuery, SanzioniEca, TassoRow};

/// `query` carries the form: `nota` (an id of this position's notes) or `contributo` and `scadenza`;
/// `pagamento`, `regime`, `rettifica`, and `denuncia` (the day of the spontaneous declaration, read for
/// the reduced evasione regimes only). Without `regime` nothing is computed yet.
#[server(prefix = "/api", endpoint = "cassetto/sanzioni-eca", input = Json)]
pub async fn load_sanzioni_eca(
    posizione: crate::domain::PositionCode,
    query: ListQuery,
) -> Result<SanzioniEca, AppError> {
    use crate::domain::money::Money;
    use crate::domain::sanzioni::{Dati, Regime};
    use crate::ssr::authz::PositionAction;
    use crate::ssr::sanzioni;
    use crate::ssr::serve;

    serve(PositionAction::Manage(&posizione), async |ctx, access| {
        access.position.offre_servizio("calcolo-sanzioni-eca")?;
        let note = sanzioni::note_eca(ctx.db(), access.position.id).await?;
        let oggi = ctx.state.settings.today();
        let field = |k: &str| query.filters.get(k).map(|v| v.trim().to_string()).filter(|v| !v.is_empty());
        let mut view = SanzioniEca { note, oggi, dati: None, calcolo: None, errore: None };
        let Some(regime) = field("regime") else { return Ok(view) };
        let dati = (|| -> Result<Dati, String> {
            let regime = Regime::parse(&regime).ok_or("Regime sconosciuto.")?;
            let date = |k: &str, nome: &str| {
                let v = field(k).ok_or(format!("Indichi la data di {nome}."))?;
                chrono::NaiveDate::parse_from_str(&v, "%Y-%m-%d")
                    .map_err(|_| format!("La data di {nome} «{v}» non è valida."))
            };
            let (contributo, scadenza) = match field("nota") {
                Some(id) => {
                    let nota = view
                        .note
                        .iter()
                        .find(|n| n.id.to_string() == id)
                        .ok_or("La nota scelta non è di questa posizione.")?;
                    (nota.importo, nota.scadenza)
                }
                None => {
                    let c = field("contributo").ok_or("Scelga una nota o indichi il contributo.")?;
                    let c = Money::parse(&c)
                        .map_err(|_| format!("Importo «{c}» non valido: scriva ad esempio 1.234,56."))?;
                    (c, date("scadenza", "scadenza")?)
                }
            };
            let pagamento = date("pagamento", "pagamento")?;
            let denuncia = if regime.chiede_denuncia() && field("denuncia").is_some() {
                Some(date("denuncia", "denuncia spontanea")?)
            } else {
                None
            };
            Ok(Dati {
                contributo,
                scadenza,
                pagamento,
                regime,
                rettifica_pagata_entro_30_giorni: field("rettifica").is_some(),
                denuncia,
            })
        })();
        match dati {
            Ok(dati) => {
                match sanzioni::compute(ctx.db(), &dati).await {
                    Ok(c) => view.calcolo = Some(c),
                    Err(AppError::Invalid(m)) => view.errore = Some(m),
                    Err(e) => return Err(e),
                }
                view.dati = Some(dati);
            }
            Err(m) => view.errore = Some(m),
        }
        Ok(view)
    })
    .await
}

/// Admin: both rate tables.
#[server(prefix = "/api", endpoint = "admin/tassi", input = Json)]
pub async fn load_tassi() -> Result<Vec<TassoRow>, AppError> {
    use crate::ssr::authz::UserAction;
    use crate::ssr::sanzioni;
    use crate::ssr::serve;

    serve(UserAction::Administer, async |ctx, _| sanzioni::tassi(ctx.db()).await).await
}

/// Admin: adds a rate from a day (or corrects the one of that day). `tipo`: `tur` or `mora`.
#[server(prefix = "/api", endpoint = "admin/tassi/salva")]
pub async fn save_tasso(tipo: String, dal: String, tasso: String) -> Result<(), AppError> {
    use crate::domain::sanzioni::Tasso;
    use crate::ssr::authz::UserAction;
    use crate::ssr::db::now_unix;
    use crate::ssr::sanzioni::{self, TipoTasso};
    use crate::ssr::serve;

    serve(UserAction::Administer, async |ctx, access| {
        let tipo = TipoTasso::parse(&tipo).ok_or_else(|| AppError::invalid("Tipo di tasso sconosciuto."))?;
        let dal = chrono::NaiveDate::parse_from_str(dal.trim(), "%Y-%m-%d")
            .map_err(|_| AppError::invalid("Indichi da quale giorno vale il tasso."))?;
        let tasso = Tasso::parse(&tasso).map_err(AppError::invalid)?;
        sanzioni::save_tasso(ctx.db(), access.user.user_id, tipo, dal, tasso, now_unix()).await?;
        leptos_axum::redirect(&format!("/admin?esito=tassi&n={}#tassi", now_unix()));
        Ok(())
    })
    .await
}

/// Admin: removes a rate entered by mistake.
#[server(prefix = "/api", endpoint = "admin/tassi/rimuovi")]
pub async fn remove_tasso(tipo: String, dal: String) -> Result<(), AppError> {
    use crate::ssr::authz::UserAction;
    use crate::ssr::db::now_unix;
    use crate::ssr::sanzioni::{self, TipoTasso};
    use crate::ssr::serve;

    serve(UserAction::Administer, async |ctx, access| {
        let tipo = TipoTasso::parse(&tipo).ok_or(AppError::NotFound)?;
        let dal = chrono::NaiveDate::parse_from_str(dal.trim(), "%Y-%m-%d").map_err(|_| AppError::NotFound)?;
        sanzioni::remove_tasso(ctx.db(), access.user.user_id, tipo, dal, now_unix()).await?;
        leptos_axum::redirect(&format!("/admin?esito=tassi&n={}#tassi", now_unix()));
        Ok(())
    })
    .await
}
