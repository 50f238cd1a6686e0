//! The one error type every server function returns. The client sees only the variant and, for
//! `Invalid`, an Italian message meant for the user; causes go to the server log.

use leptos::server_fn::codec::JsonEncoding;
use leptos::server_fn::error::{FromServerFnError, ServerFnErrorErr};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum AppError {
    #[error("Per continuare occorre accedere.")]
    Unauthenticated,
    #[error("Operazione non consentita per il suo profilo.")]
    Forbidden,
    /// Also the answer for records the user may not reach, so that their existence is not revealed.
    #[error("Risorsa non trovata o non accessibile.")]
    NotFound,
    #[error("{0}")]
    Invalid(String),
    /// A daily limit of the account is reached (429); the Italian message names it.
    #[error("{0}")]
    TooMany(String),
    #[error("Si è verificato un errore interno. Riprovi più tardi.")]
    Internal,
    #[error("Errore di comunicazione con il server.")]
    Transport(String),
}

/// The answer to a request whose fields are missing, of the wrong type or out of range.
pub const UNREADABLE_ARGUMENTS: &str =
    "I dati inviati non sono validi: un campo manca, è di un tipo non previsto o fuori dai limiti.";

impl AppError {
    /// A refusal meant for the user: an Italian message, or a domain rule's error (its `Display` is the message).
    pub fn invalid(message: impl std::fmt::Display) -> Self {
        AppError::Invalid(message.to_string())
    }

    /// The HTTP status the server answers with for this error.
    pub fn status(&self) -> u16 {
        match self {
            AppError::Unauthenticated => 401,
            AppError::Forbidden => 403,
            AppError::NotFound => 404,
            AppError::Invalid(_) => 400,
            AppError::TooMany(_) => 429,
            AppError::Internal | AppError::Transport(_) => 500,
        }
    }
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    /// Arguments the server could not read are the sender's mistake, not ours: a 400 with an Italian message
    /// (the cause, in English, only in the log). Everything else is transport.
    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        match value {
            ServerFnErrorErr::Args(cause) | ServerFnErrorErr::MissingArg(cause) => {
                #[cfg(feature = "ssr")]
                tracing::info!(%cause, "server function arguments refused");
                #[cfg(not(feature = "ssr"))]
                let _ = cause;
                AppError::invalid(UNREADABLE_ARGUMENTS)
            }
            // On the server this is the arguments' JSON that did not decode; in the browser, an answer.
            #[cfg(feature = "ssr")]
            ServerFnErrorErr::Deserialization(cause) => {
                tracing::info!(%cause, "server function arguments refused");
                AppError::invalid(UNREADABLE_ARGUMENTS)
            }
            other => AppError::Transport(other.to_string()),
        }
    }
}

#[cfg(feature = "ssr")]
mod ssr {
    use super::AppError;

    impl From<sqlx::Error> for AppError {
        fn from(err: sqlx::Error) -> Self {
            tracing::error!(error = ?err, "database error");
            AppError::Internal
        }
    }

    /// A stored row the rules do not know (a kind or state of delega): the data is wrong, not the request.
    impl From<crate::domain::profili::ValoreDelegaSconosciuto> for AppError {
        fn from(err: crate::domain::profili::ValoreDelegaSconosciuto) -> Self {
            tracing::error!(error = %err, "stored value outside the rules");
            AppError::Internal
        }
    }

    impl From<anyhow::Error> for AppError {
        fn from(err: anyhow::Error) -> Self {
            tracing::error!(error = ?err, "internal error");
            AppError::Internal
        }
    }
}
