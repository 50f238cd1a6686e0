//! Reads a message from the sink as a mail program would, independently of the server's own code: header
//! lines unfolded, the MIME tree walked, each part's content decoded (quoted-printable, base64).

pub struct Part {
    /// Names lower-cased, values unfolded.
    pub headers: Vec<(String, String)>,
    /// The decoded content (empty for a multipart).
    pub body: Vec<u8>,
    pub parts: Vec<Part>,
}

impl Part {
    pub fn parse(raw: &[u8]) -> Part {
        let (head, body) = match find(raw, b"\r\n\r\n") {
            Some(i) => (&raw[..i], &raw[i + 4..]),
            None => (raw, &raw[raw.len()..]),
        };
        let mut headers: Vec<(String, String)> = Vec::new();
        for line in String::from_utf8_lossy(head).split("\r\n") {
            if line.starts_with([' ', '\t']) {
                if let Some((_, value)) = headers.last_mut() {
                    value.push(' ');
                    value.push_str(line.trim());
                }
            } else if let Some((name, value)) = line.split_once(':') {
                headers.push((name.trim().to_ascii_lowercase(), value.trim().to_string()));
            }
        }
        let mut part = Part { headers, body: Vec::new(), parts: Vec::new() };
        match part.param("content-type", "boundary").filter(|_| part.mime().starts_with("multipart/")) {
            Some(boundary) => part.parts = split_parts(body, &boundary).iter().map(|p| Part::parse(p)).collect(),
            None => {
                part.body =
                    match part.header("content-transfer-encoding").unwrap_or("7bit").to_ascii_lowercase().as_str() {
                        "base64" => base64(body),
                        "quoted-printable" => quoted_printable(body),
                        _ => body.to_vec(),
                    }
            }
        }
        part
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str())
    }

    /// The media type, lower-cased, without parameters (`text/plain` when not given).
    pub fn mime(&self) -> String {
        self.header("content-type").unwrap_or("text/plain").split(';').next().unwrap_or("").trim().to_ascii_lowercase()
    }

    /// A parameter of a header (`boundary`, `method`, `filename`), unquoted.
    pub fn param(&self, header: &str, name: &str) -> Option<String> {
        self.header(header)?.split(';').skip(1).find_map(|p| {
            let (k, v) = p.split_once('=')?;
            k.trim().eq_ignore_ascii_case(name).then(|| v.trim().trim_matches('"').to_string())
        })
    }

    pub fn text(&self) -> String {
        String::from_utf8(self.body.clone()).expect("a text part in UTF-8")
    }

    /// The first part, depth first, of this media type.
    pub fn find(&self, mime: &str) -> Option<&Part> {
        if self.mime() == mime {
            return Some(self);
        }
        self.parts.iter().find_map(|p| p.find(mime))
    }
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// The raw parts between `--boundary` lines (RFC 2046 §5.1.1): the CRLF before a delimiter belongs to it.
fn split_parts(body: &[u8], boundary: &str) -> Vec<Vec<u8>> {
    let delimiter = format!("\r\n--{boundary}");
    // A leading CRLF lets the first delimiter match like the others.
    let text = [b"\r\n".as_slice(), body].concat();
    let mut starts = Vec::new();
    let mut from = 0;
    while let Some(i) = find(&text[from..], delimiter.as_bytes()) {
        starts.push(from + i);
        from += i + delimiter.len();
    }
    starts
        .windows(2)
        .map(|pair| {
            let after = pair[0] + delimiter.len();
            // The part starts after the rest of the delimiter line.
            let start = find(&text[after..pair[1]], b"\r\n").map_or(pair[1], |i| after + i + 2);
            text[start..pair[1]].to_vec()
        })
        .collect()
}

fn quoted_printable(input: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(input.len());
    let mut i = 0;
    while i < input.len() {
        if input[i] == b'=' {
            if input[i + 1..].starts_with(b"\r\n") {
                i += 3;
                continue;
            }
            let hex = input.get(i + 1..i + 3).and_then(|h| std::str::from_utf8(h).ok());
            if let Some(byte) = hex.and_then(|h| u8::from_str_radix(h, 16).ok()) {
                out.push(byte);
                i += 3;
                continue;
            }
        }
        out.push(input[i]);
        i += 1;
    }
    out
}

fn base64(input: &[u8]) -> Vec<u8> {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = Vec::new();
    let (mut acc, mut bits) = (0u32, 0u32);
    for &c in input {
        let Some(v) = ALPHABET.iter().position(|&a| a == c) else {
            if c == b'=' {
                break;
            }
            assert!(c.is_ascii_whitespace(), "not base64: {c:?}");
            continue;
        };
        acc = (acc << 6) | v as u32;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    out
}
