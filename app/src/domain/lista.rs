//! A consultation list as its page URL carries it: filters, sort, page. Plain data parsed from the query
//! string, read by the list rules (`comunicazioni::ricerca`) and by the pages that write the links back.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// Filters, sort and page of a consultation list, as carried in the page URL.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ListQuery {
    pub filters: BTreeMap<String, String>,
    pub sort: Option<String>,
    pub desc: bool,
    pub page: u32,
}

impl ListQuery {
    /// Reads the query from URL parameters: `ordina`, `dir`, `pagina`, anything else is a filter.
    pub fn from_params(params: impl IntoIterator<Item = (String, String)>) -> ListQuery {
        let mut q = ListQuery::default();
        for (key, value) in params {
            match key.as_str() {
                "ordina" => q.sort = Some(value),
                "dir" => q.desc = value == "desc",
                "pagina" => q.page = pagina(&value),
                _ if !value.trim().is_empty() => {
                    q.filters.insert(key, value.trim().to_string());
                }
                _ => {}
            }
        }
        q
    }

    /// The URL query string for this list with some parameters replaced.
    pub fn to_query_string(&self, sort: Option<&str>, desc: bool, page: u32) -> String {
        let mut parts: Vec<String> =
            self.filters.iter().map(|(k, v)| format!("{}={}", url_encode(k), url_encode(v))).collect();
        if let Some(sort) = sort {
            parts.push(format!("ordina={}", url_encode(sort)));
            parts.push(format!("dir={}", if desc { "desc" } else { "asc" }));
        }
        if page > 0 {
            parts.push(format!("pagina={page}"));
        }
        if parts.is_empty() { String::new() } else { format!("?{}", parts.join("&")) }
    }
}

/// A `pagina` parameter as a page index: digits saturate at `u32::MAX` (each list then shows its last
/// page: the queries clamp the page to the pages there are before any arithmetic with it), anything
/// else is the first page. No page number reaches SQL unclamped.
pub fn pagina(value: &str) -> u32 {
    let value = value.trim();
    if value.is_empty() || !value.bytes().all(|b| b.is_ascii_digit()) {
        return 0;
    }
    value.parse::<u32>().unwrap_or(u32::MAX)
}

/// Percent-encodes a URL query component.
pub fn url_encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => out.push(b as char),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}
