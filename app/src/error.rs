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

impl AppError {
    pub fn invalid(message: impl Into<String>) -> Self {
        AppError::Invalid(message.into())
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

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        AppError::Transport(value.to_string())
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

    impl From<anyhow::Error> for AppError {
        fn from(err: anyhow::Error) -> Self {
            tracing::error!(error = ?err, "internal error");
            AppError::Internal
        }
    }
}
