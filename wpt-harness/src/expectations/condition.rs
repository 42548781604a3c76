//! The conditions of wptrunner metadata (`if profile == "spec" and not
//! debug: FAIL`), evaluated against the keys of a run.
//!
//! Grammar, as wptrunner's manifest expressions: `or` binds loosest, then
//! `and`, then `not`; comparisons `==` and `!=`; operands are strings in
//! double or single quotes, numbers, `True`/`False`/`None`, run keys (bare
//! names) and parenthesised expressions. A bare key is true when it is set
//! and neither `false`, `0` nor empty.

use std::collections::BTreeMap;

/// A value of a run key.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum KeyValue {
    /// A string (`os`, `product`, `target`, `profile`).
    Str(String),
    /// A flag (`debug`, `diff`).
    Bool(bool),
    /// A number (`bits`).
    Int(i64),
    /// Absent (`None` in a condition).
    None,
}

impl KeyValue {
    fn truthy(&self) -> bool {
        match self {
            KeyValue::Str(s) => !s.is_empty(),
            KeyValue::Bool(b) => *b,
            KeyValue::Int(i) => *i != 0,
            KeyValue::None => false,
        }
    }
}

/// The keys conditions can test: wptrunner's `run_info` keys that apply to
/// this harness (`product`, `os`, `processor`, `bits`, `debug`) plus
/// `target` (`engine`, `exec`, `chromium`), `profile` and `diff`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RunKeys(BTreeMap<String, KeyValue>);

impl RunKeys {
    /// Sets a string key.
    pub fn with(mut self, key: &str, value: &str) -> RunKeys {
        self.0.insert(key.to_string(), KeyValue::Str(value.to_string()));
        self
    }

    /// Sets a flag.
    pub fn with_flag(mut self, key: &str, value: bool) -> RunKeys {
        self.0.insert(key.to_string(), KeyValue::Bool(value));
        self
    }

    /// The keys of a run on this machine: `os`, `processor`, `bits`, `debug`
    /// from the build, then `product`, `target`, `profile` and `diff`.
    pub fn for_run(product: &str, target: &str, profile: &str, diff: bool) -> RunKeys {
        let mut keys = RunKeys::default()
            .with("os", std::env::consts::OS)
            .with("processor", std::env::consts::ARCH)
            .with_flag("debug", cfg!(debug_assertions))
            .with("product", product)
            .with("target", target)
            .with("profile", profile)
            .with_flag("diff", diff);
        keys.0.insert("bits".into(), KeyValue::Int(usize::BITS as i64));
        keys
    }

    /// A key's value (`None` when unset).
    pub fn get(&self, key: &str) -> KeyValue {
        self.0.get(key).cloned().unwrap_or(KeyValue::None)
    }

    /// The keys and their values, for messages.
    pub fn iter(&self) -> impl Iterator<Item = (&String, &KeyValue)> {
        self.0.iter()
    }
}

/// A parsed condition.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Condition {
    /// A literal or a key.
    Value(Operand),
    /// `a == b`.
    Eq(Operand, Operand),
    /// `a != b`.
    Ne(Operand, Operand),
    /// `not a`.
    Not(Box<Condition>),
    /// `a and b`.
    And(Box<Condition>, Box<Condition>),
    /// `a or b`.
    Or(Box<Condition>, Box<Condition>),
}

/// One side of a comparison.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Operand {
    /// A literal.
    Literal(KeyValue),
    /// A run key.
    Key(String),
}

impl Operand {
    fn value(&self, keys: &RunKeys) -> KeyValue {
        match self {
            Operand::Literal(v) => v.clone(),
            Operand::Key(k) => keys.get(k),
        }
    }
}

impl Condition {
    /// Parses `text` (what follows `if` and precedes the `:`).
    pub fn parse(text: &str) -> Result<Condition, String> {
        let tokens = tokenize(text)?;
        let mut p = Parser { tokens, at: 0 };
        let c = p.or()?;
        if p.at != p.tokens.len() {
            return Err(format!("unexpected {:?} in condition {text:?}", p.tokens[p.at]));
        }
        Ok(c)
    }

    /// Whether the condition holds for `keys`.
    pub fn holds(&self, keys: &RunKeys) -> bool {
        match self {
            Condition::Value(o) => o.value(keys).truthy(),
            Condition::Eq(a, b) => equal(&a.value(keys), &b.value(keys)),
            Condition::Ne(a, b) => !equal(&a.value(keys), &b.value(keys)),
            Condition::Not(c) => !c.holds(keys),
            Condition::And(a, b) => a.holds(keys) && b.holds(keys),
            Condition::Or(a, b) => a.holds(keys) || b.holds(keys),
        }
    }

    /// The run keys the condition names.
    pub fn keys(&self) -> Vec<String> {
        let mut out = Vec::new();
        let mut push = |o: &Operand| {
            if let Operand::Key(k) = o {
                out.push(k.clone());
            }
        };
        match self {
            Condition::Value(o) => push(o),
            Condition::Eq(a, b) | Condition::Ne(a, b) => {
                push(a);
                push(b);
            }
            Condition::Not(c) => out.extend(c.keys()),
            Condition::And(a, b) | Condition::Or(a, b) => {
                out.extend(a.keys());
                out.extend(b.keys());
            }
        }
        out
    }
}

/// Values compare as wptrunner's do, except that a flag also equals the
/// strings `"true"`/`"false"`.
fn equal(a: &KeyValue, b: &KeyValue) -> bool {
    match (a, b) {
        (KeyValue::Bool(x), KeyValue::Str(s)) | (KeyValue::Str(s), KeyValue::Bool(x)) => s == &x.to_string(),
        _ => a == b,
    }
}

#[derive(Clone, Debug, PartialEq)]
enum Token {
    Name(String),
    Str(String),
    Int(i64),
    Eq,
    Ne,
    Open,
    Close,
}

fn tokenize(text: &str) -> Result<Vec<Token>, String> {
    let chars: Vec<char> = text.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        match c {
            ' ' | '\t' => i += 1,
            '(' => {
                out.push(Token::Open);
                i += 1;
            }
            ')' => {
                out.push(Token::Close);
                i += 1;
            }
            '=' | '!' if chars.get(i + 1) == Some(&'=') => {
                out.push(if c == '=' { Token::Eq } else { Token::Ne });
                i += 2;
            }
            '"' | '\'' => {
                let mut s = String::new();
                i += 1;
                loop {
                    match chars.get(i) {
                        None => return Err(format!("unterminated string in condition {text:?}")),
                        Some('\\') if i + 1 < chars.len() => {
                            s.push(chars[i + 1]);
                            i += 2;
                        }
                        Some(&q) if q == c => {
                            i += 1;
                            break;
                        }
                        Some(&ch) => {
                            s.push(ch);
                            i += 1;
                        }
                    }
                }
                out.push(Token::Str(s));
            }
            c if c.is_ascii_digit() || c == '-' => {
                let start = i;
                i += 1;
                while i < chars.len() && chars[i].is_ascii_digit() {
                    i += 1;
                }
                let s: String = chars[start..i].iter().collect();
                out.push(Token::Int(s.parse().map_err(|_| format!("bad number {s:?} in condition {text:?}"))?));
            }
            c if c.is_alphanumeric() || c == '_' => {
                let start = i;
                while i < chars.len() && (chars[i].is_alphanumeric() || chars[i] == '_' || chars[i] == '.') {
                    i += 1;
                }
                out.push(Token::Name(chars[start..i].iter().collect()));
            }
            other => return Err(format!("unexpected character {other:?} in condition {text:?}")),
        }
    }
    Ok(out)
}

struct Parser {
    tokens: Vec<Token>,
    at: usize,
}

impl Parser {
    fn peek_name(&self, name: &str) -> bool {
        matches!(self.tokens.get(self.at), Some(Token::Name(n)) if n == name)
    }

    fn or(&mut self) -> Result<Condition, String> {
        let mut left = self.and()?;
        while self.peek_name("or") {
            self.at += 1;
            left = Condition::Or(Box::new(left), Box::new(self.and()?));
        }
        Ok(left)
    }

    fn and(&mut self) -> Result<Condition, String> {
        let mut left = self.not()?;
        while self.peek_name("and") {
            self.at += 1;
            left = Condition::And(Box::new(left), Box::new(self.not()?));
        }
        Ok(left)
    }

    fn not(&mut self) -> Result<Condition, String> {
        if self.peek_name("not") {
            self.at += 1;
            return Ok(Condition::Not(Box::new(self.not()?)));
        }
        self.comparison()
    }

    fn comparison(&mut self) -> Result<Condition, String> {
        if self.tokens.get(self.at) == Some(&Token::Open) {
            self.at += 1;
            let inner = self.or()?;
            if self.tokens.get(self.at) != Some(&Token::Close) {
                return Err("missing `)` in condition".into());
            }
            self.at += 1;
            return Ok(inner);
        }
        let left = self.operand()?;
        match self.tokens.get(self.at) {
            Some(Token::Eq) => {
                self.at += 1;
                Ok(Condition::Eq(left, self.operand()?))
            }
            Some(Token::Ne) => {
                self.at += 1;
                Ok(Condition::Ne(left, self.operand()?))
            }
            _ => Ok(Condition::Value(left)),
        }
    }

    fn operand(&mut self) -> Result<Operand, String> {
        let token = self.tokens.get(self.at).cloned().ok_or("condition ends too early")?;
        self.at += 1;
        Ok(match token {
            Token::Str(s) => Operand::Literal(KeyValue::Str(s)),
            Token::Int(i) => Operand::Literal(KeyValue::Int(i)),
            Token::Name(n) if n == "True" || n == "true" => Operand::Literal(KeyValue::Bool(true)),
            Token::Name(n) if n == "False" || n == "false" => Operand::Literal(KeyValue::Bool(false)),
            Token::Name(n) if n == "None" => Operand::Literal(KeyValue::None),
            Token::Name(n) if ["and", "or", "not"].contains(&n.as_str()) => {
                return Err(format!("`{n}` where a value was expected"));
            }
            Token::Name(n) => Operand::Key(n),
            other => return Err(format!("{other:?} where a value was expected")),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys() -> RunKeys {
        RunKeys::for_run("sync-core", "engine", "spec", false)
    }

    #[test]
    fn comparisons_and_connectives() {
        let holds = |t: &str| Condition::parse(t).unwrap().holds(&keys());
        assert!(holds("profile == \"spec\""));
        assert!(!holds("profile == 'chromium'"));
        assert!(holds("target != \"chromium\" and not diff"));
        assert!(holds("(target == \"chromium\") or profile == \"spec\""));
        assert!(!holds("diff"));
        assert!(holds("not debug or debug"));
        assert!(holds("bits == 64") == (usize::BITS == 64));
        assert!(holds("diff == False"));
        assert!(!holds("nosuchkey"));
        assert!(holds("nosuchkey == None"));
    }

    #[test]
    fn malformed_conditions_are_errors() {
        for bad in ["profile ==", "(a", "a == \"x", "and", "a b", "a @ b"] {
            assert!(Condition::parse(bad).is_err(), "{bad}");
        }
    }
}
