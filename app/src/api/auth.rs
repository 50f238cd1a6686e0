//! Login (codice fiscale + password, then TOTP), logout and the current user.
//! Every outcome redirects (post/redirect/get), so the forms work with and without JavaScript;
//! failures carry a short code in the URL that the page turns into an Italian message.

use leptos::prelude::*;
use leptos::server_fn::codec::Json;

use crate::error::AppError;
use crate::model::{CurrentUser, PorteAccesso};

/// Keeps a post-login destination only if it is a path of this site (no open redirect).
pub fn safe_next(next: Option<&str>) -> Option<String> {
    // Printable ASCII only: the value ends up in a `Location` header.
    next.filter(|n| {
        n.starts_with('/')
            && !n.starts_with("//")
            && !n.contains('\\')
            && n.len() <= 512
            && n.bytes().all(|b| b.is_ascii_graphic())
    })
    .map(str::to_string)
}

#[cfg_attr(not(feature = "ssr"), expect(dead_code))]
fn with_next(path: &str, next: Option<&str>) -> String {
    match safe_next(next) {
        Some(n) => format!("{path}{}next={}", if path.contains('?') { '&' } else { '?' }, crate::model::url_encode(&n)),
        None => path.to_string(),
    }
}

#[server(prefix = "/api", endpoint = "accesso/password")]
pub async fn login_password(codice_fiscale: String, password: String, next: Option<String>) -> Result<(), AppError> {
    use crate::domain::codice_fiscale::CodiceFiscale;
    use crate::ssr::audit::{self, Entry};
    use crate::ssr::ctx::{RequestCtx, set_cookie};
    use crate::ssr::db::now_unix;
    use crate::ssr::identity::{self, PasswordCheck, Stage};
    use crate::ssr::throttle;

    use crate::ssr::ctx::PortaPassword;

    let ctx = RequestCtx::current()?;
    let next = next.as_deref();
    let porta = ctx.state.settings.accesso.password;
    if porta == PortaPassword::Chiusa {
        leptos_axum::redirect(&with_next("/accesso?errore=porta_chiusa", next));
        return Ok(());
    }
    let Ok(cf) = CodiceFiscale::parse(&codice_fiscale) else {
        leptos_axum::redirect(&with_next("/accesso?errore=formato", next));
        return Ok(());
    };
    if password.chars().count() > identity::PASSWORD_MAX_CHARS {
        leptos_axum::redirect(&with_next("/accesso?errore=credenziali", next));
        return Ok(());
    }
    let now = now_unix();
    // A throttled attempt is neither checked nor counted: it cannot extend the lock, nor tell a right password.
    if throttle::locked_until(ctx.db(), cf.as_str(), ctx.client, now).await?.is_some() {
        leptos_axum::redirect(&with_next("/accesso?errore=attesa", next));
        return Ok(());
    }
    let subject = format!("utente:{}", cf.as_str());
    let mut check = identity::verify_login(ctx.db(), cf.as_str(), password).await?;
    // A door for the INPS staff only: anyone else's right password answers as a wrong one (they enter with
    // SPID or CIE), and only the audit row says why.
    let mut detail = "password";
    if let (PasswordCheck::Valid(user_id), PortaPassword::SoloPersonale) = (check, porta)
        && !identity::is_inps_staff(ctx.db(), user_id).await?
    {
        check = PasswordCheck::Invalid;
        detail = "password: porta riservata al personale INPS";
    }
    match check {
        PasswordCheck::Valid(user_id) => {
            let token =
                identity::start_session(ctx.db(), user_id, Stage::SecondFactor, ctx.session_token.as_deref(), None)
                    .await?;
            set_cookie(&ctx.state.session_cookie(&token));
            leptos_axum::redirect(&with_next("/accesso/codice", next));
        }
        // Unknown account, wrong password, disabled account with the right password: the same counting, one audit
        // row, the same answer (only the audit row says which).
        check => {
            throttle::record_failure(ctx.db(), cf.as_str(), ctx.client, now).await?;
            let (actor_user_id, action) = match check {
                PasswordCheck::Disabled(id) => (Some(id), "accesso.disabilitato"),
                _ => (None, "accesso.negato"),
            };
            audit::record(ctx.db(), Entry { actor_user_id, action, subject: &subject, detail }).await?;
            leptos_axum::redirect(&with_next("/accesso?errore=credenziali", next));
        }
    }
    Ok(())
}

#[server(prefix = "/api", endpoint = "accesso/codice")]
pub async fn login_code(codice: String, next: Option<String>) -> Result<(), AppError> {
    use crate::ssr::audit::{self, Entry};
    use crate::ssr::ctx::{RequestCtx, set_cookie};
    use crate::ssr::db::now_unix;
    use crate::ssr::identity::{self, Stage, TotpCheck};
    use crate::ssr::throttle;

    let ctx = RequestCtx::current()?;
    let next = next.as_deref();
    let pending = match ctx.session_token.as_deref() {
        Some(token) => identity::session_user(ctx.db(), token).await?,
        None => None,
    };
    let (Some(user), Some(token)) = (pending.filter(|u| u.stage == Stage::SecondFactor), ctx.session_token.as_deref())
    else {
        leptos_axum::redirect(&with_next("/accesso?errore=scaduta", next));
        return Ok(());
    };
    let subject = format!("utente:{}", user.codice_fiscale);
    let check = identity::check_totp(ctx.db(), user.user_id, token, &codice).await?;
    let (action, detail) = match check {
        TotpCheck::Accepted => ("accesso", "secondo fattore"),
        TotpCheck::Wrong => ("accesso.negato", "secondo fattore"),
        TotpCheck::SessionSpent => ("accesso.negato", "secondo fattore: tentativi esauriti"),
        TotpCheck::Locked => ("accesso.negato", "secondo fattore: sospeso"),
    };
    audit::record(ctx.db(), Entry { actor_user_id: Some(user.user_id), action, subject: &subject, detail }).await?;
    match check {
        TotpCheck::Accepted => {
            throttle::record_success(ctx.db(), &user.codice_fiscale, ctx.client, now_unix()).await?;
            let token = identity::start_session(ctx.db(), user.user_id, Stage::Active, Some(token), None).await?;
            set_cookie(&ctx.state.session_cookie(&token));
            let home = safe_next(next).unwrap_or_else(|| user.role.home().to_string());
            leptos_axum::redirect(&home);
        }
        TotpCheck::Wrong => leptos_axum::redirect(&with_next("/accesso/codice?errore=codice", next)),
        TotpCheck::SessionSpent => {
            set_cookie(&ctx.state.expired_cookie());
            leptos_axum::redirect(&with_next("/accesso?errore=tentativi", next));
        }
        TotpCheck::Locked => leptos_axum::redirect(&with_next("/accesso/codice?errore=sospeso", next)),
    }
    Ok(())
}

/// In demo mode only: the current code of the seeded demo account waiting at the second factor, so a visitor
/// of the demo can log in without an authenticator app (never the code of any other account).
#[server(prefix = "/api", endpoint = "accesso/codice-demo", input = Json)]
pub async fn demo_code() -> Result<Option<String>, AppError> {
    use crate::ssr::ctx::RequestCtx;
    use crate::ssr::identity::{self, Stage};

    let ctx = RequestCtx::current()?;
    if !ctx.state.settings.demo_mode {
        return Ok(None);
    }
    let Some(token) = ctx.session_token.as_deref() else { return Ok(None) };
    match identity::session_user(ctx.db(), token).await? {
        Some(user) if user.stage == Stage::SecondFactor => {
            Ok(identity::current_code(ctx.db(), user.user_id, &user.codice_fiscale).await?)
        }
        _ => Ok(None),
    }
}

/// Ends the session. A session opened through SPID or CIE goes on to `/accesso/uscita`, which offers to end
/// the provider's session too (RP-initiated logout).
#[server(prefix = "/api", endpoint = "uscita")]
pub async fn logout() -> Result<(), AppError> {
    use crate::ssr::audit::{self, Entry};
    use crate::ssr::ctx::{RequestCtx, set_cookie};
    use crate::ssr::identity;

    let ctx = RequestCtx::current()?;
    let mut provider = None;
    if let Some(token) = ctx.session_token.as_deref() {
        if let Some(user) = identity::session_user(ctx.db(), token).await? {
            provider = identity::session_provider(ctx.db(), token).await?;
            let subject = format!("utente:{}", user.codice_fiscale);
            let detail = provider.as_deref().unwrap_or_default();
            let entry = Entry { actor_user_id: Some(user.user_id), action: "uscita", subject: &subject, detail };
            audit::record(ctx.db(), entry).await?;
        }
        identity::end_session(ctx.db(), token).await?;
    }
    set_cookie(&ctx.state.expired_cookie());
    // `spid:<id>` or `cie`, as the session stored it; a provider no longer configured has nothing to end.
    let fornitore = provider
        .as_deref()
        .map(|p| p.strip_prefix("spid:").unwrap_or(p))
        .filter(|id| ctx.state.settings.accesso.fornitore(id).is_some());
    match fornitore {
        Some(id) => leptos_axum::redirect(&format!("/accesso/uscita?fornitore={id}")),
        None => leptos_axum::redirect("/accesso?uscita=1"),
    }
    Ok(())
}

/// The doors of `/accesso`: the SPID providers in a random order (as the official button does, so none is
/// favoured), the CIE one, and whether the password form is shown.
#[server(prefix = "/api", endpoint = "accesso/opzioni", input = Json)]
pub async fn opzioni_accesso() -> Result<PorteAccesso, AppError> {
    use rand::seq::SliceRandom;

    use crate::model::FornitoreAccesso;
    use crate::ssr::ctx::{PortaPassword, RequestCtx};

    let ctx = RequestCtx::current()?;
    let accesso = &ctx.state.settings.accesso;
    let voce = |f: &crate::ssr::ctx::Fornitore| FornitoreAccesso {
        id: f.id.clone(),
        nome: f.nome.clone(),
        logo: f.logo.clone(),
    };
    let mut spid: Vec<FornitoreAccesso> = accesso.spid.iter().map(voce).collect();
    spid.shuffle(&mut rand::thread_rng());
    Ok(PorteAccesso {
        password: accesso.password != PortaPassword::Chiusa,
        solo_personale: accesso.password == PortaPassword::SoloPersonale,
        spid,
        cie: accesso.cie.as_ref().map(voce),
    })
}

/// The logged-in user, or `None` for a visitor (or a login still at the second factor).
#[server(prefix = "/api", endpoint = "utente", input = Json)]
pub async fn whoami() -> Result<Option<CurrentUser>, AppError> {
    use crate::ssr::authz::{UserAction, authorize};
    use crate::ssr::ctx::RequestCtx;

    let ctx = RequestCtx::current()?;
    match authorize(&ctx, UserAction::Authenticated).await {
        Ok(access) => Ok(Some(CurrentUser {
            codice_fiscale: access.user.codice_fiscale,
            full_name: access.user.full_name,
            role: access.user.role,
        })),
        Err(AppError::Unauthenticated) => Ok(None),
        Err(e) => Err(e),
    }
}
