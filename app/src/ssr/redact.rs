//! Credentials out of the logs: every URL that may carry a password or a token (SMTP, SMS gateway,
//! `DATABASE_URL`) goes through `url` before it is logged or printed with `{:?}`.

/// What replaces a secret.
pub const HIDDEN: &str = "***";

/// Query parameters whose value is a secret (compared without case, by substring: `api_key`, `access_token`…).
const SECRET_PARAMS: [&str; 7] = ["pass", "pwd", "token", "secret", "key", "auth", "signature"];

/// `url` with the password of its userinfo (`user:password@`) and the values of secret-looking query
/// parameters (`?password=…`, `?token=…`) replaced by `***`. The user name is kept: it says which account
/// is configured without opening it. A string that is not a URL is returned unchanged but for a userinfo-like
/// `…:…@` before the first `/`, which is hidden too.
pub fn url(url: &str) -> String {
    let (scheme, rest) = match url.split_once("://") {
        Some((scheme, rest)) => (Some(scheme), rest),
        None => (None, url),
    };
    let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let (authority, tail) = rest.split_at(authority_end);
    // The last `@` ends the userinfo: a password may itself hold an unencoded `@`.
    let authority = match authority.rsplit_once('@') {
        Some((userinfo, host)) => match userinfo.split_once(':') {
            Some((user, _password)) => format!("{user}:{HIDDEN}@{host}"),
            // A lone token as userinfo (`https://TOKEN@host`) is a secret too.
            None if scheme.is_some_and(|s| s.starts_with("http")) => format!("{HIDDEN}@{host}"),
            None => format!("{userinfo}@{host}"),
        },
        None => authority.to_string(),
    };
    let tail = match tail.split_once('?') {
        Some((path, query)) => {
            let (query, fragment) = match query.split_once('#') {
                Some((q, f)) => (q, Some(f)),
                None => (query, None),
            };
            let query = query
                .split('&')
                .map(|pair| match pair.split_once('=') {
                    Some((k, _)) if is_secret_param(k) => format!("{k}={HIDDEN}"),
                    _ => pair.to_string(),
                })
                .collect::<Vec<_>>()
                .join("&");
            match fragment {
                Some(f) => format!("{path}?{query}#{f}"),
                None => format!("{path}?{query}"),
            }
        }
        None => tail.to_string(),
    };
    match scheme {
        Some(scheme) => format!("{scheme}://{authority}{tail}"),
        None => format!("{authority}{tail}"),
    }
}

fn is_secret_param(name: &str) -> bool {
    let name = name.to_ascii_lowercase();
    SECRET_PARAMS.iter().any(|s| name.contains(s))
}

/// An optional secret for `{:?}`: whether it is set, never its value.
pub fn secret(value: &Option<String>) -> &'static str {
    if value.is_some() { HIDDEN } else { "None" }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hides_passwords_and_tokens_in_urls() {
        assert_eq!(
            url("smtps://utente%40ente.it:p%3Ass@smtps.pec.example.it/"),
            "smtps://utente%40ente.it:***@smtps.pec.example.it/"
        );
        assert_eq!(
            url("postgres://cassetto:S3gr3t0@db.example:5432/cassetto"),
            "postgres://cassetto:***@db.example:5432/cassetto"
        );
        assert_eq!(url("postgres://u:p@ss@host/db"), "postgres://u:***@host/db");
        assert_eq!(
            url("postgres://db.example/cassetto?user=c&password=S3gr3t0&sslmode=require"),
            "postgres://db.example/cassetto?user=c&password=***&sslmode=require"
        );
        assert_eq!(
            url("https://sms.example/api?api_key=abc123&from=INPS#x"),
            "https://sms.example/api?api_key=***&from=INPS#x"
        );
        assert_eq!(url("https://TOKEN123@sms.example/send"), "https://***@sms.example/send");
        // Nothing secret: unchanged.
        for plain in [
            "smtp://127.0.0.1:2525",
            "sqlite://cassetto.db",
            "smtp://mail.example.it?tls=required",
            "postgres://postgres@127.0.0.1:5432/postgres",
        ] {
            assert_eq!(url(plain), plain);
        }
        for secret in ["S3gr3t0", "p%3Ass", "abc123", "TOKEN123"] {
            for u in [
                "postgres://cassetto:S3gr3t0@db/x",
                "smtps://u:p%3Ass@h/",
                "https://h/?api_key=abc123",
                "https://TOKEN123@h/",
            ] {
                assert!(!url(u).contains(secret), "{u}");
            }
        }
    }
}
