//! Themes: TOML files of semantic roles (`themes/*.toml`), so widgets ask for "critical"
//! or "state_waiting", never for "red". Built-ins are embedded; user files override them.

use ratatui::style::{Color, Modifier, Style};
use serde::Deserialize;
use std::path::{Path, PathBuf};
use std::str::FromStr;

const BUILTINS: [(&str, &str); 4] = [
    ("default", include_str!("../../themes/default.toml")),
    ("light", include_str!("../../themes/light.toml")),
    ("high-contrast", include_str!("../../themes/high-contrast.toml")),
    ("solarized-dark", include_str!("../../themes/solarized-dark.toml")),
];

#[derive(Debug, thiserror::Error, PartialEq)]
pub enum ThemeError {
    #[error("theme {file}:{line}: {message}")]
    Invalid { file: String, line: usize, message: String },
    #[error("theme {name}: not found (tried {tried}; built-ins: {builtins})")]
    NotFound { name: String, tried: String, builtins: String },
    #[error("theme {file}: {message}")]
    Unreadable { file: String, message: String },
}

/// Resolved colours per role. `plain` = NO_COLOR: emphasis by bold/reverse only.
#[derive(Debug, Clone, PartialEq)]
pub struct Theme {
    pub text: Color,
    pub muted: Color,
    pub title: Color,
    pub border: Color,
    pub border_focus: Color,
    pub selection_bg: Color,
    pub selection_fg: Color,
    pub header: Color,
    pub ok: Color,
    pub warn: Color,
    pub critical: Color,
    pub info: Color,
    pub state_active: Color,
    pub state_idle: Color,
    pub state_idle_in_tx: Color,
    pub state_waiting: Color,
    pub state_other: Color,
    pub chart_series: Vec<Color>,
    pub plain: bool,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTheme {
    text: Option<ThemeColor>,
    muted: Option<ThemeColor>,
    title: Option<ThemeColor>,
    border: Option<ThemeColor>,
    border_focus: Option<ThemeColor>,
    selection_bg: Option<ThemeColor>,
    selection_fg: Option<ThemeColor>,
    header: Option<ThemeColor>,
    ok: Option<ThemeColor>,
    warn: Option<ThemeColor>,
    critical: Option<ThemeColor>,
    info: Option<ThemeColor>,
    state_active: Option<ThemeColor>,
    state_idle: Option<ThemeColor>,
    state_idle_in_tx: Option<ThemeColor>,
    state_waiting: Option<ThemeColor>,
    state_other: Option<ThemeColor>,
    chart_series: Option<Vec<ThemeColor>>,
}

/// A colour that fails inside serde, so toml reports the offending value's span.
#[derive(Debug, Clone, Copy)]
struct ThemeColor(Color);

impl<'de> Deserialize<'de> for ThemeColor {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl serde::de::Visitor<'_> for Visitor {
            type Value = ThemeColor;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a colour: a name (red, dark_gray…), \"#rrggbb\" or 0–255")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<ThemeColor, E> {
                Color::from_str(v)
                    .map(ThemeColor)
                    .map_err(|_| E::custom(format!("bad colour {v:?}: use a name, #rrggbb or 0–255")))
            }
            fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<ThemeColor, E> {
                u8::try_from(v)
                    .map(|i| ThemeColor(Color::Indexed(i)))
                    .map_err(|_| E::custom(format!("bad colour index {v}: use 0–255")))
            }
            fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<ThemeColor, E> {
                self.visit_i64(i64::try_from(v).unwrap_or(i64::MAX))
            }
        }
        d.deserialize_any(Visitor)
    }
}

impl Default for Theme {
    fn default() -> Self {
        // The embedded default is tested to parse; this fallback only guards a broken build.
        parse_raw(BUILTINS[0].1, "default.toml")
            .map_or_else(|_| Theme::fallback(), |raw| Theme::fallback().overlay(raw))
    }
}

impl Theme {
    pub fn builtin_names() -> Vec<&'static str> {
        BUILTINS.iter().map(|(name, _)| *name).collect()
    }

    /// Parses theme text; roles it leaves out come from the default theme.
    pub fn from_toml(text: &str, file: &str) -> Result<Theme, ThemeError> {
        Ok(Theme::default().overlay(parse_raw(text, file)?))
    }

    /// The same theme without colours (NO_COLOR).
    pub fn plain(mut self) -> Theme {
        self.plain = true;
        self
    }

    fn fallback() -> Theme {
        Theme {
            text: Color::Reset,
            muted: Color::DarkGray,
            title: Color::Cyan,
            border: Color::DarkGray,
            border_focus: Color::Cyan,
            selection_bg: Color::Blue,
            selection_fg: Color::White,
            header: Color::Yellow,
            ok: Color::Green,
            warn: Color::Yellow,
            critical: Color::Red,
            info: Color::Blue,
            state_active: Color::Green,
            state_idle: Color::Gray,
            state_idle_in_tx: Color::Yellow,
            state_waiting: Color::Red,
            state_other: Color::Magenta,
            chart_series: vec![Color::Green, Color::Yellow, Color::Red, Color::Blue, Color::Magenta],
            plain: false,
        }
    }

    fn overlay(mut self, raw: RawTheme) -> Theme {
        let slots: [(&mut Color, Option<ThemeColor>); 17] = [
            (&mut self.text, raw.text),
            (&mut self.muted, raw.muted),
            (&mut self.title, raw.title),
            (&mut self.border, raw.border),
            (&mut self.border_focus, raw.border_focus),
            (&mut self.selection_bg, raw.selection_bg),
            (&mut self.selection_fg, raw.selection_fg),
            (&mut self.header, raw.header),
            (&mut self.ok, raw.ok),
            (&mut self.warn, raw.warn),
            (&mut self.critical, raw.critical),
            (&mut self.info, raw.info),
            (&mut self.state_active, raw.state_active),
            (&mut self.state_idle, raw.state_idle),
            (&mut self.state_idle_in_tx, raw.state_idle_in_tx),
            (&mut self.state_waiting, raw.state_waiting),
            (&mut self.state_other, raw.state_other),
        ];
        for (slot, value) in slots {
            if let Some(ThemeColor(c)) = value {
                *slot = c;
            }
        }
        if let Some(series) = raw.chart_series.filter(|s| !s.is_empty()) {
            self.chart_series = series.into_iter().map(|c| c.0).collect();
        }
        self
    }

    fn fg(&self, color: Color, emphasis: Modifier) -> Style {
        if self.plain { Style::default().add_modifier(emphasis) } else { Style::default().fg(color) }
    }

    pub fn text(&self) -> Style {
        self.fg(self.text, Modifier::empty())
    }
    pub fn muted(&self) -> Style {
        self.fg(self.muted, Modifier::empty())
    }
    pub fn title(&self) -> Style {
        self.fg(self.title, Modifier::BOLD).add_modifier(Modifier::BOLD)
    }
    pub fn border(&self, focused: bool) -> Style {
        self.fg(if focused { self.border_focus } else { self.border }, Modifier::empty())
    }
    pub fn header(&self) -> Style {
        self.fg(self.header, Modifier::BOLD).add_modifier(Modifier::BOLD)
    }
    pub fn ok(&self) -> Style {
        self.fg(self.ok, Modifier::empty())
    }
    pub fn warn(&self) -> Style {
        self.fg(self.warn, Modifier::BOLD)
    }
    pub fn critical(&self) -> Style {
        self.fg(self.critical, Modifier::BOLD)
    }
    pub fn info(&self) -> Style {
        self.fg(self.info, Modifier::empty())
    }
    pub fn selection(&self) -> Style {
        if self.plain {
            Style::default().add_modifier(Modifier::REVERSED)
        } else {
            Style::default().fg(self.selection_fg).bg(self.selection_bg)
        }
    }
    /// The style of a meaning an engine's presentation gave a piece of text.
    pub fn tone(&self, tone: crate::model::present::Tone) -> Style {
        use crate::model::present::Tone;
        match tone {
            Tone::Text => self.text(),
            Tone::Header => self.header(),
            Tone::Title => self.title(),
            Tone::Muted => self.muted(),
            Tone::Ok => self.ok(),
            Tone::Info => self.info(),
            Tone::Warn => self.warn(),
            Tone::Critical => self.critical(),
            Tone::State(state) => self.state(state),
        }
    }

    pub fn state(&self, state: crate::model::SessionState) -> Style {
        use crate::model::SessionState as S;
        match state {
            S::Active => self.fg(self.state_active, Modifier::BOLD),
            S::Idle => self.fg(self.state_idle, Modifier::empty()),
            S::IdleInTransaction => self.fg(self.state_idle_in_tx, Modifier::BOLD),
            S::WaitingForLock => self.fg(self.state_waiting, Modifier::BOLD | Modifier::UNDERLINED),
            S::Other => self.fg(self.state_other, Modifier::empty()),
        }
    }
    pub fn series(&self, index: usize) -> Style {
        let color =
            self.chart_series.get(index % self.chart_series.len().max(1)).copied().unwrap_or(self.text);
        self.fg(color, Modifier::empty())
    }
}

fn parse_raw(text: &str, file: &str) -> Result<RawTheme, ThemeError> {
    toml::from_str::<RawTheme>(text).map_err(|e| {
        let line = e.span().map_or(0, |span| {
            text.as_bytes()[..span.start.min(text.len())].iter().filter(|b| **b == b'\n').count() + 1
        });
        ThemeError::Invalid { file: file.to_owned(), line, message: e.message().trim().to_owned() }
    })
}

/// `name` is a path to a .toml file, or a name looked up in the user's theme folder,
/// then among the built-ins.
pub fn load(name: &str) -> Result<Theme, ThemeError> {
    load_from(name, user_theme_dir().as_deref())
}

fn load_from(name: &str, user_dir: Option<&Path>) -> Result<Theme, ThemeError> {
    let looks_like_path = name.ends_with(".toml") || name.contains('/');
    let mut tried = Vec::new();
    let candidates: Vec<PathBuf> = if looks_like_path {
        vec![PathBuf::from(name)]
    } else {
        user_dir.map(|d| d.join(format!("{name}.toml"))).into_iter().collect()
    };
    for path in candidates {
        tried.push(path.display().to_string());
        if path.is_file() {
            let file = path.display().to_string();
            let text = std::fs::read_to_string(&path)
                .map_err(|e| ThemeError::Unreadable { file: file.clone(), message: e.to_string() })?;
            return Theme::from_toml(&text, &file);
        }
    }
    if let Some((builtin, text)) = BUILTINS.iter().find(|(n, _)| *n == name) {
        return Theme::from_toml(text, &format!("themes/{builtin}.toml"));
    }
    Err(ThemeError::NotFound {
        name: name.to_owned(),
        tried: if tried.is_empty() { "built-ins".into() } else { tried.join(", ") },
        builtins: Theme::builtin_names().join(", "),
    })
}

fn user_theme_dir() -> Option<PathBuf> {
    let base = std::env::var_os("XDG_CONFIG_HOME")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".config")))?;
    Some(base.join("logstag").join("themes"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_builtin_theme_parses_completely() {
        for (name, text) in BUILTINS {
            let raw = parse_raw(text, name).unwrap_or_else(|e| panic!("{name}: {e}"));
            assert!(raw.text.is_some() && raw.state_waiting.is_some(), "{name} misses roles");
            assert!(load(name).is_ok(), "{name}");
        }
    }

    #[test]
    fn unknown_key_names_file_and_line() {
        let err = Theme::from_toml("text = \"red\"\n\nbogus_role = \"blue\"\n", "my.toml").unwrap_err();
        let ThemeError::Invalid { file, line, message } = &err else { panic!("{err:?}") };
        assert_eq!((file.as_str(), *line), ("my.toml", 3));
        assert!(message.contains("bogus_role"), "{message}");
        assert!(err.to_string().starts_with("theme my.toml:3:"), "{err}");
    }

    #[test]
    fn bad_colour_names_file_and_line() {
        let err = Theme::from_toml("text = \"red\"\nwarn = \"blurple\"\n", "t.toml").unwrap_err();
        assert!(
            matches!(&err, ThemeError::Invalid { line: 2, message, .. } if message.contains("blurple")),
            "{err:?}"
        );
        let err = Theme::from_toml("ok = 300\n", "t.toml").unwrap_err();
        assert!(matches!(err, ThemeError::Invalid { line: 1, .. }));
    }

    #[test]
    fn partial_theme_falls_back_role_by_role() {
        let theme = Theme::from_toml("critical = \"#ff0000\"\nok = 42\n", "p.toml").unwrap();
        assert_eq!(theme.critical, Color::Rgb(255, 0, 0));
        assert_eq!(theme.ok, Color::Indexed(42));
        assert_eq!(theme.text, Theme::default().text);
    }

    #[test]
    fn user_dir_wins_over_builtin_and_paths_load() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("light.toml"), "text = \"red\"\n").unwrap();
        assert_eq!(load_from("light", Some(dir.path())).unwrap().text, Color::Red);
        let path = dir.path().join("light.toml");
        assert_eq!(load_from(&path.display().to_string(), None).unwrap().text, Color::Red);
        assert!(matches!(load_from("nope", None), Err(ThemeError::NotFound { .. })));
        let bad = dir.path().join("bad.toml");
        std::fs::write(&bad, "# mine\nheader = \"#12345\"\n").unwrap();
        let err = load_from(&bad.display().to_string(), None).unwrap_err().to_string();
        assert!(err.starts_with(&format!("theme {}:2:", bad.display())), "{err}");
    }

    #[test]
    fn plain_theme_has_no_colours() {
        let theme = Theme::default().plain();
        assert_eq!(theme.critical().fg, None);
        assert!(theme.selection().add_modifier.contains(Modifier::REVERSED));
    }
}
