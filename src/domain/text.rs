//! The one rule for text that reaches the server: no control characters, and no
//! white space or invisible format characters at either end. Every server
//! function's form fields pass through `clean` at the HTTP boundary
//! (`server::boundary`), so no service ever sees a NUL byte or a name made only of
//! zero-width spaces.

use super::Invalid;

/// Line breaks and tabs are text (notes, CSV files); every other C0/C1 control
/// character, DEL included, is refused.
fn is_refused_control(c: char) -> bool {
    c.is_control() && !matches!(c, '\n' | '\r' | '\t')
}

/// Unicode's format characters (general category Cf): invisible, so a value made
/// only of them looks empty. Inside a word some are meaningful (the zero-width
/// joiner in Devanagari conjuncts), so they are only trimmed at the ends.
pub fn is_format(c: char) -> bool {
    matches!(c,
        '\u{00AD}' | '\u{0600}'..='\u{0605}' | '\u{061C}' | '\u{06DD}' | '\u{070F}'
        | '\u{0890}'..='\u{0891}' | '\u{08E2}' | '\u{180E}' | '\u{200B}'..='\u{200F}'
        | '\u{202A}'..='\u{202E}' | '\u{2060}'..='\u{2064}' | '\u{2066}'..='\u{206F}'
        | '\u{FEFF}' | '\u{FFF9}'..='\u{FFFB}' | '\u{110BD}' | '\u{110CD}'
        | '\u{13430}'..='\u{1343F}' | '\u{1BCA0}'..='\u{1BCA3}' | '\u{1D173}'..='\u{1D17A}'
        | '\u{E0001}' | '\u{E0020}'..='\u{E007F}')
}

fn is_edge_junk(c: char) -> bool {
    c.is_whitespace() || is_format(c)
}

/// The value as it may be stored: trimmed of white space and format characters
/// at both ends; refused if it holds a control character.
pub fn clean(input: &str) -> Result<&str, Invalid> {
    if input.chars().any(is_refused_control) {
        return Err(Invalid::new(
            "This field contains an invisible control character (often from copying text): type it again",
        ));
    }
    Ok(input.trim_matches(is_edge_junk))
}

/// For secrets (passwords): never trimmed, but control characters are refused all the same.
pub fn check_secret(input: &str) -> Result<&str, Invalid> {
    if input.chars().any(is_refused_control) {
        return Err(Invalid::new(
            "The password contains an invisible control character: type it again",
        ));
    }
    Ok(input)
}

/// Text that arrives from elsewhere and cannot be sent back (a WhatsApp message
/// a shop typed): the refused control characters are dropped instead.
pub fn strip_controls(input: &str) -> String {
    input.chars().filter(|c| !is_refused_control(*c)).collect()
}

/// Every string in a JSON document (keys too) with `strip_controls` applied, so
/// a stored payload never carries a NUL that PostgreSQL's `jsonb` refuses.
pub fn scrub_json(value: &mut serde_json::Value) {
    use serde_json::Value;
    match value {
        Value::String(s) if s.chars().any(is_refused_control) => *s = strip_controls(s),
        Value::Array(items) => items.iter_mut().for_each(scrub_json),
        Value::Object(map) => {
            let dirty: Vec<String> = map
                .keys()
                .filter(|k| k.chars().any(is_refused_control))
                .cloned()
                .collect();
            for key in dirty {
                if let Some(v) = map.remove(&key) {
                    map.insert(strip_controls(&key), v);
                }
            }
            map.values_mut().for_each(scrub_json);
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_characters_are_refused_wherever_they_are() {
        for bad in [
            "\0",
            "Marie\0Gold",
            "a\u{7}b",
            "x\u{7F}",
            "\u{85}next",
            "\u{1B}[31m",
        ] {
            assert!(clean(bad).is_err(), "{bad:?}");
            assert!(check_secret(bad).is_err(), "{bad:?}");
        }
        assert_eq!(clean("two\nlines\tand a tab"), Ok("two\nlines\tand a tab"));
    }

    #[test]
    fn json_from_elsewhere_loses_its_control_characters() {
        let mut v = serde_json::json!({"a\u{0}": ["STOP\u{0}", {"b": "ok\u{7}"}], "n": 1});
        scrub_json(&mut v);
        assert_eq!(v, serde_json::json!({"a": ["STOP", {"b": "ok"}], "n": 1}));
    }

    #[test]
    fn invisible_and_white_ends_are_trimmed() {
        let cases = [
            ("  Biscuits  ", "Biscuits"),
            ("\u{200B}\u{200B}\u{200B}", ""),
            ("\u{FEFF}Soap\u{200D}", "Soap"),
            ("\u{00A0}\u{3000}Rice\u{2003}", "Rice"),
            ("\u{2060}\u{00AD}", ""),
            // The joiner inside a Devanagari word stays.
            ("क्\u{200D}ष", "क्\u{200D}ष"),
        ];
        for (input, want) in cases {
            assert_eq!(clean(input), Ok(want), "{input:?}");
        }
        assert_eq!(check_secret("  spaced pass  "), Ok("  spaced pass  "));
    }
}
