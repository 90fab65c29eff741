//! The committed `docs/SCHEMA.md` is what `make docs` generates: regenerate it after a schema
//! change (`make docs`).

#[test]
fn committed_schema_doc_is_up_to_date() {
    let committed = include_str!("../../../docs/SCHEMA.md");
    let generated = smoke::schema_doc::render();
    if committed != generated {
        let first = committed
            .lines()
            .zip(generated.lines())
            .position(|(a, b)| a != b)
            .unwrap_or(committed.lines().count().min(generated.lines().count()));
        panic!(
            "docs/SCHEMA.md is out of date (first difference at line {}): run `make docs`",
            first + 1
        );
    }
    for table in entity::registry::tables() {
        assert!(
            generated.contains(&format!("### `{}`", table.name)),
            "{}",
            table.name
        );
    }
    assert!(generated.contains("```mermaid"));
}
