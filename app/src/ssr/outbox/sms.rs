//! The SMS gateway adapter: one HTTP POST per message to a configurable URL, with a payload built from a
//! configurable template, so any provider's HTTP API can be reached without code. Called by the outbox
//! worker, which owns retries and the "once only" guarantee; every request carries the outbox message's
//! id (in the payload as `{id}` and as `Idempotency-Key`), so a gateway can recognise a retry after an
//! unclear failure and never send the same SMS twice.

use std::time::Duration;

/// The payload sent when no template is configured.
pub const DEFAULT_TEMPLATE: &str = r#"{"to":"{destinatario}","text":"{testo}","reference":"{id}"}"#;
const TIMEOUT: Duration = Duration::from_secs(30);

/// `Debug` by hand: the URL and the token are credentials (see `redact`).
#[derive(Clone)]
pub struct SmsGateway {
    pub url: String,
    /// JSON with the placeholders `{destinatario}`, `{testo}` and `{id}`, each replaced by the value
    /// escaped for a JSON string (the template supplies the quotes).
    pub template: String,
    /// Sent as `Authorization: Bearer …` when set.
    pub token: Option<String>,
}

impl std::fmt::Debug for SmsGateway {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SmsGateway")
            .field("url", &crate::ssr::redact::url(&self.url))
            .field("template", &self.template)
            .field("token", &crate::ssr::redact::secret(&self.token))
            .finish()
    }
}

/// What the gateway answered.
#[derive(Debug, PartialEq, Eq)]
pub enum SmsOutcome {
    Accepted(String),
    /// Refused for good (a 4xx other than timeout and rate limit): retrying would not help.
    Refused(String),
    /// Worth trying again: no answer, 5xx, 408, 429.
    Transient(String),
}

fn json_escaped(value: &str) -> String {
    let quoted = serde_json::to_string(value).unwrap_or_default();
    quoted[1..quoted.len() - 1].to_string()
}

/// The body of the request for one message.
pub fn payload(template: &str, destinatario: &str, testo: &str, id: &str) -> String {
    template
        .replace("{destinatario}", &json_escaped(destinatario))
        .replace("{testo}", &json_escaped(testo))
        .replace("{id}", &json_escaped(id))
}

/// How an HTTP status is taken.
pub fn classify(status: u16, detail: String) -> SmsOutcome {
    match status {
        200..=299 => SmsOutcome::Accepted(detail),
        408 | 429 | 500..=599 => SmsOutcome::Transient(detail),
        _ => SmsOutcome::Refused(detail),
    }
}

impl SmsGateway {
    pub async fn send(&self, destinatario: &str, testo: &str, id: &str) -> SmsOutcome {
        let client = match reqwest::Client::builder().timeout(TIMEOUT).build() {
            Ok(c) => c,
            Err(e) => return SmsOutcome::Transient(format!("client HTTP: {e}")),
        };
        let mut request = client
            .post(&self.url)
            .header(reqwest::header::CONTENT_TYPE, "application/json")
            .header("Idempotency-Key", id)
            .body(payload(&self.template, destinatario, testo, id));
        if let Some(token) = &self.token {
            request = request.bearer_auth(token);
        }
        match request.send().await {
            Ok(response) => {
                let status = response.status().as_u16();
                let text: String = response.text().await.unwrap_or_default().chars().take(200).collect();
                classify(status, format!("HTTP {status} {text}").trim().to_string())
            }
            // reqwest's message carries the URL, which may hold a key: it is given redacted instead.
            Err(e) => SmsOutcome::Transient(format!(
                "gateway SMS {} non raggiungibile: {}",
                crate::ssr::redact::url(&self.url),
                e.without_url()
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_template_gets_json_escaped_values() {
        let body =
            payload(DEFAULT_TEMPLATE, "+39 333 1234567", "Richiesta \"INPS.7001\"\nchiusa", "<abc@cassetto.local>");
        let v: serde_json::Value = serde_json::from_str(&body).expect("valid JSON");
        assert_eq!(v["to"], "+39 333 1234567");
        assert_eq!(v["text"], "Richiesta \"INPS.7001\"\nchiusa");
        assert_eq!(v["reference"], "<abc@cassetto.local>");
    }

    #[test]
    fn statuses_split_into_sent_refused_and_retry() {
        assert!(matches!(classify(202, String::new()), SmsOutcome::Accepted(_)));
        assert!(matches!(classify(400, String::new()), SmsOutcome::Refused(_)));
        assert!(matches!(classify(429, String::new()), SmsOutcome::Transient(_)));
        assert!(matches!(classify(503, String::new()), SmsOutcome::Transient(_)));
    }
}
