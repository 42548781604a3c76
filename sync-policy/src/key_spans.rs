//! Where each key of a configuration document is written.
//!
//! The TOML and JSON parsers give the position of an error but not always
//! the key it belongs to, and semantic checks run after parsing, when no
//! position is left. This index maps dotted keys to byte ranges in the
//! document, both ways: by key (for semantic errors) and by position (to
//! name the key of a parser error).

use std::ops::Range;

/// Nesting deeper than this is not indexed (no configuration key is deeper
/// than 3; this only bounds the work on hostile input).
const MAX_DEPTH: usize = 32;

/// One written key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct KeySpan {
    /// Dotted path (`oneshot.conditions.require_charging`); array elements as `key[0]`.
    pub(crate) path: String,
    /// Byte range of the key as written (for array elements, the element).
    pub(crate) key: Range<usize>,
    /// Byte range of the value.
    pub(crate) value: Range<usize>,
}

/// Every written key of one document.
#[derive(Debug, Default)]
pub(crate) struct KeySpans {
    entries: Vec<KeySpan>,
}

fn child(path: &str, key: &str) -> String {
    if path.is_empty() { key.to_string() } else { format!("{path}.{key}") }
}

fn contains(range: &Range<usize>, offset: usize) -> bool {
    range.start <= offset && offset <= range.end
}

impl KeySpans {
    /// Indexes a TOML document (empty when it does not parse).
    pub(crate) fn toml(text: &str) -> KeySpans {
        let mut spans = KeySpans::default();
        if let Ok(root) = toml::de::DeTable::parse(text) {
            spans.walk_toml_table(root.get_ref(), "", 0);
        }
        spans
    }

    fn walk_toml_table(&mut self, table: &toml::de::DeTable<'_>, path: &str, depth: usize) {
        for (key, value) in table.iter() {
            let path = child(path, key.get_ref());
            self.entries.push(KeySpan { path: path.clone(), key: key.span(), value: value.span() });
            self.walk_toml_value(value.get_ref(), &path, depth + 1);
        }
    }

    fn walk_toml_value(&mut self, value: &toml::de::DeValue<'_>, path: &str, depth: usize) {
        if depth > MAX_DEPTH {
            return;
        }
        if let Some(table) = value.as_table() {
            self.walk_toml_table(table, path, depth);
        } else if let Some(array) = value.as_array() {
            for (i, item) in array.iter().enumerate() {
                let path = format!("{path}[{i}]");
                self.entries.push(KeySpan { path: path.clone(), key: item.span(), value: item.span() });
                self.walk_toml_value(item.get_ref(), &path, depth + 1);
            }
        }
    }

    /// Indexes a JSON document, up to its first syntax error.
    pub(crate) fn json(text: &str) -> KeySpans {
        let mut scanner = JsonScanner { text, pos: 0, out: Vec::new() };
        // A syntax error ends the scan; what was indexed before it stays.
        let _ = scanner.value("", 0);
        KeySpans { entries: scanner.out }
    }

    /// The key written at `path`, if it is written.
    pub(crate) fn find(&self, path: &str) -> Option<&KeySpan> {
        self.entries.iter().find(|e| e.path == path)
    }

    /// The innermost key whose key or value covers byte `offset` (both ends included).
    pub(crate) fn at_offset(&self, offset: usize) -> Option<&KeySpan> {
        self.entries
            .iter()
            .filter_map(|e| {
                let size = [&e.key, &e.value].into_iter().filter(|r| contains(r, offset)).map(|r| r.len()).min()?;
                Some((size, e))
            })
            .min_by_key(|(size, _)| *size)
            .map(|(_, e)| e)
    }
}

/// A minimal JSON reader that records where keys and values are. It runs
/// after (or alongside) `serde_json`, which remains the judge of validity.
struct JsonScanner<'a> {
    text: &'a str,
    pos: usize,
    out: Vec<KeySpan>,
}

/// The scan stopped at malformed input.
struct Malformed;

impl JsonScanner<'_> {
    fn peek(&self) -> Option<u8> {
        self.text.as_bytes().get(self.pos).copied()
    }

    fn skip_ws(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.pos += 1;
        }
    }

    fn expect(&mut self, byte: u8) -> Result<(), Malformed> {
        self.skip_ws();
        if self.peek() == Some(byte) {
            self.pos += 1;
            Ok(())
        } else {
            Err(Malformed)
        }
    }

    fn value(&mut self, path: &str, depth: usize) -> Result<(), Malformed> {
        if depth > MAX_DEPTH {
            return Err(Malformed);
        }
        self.skip_ws();
        match self.peek() {
            Some(b'{') => self.object(path, depth),
            Some(b'[') => self.array(path, depth),
            Some(b'"') => self.string(),
            Some(_) => {
                let start = self.pos;
                while !matches!(self.peek(), None | Some(b',' | b'}' | b']' | b' ' | b'\t' | b'\n' | b'\r')) {
                    self.pos += 1;
                }
                if self.pos == start { Err(Malformed) } else { Ok(()) }
            }
            None => Err(Malformed),
        }
    }

    fn string(&mut self) -> Result<(), Malformed> {
        self.pos += 1;
        loop {
            match self.peek() {
                None => return Err(Malformed),
                Some(b'\\') => self.pos += 2,
                Some(b'"') => {
                    self.pos += 1;
                    return Ok(());
                }
                Some(_) => self.pos += 1,
            }
        }
    }

    fn object(&mut self, path: &str, depth: usize) -> Result<(), Malformed> {
        self.pos += 1;
        self.skip_ws();
        if self.peek() == Some(b'}') {
            self.pos += 1;
            return Ok(());
        }
        loop {
            self.skip_ws();
            if self.peek() != Some(b'"') {
                return Err(Malformed);
            }
            let key_start = self.pos;
            self.string()?;
            let key_range = key_start..self.pos;
            let key: String = serde_json::from_str(&self.text[key_range.clone()]).map_err(|_| Malformed)?;
            self.expect(b':')?;
            self.skip_ws();
            let path = child(path, &key);
            let index = self.out.len();
            self.out.push(KeySpan { path: path.clone(), key: key_range, value: self.pos..self.text.len() });
            let value_start = self.pos;
            self.value(&path, depth + 1)?;
            self.out[index].value = value_start..self.pos;
            self.skip_ws();
            match self.peek() {
                Some(b',') => self.pos += 1,
                Some(b'}') => {
                    self.pos += 1;
                    return Ok(());
                }
                _ => return Err(Malformed),
            }
        }
    }

    fn array(&mut self, path: &str, depth: usize) -> Result<(), Malformed> {
        self.pos += 1;
        self.skip_ws();
        if self.peek() == Some(b']') {
            self.pos += 1;
            return Ok(());
        }
        for i in 0.. {
            self.skip_ws();
            let path = format!("{path}[{i}]");
            let start = self.pos;
            let index = self.out.len();
            self.out.push(KeySpan { path: path.clone(), key: start..self.text.len(), value: start..self.text.len() });
            self.value(&path, depth + 1)?;
            self.out[index].key = start..self.pos;
            self.out[index].value = start..self.pos;
            self.skip_ws();
            match self.peek() {
                Some(b',') => self.pos += 1,
                Some(b']') => {
                    self.pos += 1;
                    return Ok(());
                }
                _ => return Err(Malformed),
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn paths(spans: &KeySpans) -> Vec<&str> {
        spans.entries.iter().map(|e| e.path.as_str()).collect()
    }

    #[test]
    fn indexes_toml_keys_tables_and_arrays() {
        let text = "profile = \"spec\"\n[oneshot]\nmax_attempts = 0\n[oneshot.conditions]\nrequire_charging = true\n\
                    [register]\nwindow_frames = [\"top-level\"]\n";
        let spans = KeySpans::toml(text);
        let found = paths(&spans);
        for p in ["profile", "oneshot.max_attempts", "oneshot.conditions.require_charging", "register.window_frames[0]"]
        {
            assert!(found.contains(&p), "{p} missing from {found:?}");
        }
        let e = spans.find("oneshot.max_attempts").unwrap();
        assert_eq!(&text[e.key.clone()], "max_attempts");
        assert_eq!(&text[e.value.clone()], "0");
        assert_eq!(spans.at_offset(e.value.start).unwrap().path, "oneshot.max_attempts");
    }

    #[test]
    fn indexes_json_keys_with_escapes() {
        let text = "{\"oneshot\": {\"max\\u005fattempts\": 0, \"x\": [1, {\"y\": true}]}}";
        let spans = KeySpans::json(text);
        assert_eq!(
            paths(&spans),
            ["oneshot", "oneshot.max_attempts", "oneshot.x", "oneshot.x[0]", "oneshot.x[1]", "oneshot.x[1].y"]
        );
        let e = spans.find("oneshot.max_attempts").unwrap();
        assert_eq!(&text[e.value.clone()], "0");
        // The innermost entry wins.
        let y = spans.find("oneshot.x[1].y").unwrap();
        assert_eq!(spans.at_offset(y.value.end).unwrap().path, "oneshot.x[1].y");
    }

    #[test]
    fn json_scan_keeps_what_precedes_a_syntax_error() {
        let spans = KeySpans::json("{\"a\": 1, \"b\": ");
        assert!(spans.find("a").is_some());
        assert!(KeySpans::json(&"[".repeat(10_000)).find("x").is_none());
    }
}
