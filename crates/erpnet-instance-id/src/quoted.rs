//! Values in error texts, written through `Display` in the form `{:?}` gives them.
//!
//! Error texts are read by people, so they must not depend on `Debug`: a size-optimised build
//! may compile `Debug` down to the type name or to nothing (`-Zfmt-debug=shallow|none`).

use core::fmt;

use crate::algorithm::JwsAlgorithm;

/// Shows a value in an error text exactly as `{:?}` would, without calling `Debug`: strings
/// in double quotes with Rust's escapes (`"a\"b"`), `Some(..)`/`None`, lists as `["a", "b"]`.
/// `Display` of error types and of the app's messages use it, so their wording stays the same
/// whatever a build does to `Debug`.
///
/// ```
/// use erpnet_instance_id::Quoted;
/// assert_eq!(Quoted("a\"b").to_string(), r#""a\"b""#);
/// assert_eq!(Quoted(&Some("text/html".to_owned())).to_string(), r#"Some("text/html")"#);
/// ```
#[derive(Debug, Clone, Copy)]
pub struct Quoted<'a, T: ?Sized>(pub &'a T);

impl<T: Quote + ?Sized> fmt::Display for Quoted<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.quote(f)
    }
}

mod sealed {
    /// What [`super::Quoted`] can show (sealed: the forms below are all it knows).
    pub trait Quote {
        /// Writes `self` as `{:?}` would.
        fn quote(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result;
    }
}
use sealed::Quote;

impl Quote for str {
    fn quote(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use fmt::Write;
        f.write_char('"')?;
        for c in self.chars() {
            // `str`'s Debug escapes as `char::escape_debug` does, except that it leaves `'`.
            if c == '\'' {
                f.write_char(c)?;
            } else {
                for e in c.escape_debug() {
                    f.write_char(e)?;
                }
            }
        }
        f.write_char('"')
    }
}

impl Quote for String {
    fn quote(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.as_str().quote(f)
    }
}

impl Quote for u64 {
    fn quote(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

impl Quote for JwsAlgorithm {
    /// The variant's name (`Rs256`), as the derived `Debug` writes it.
    fn quote(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            JwsAlgorithm::Rs256 => "Rs256",
            JwsAlgorithm::Ps256 => "Ps256",
            JwsAlgorithm::Es256 => "Es256",
        })
    }
}

impl<T: Quote> Quote for Option<T> {
    fn quote(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Some(v) => {
                f.write_str("Some(")?;
                v.quote(f)?;
                f.write_str(")")
            }
            None => f.write_str("None"),
        }
    }
}

impl<T: Quote> Quote for [T] {
    fn quote(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[")?;
        for (i, v) in self.iter().enumerate() {
            if i > 0 {
                f.write_str(", ")?;
            }
            v.quote(f)?;
        }
        f.write_str("]")
    }
}

impl<T: Quote> Quote for Vec<T> {
    fn quote(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.as_slice().quote(f)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn same_text_as_debug() {
        let strings = [
            "",
            "https://x.my.erp.net/id",
            "it's \"quoted\"",
            "tab\tnl\ncr\r nul\0 bs\\",
            "\u{7f}\u{80}\u{a0}\u{200b}\u{2028}\u{feff}",
            "e\u{301} \u{301}start",
            "ünï©ødé 日本 🦀",
        ];
        for s in strings {
            assert_eq!(Quoted(s).to_string(), format!("{s:?}"));
            let owned = Some(s.to_owned());
            assert_eq!(Quoted(&owned).to_string(), format!("{owned:?}"));
        }
        let v: Vec<String> = strings.iter().map(|s| s.to_string()).collect();
        assert_eq!(Quoted(&v).to_string(), format!("{v:?}"));
        let empty: Vec<String> = vec![];
        assert_eq!(Quoted(&empty).to_string(), "[]");
        let none: Option<String> = None;
        assert_eq!(Quoted(&none).to_string(), "None");
        assert_eq!(Quoted(&Some(5u64)).to_string(), "Some(5)");
        assert_eq!(Quoted(&None::<u64>).to_string(), "None");
        for alg in JwsAlgorithm::ALL {
            assert_eq!(Quoted(&alg).to_string(), format!("{alg:?}"));
        }
    }

    proptest! {
        #[test]
        fn any_string_as_debug(s in any::<String>()) {
            prop_assert_eq!(Quoted(s.as_str()).to_string(), format!("{s:?}"));
        }
    }
}
