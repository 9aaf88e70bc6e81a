//! The engine contract, enforced: the engine-neutral modules never name a concrete
//! engine nor branch on a family of engines. What differs between engines comes from
//! their `EngineSpec` (collectors/<engine>/spec.rs) through the registry. Comments and
//! tests may name engines; code and its strings may not.

use std::path::{Path, PathBuf};

/// Modules that must read engines only through the registry.
const NEUTRAL: [&str; 7] = ["ui", "config", "store", "alerts", "health", "forward", "model"];

/// Engine names, their client libraries' prefixes, and the old family booleans.
const FORBIDDEN: [&str; 16] = [
    "postgres",
    "pg_",
    "libpq",
    "redis",
    "valkey",
    "mssql",
    "sqlserver",
    "sql server",
    "tiberius",
    "mongo",
    "oracle",
    "mysql",
    "mariadb",
    "is_key_value",
    "key_value",
    "is_relational",
];

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for entry in entries.flatten() {
        let path = entry.path();
        let name = entry.file_name().to_string_lossy().into_owned();
        if path.is_dir() {
            if name != "tests" && name != "snapshots" {
                rust_files(&path, out);
            }
        } else if name.ends_with(".rs") && !name.ends_with("_tests.rs") && name != "tests.rs" {
            out.push(path);
        }
    }
}

/// The code of `text` that counts: up to its test module, without comments.
fn code_lines(text: &str) -> impl Iterator<Item = (usize, &str)> {
    text.lines().enumerate().take_while(|(_, line)| line.trim() != "#[cfg(test)]").map(|(i, line)| {
        // A `//` that starts a comment: at the start, or after code and a space.
        let code = match line.trim_start().starts_with("//") {
            true => "",
            false => line.find(" // ").map_or(line, |at| &line[..at]),
        };
        (i + 1, code)
    })
}

fn violations(root: &Path) -> Vec<String> {
    let mut files = Vec::new();
    for module in NEUTRAL {
        rust_files(&root.join(module), &mut files);
        let single = root.join(format!("{module}.rs"));
        if single.exists() {
            files.push(single);
        }
    }
    let mut found = Vec::new();
    for file in files {
        let Ok(text) = std::fs::read_to_string(&file) else { continue };
        for (number, code) in code_lines(&text) {
            let lower = code.to_lowercase();
            for word in FORBIDDEN.iter().filter(|w| lower.contains(*w)) {
                found.push(format!("{}:{number}: names `{word}`: {}", file.display(), code.trim()));
            }
        }
    }
    found
}

#[test]
fn neutral_modules_name_no_engine() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let found = violations(&root);
    assert!(
        found.is_empty(),
        "engine-neutral modules must read engines through the registry (docs/adding-an-engine.md):\n{}",
        found.join("\n")
    );
}

/// The guard itself: it sees a name in code and strings, not in comments or tests.
#[test]
fn the_guard_finds_names_in_code_and_strings_only() {
    let dir = tempfile::tempdir().unwrap();
    let ui = dir.path().join("ui");
    std::fs::create_dir_all(ui.join("tests")).unwrap();
    std::fs::write(
        ui.join("a.rs"),
        "// Redis is fine in a comment\nlet x = 1; // and here: Valkey\nlet name = \"PostgreSQL\";\n\
         if view.is_key_value() {}\n#[cfg(test)]\nmod tests { const E: &str = \"mongodb\"; }\n",
    )
    .unwrap();
    std::fs::write(ui.join("tests").join("b.rs"), "let e = \"oracle\";\n").unwrap();
    std::fs::write(ui.join("c_tests.rs"), "let e = \"mysql\";\n").unwrap();
    let found = violations(dir.path());
    assert_eq!(found.len(), 3, "{found:#?}");
    assert!(found[0].contains("a.rs:3: names `postgres`"), "{found:#?}");
    assert!(found.iter().any(|f| f.contains("a.rs:4: names `is_key_value`")), "{found:#?}");
}
