//! The names the Prisma schema gives tables, enum types and columns: the checked-in map
//! `prisma/names.toml` first, then the rules (a table's model is the singular PascalCase of its
//! name, `agent_capabilities` → `AgentCapability`; an enum type's is its PascalCase,
//! `connector_kind` → `ConnectorKind`; a column's field is its camelCase,
//! `organization_id` → `organizationId`), mapped back with `@@map` / `@map`.

use super::PrismaError;
use serde::Deserialize;
use std::collections::BTreeMap;

/// The name map, as `prisma/names.toml` holds it.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Names {
    /// Table → model name.
    #[serde(default)]
    pub models: BTreeMap<String, String>,
    /// Enum type → enum name.
    #[serde(default)]
    pub enums: BTreeMap<String, String>,
    /// `table.column` → field name.
    #[serde(default)]
    pub fields: BTreeMap<String, String>,
    /// Tables left out of the schema → why (written into the schema's header).
    #[serde(default)]
    pub omit: BTreeMap<String, String>,
    /// Table → what a TypeScript developer must know about it (the model's documentation).
    #[serde(default)]
    pub notes: BTreeMap<String, String>,
}

/// `snake_case` words → `PascalCase`.
pub fn pascal(name: &str) -> String {
    name.split('_')
        .filter(|w| !w.is_empty())
        .map(|w| {
            let mut chars = w.chars();
            chars
                .next()
                .map(|c| c.to_ascii_uppercase().to_string() + chars.as_str())
                .unwrap_or_default()
        })
        .collect()
}

/// `snake_case` → `camelCase`.
pub fn camel(name: &str) -> String {
    let p = pascal(name);
    let mut chars = p.chars();
    chars
        .next()
        .map(|c| c.to_ascii_lowercase().to_string() + chars.as_str())
        .unwrap_or_default()
}

/// The singular of an English plural table word, by the rules the schema's names need
/// (`capabilities` → `capability`, `voices` → `voice`, `content` stays).
fn singular(word: &str) -> String {
    if let Some(stem) = word.strip_suffix("ies") {
        format!("{stem}y")
    } else if word.ends_with("ss") || word.ends_with("us") {
        word.to_owned()
    } else if let Some(stem) = word.strip_suffix('s') {
        stem.to_owned()
    } else {
        word.to_owned()
    }
}

impl Names {
    /// Read the map from its TOML text.
    ///
    /// # Errors
    /// [`PrismaError::Names`] when the text is not a valid map.
    pub fn parse(text: &str) -> Result<Self, PrismaError> {
        toml::from_str(text).map_err(|e| PrismaError::Names(e.to_string()))
    }

    /// The model name of `table`.
    pub fn model(&self, table: &str) -> String {
        self.models.get(table).cloned().unwrap_or_else(|| {
            let (head, last) = table.rsplit_once('_').unwrap_or(("", table));
            pascal(&format!("{head}_{}", singular(last)))
        })
    }

    /// The enum name of the enum type `name`.
    pub fn enum_name(&self, name: &str) -> String {
        self.enums
            .get(name)
            .cloned()
            .unwrap_or_else(|| pascal(name))
    }

    /// The field name of `table.column`.
    pub fn field(&self, table: &str, column: &str) -> String {
        self.fields
            .get(&format!("{table}.{column}"))
            .cloned()
            .unwrap_or_else(|| camel(column))
    }

    /// Entries that name nothing in the schema (a renamed or dropped table, column or enum):
    /// each one sentence.
    pub fn stale(&self, snapshot: &super::snapshot::Snapshot) -> Vec<String> {
        let mut out = Vec::new();
        for table in self
            .models
            .keys()
            .chain(self.omit.keys())
            .chain(self.notes.keys())
        {
            if !snapshot.tables.contains_key(table) {
                out.push(format!(
                    "prisma/names.toml names table {table}, which does not exist"
                ));
            }
        }
        for name in self.enums.keys() {
            if !snapshot.enums.contains_key(name) {
                out.push(format!(
                    "prisma/names.toml names enum {name}, which does not exist"
                ));
            }
        }
        for key in self.fields.keys() {
            let found = key.split_once('.').is_some_and(|(t, c)| {
                snapshot
                    .tables
                    .get(t)
                    .is_some_and(|table| table.column(c).is_some())
            });
            if !found {
                out.push(format!(
                    "prisma/names.toml names column {key}, which does not exist"
                ));
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rules_give_the_names_the_api_expects() {
        let names = Names::default();
        assert_eq!(names.model("users"), "User");
        assert_eq!(names.model("agent_capabilities"), "AgentCapability");
        assert_eq!(names.model("brand_voices"), "BrandVoice");
        assert_eq!(names.model("content"), "Content");
        assert_eq!(names.model("email_sequences"), "EmailSequence");
        assert_eq!(names.model("ab_tests"), "AbTest");
        assert_eq!(names.enum_name("connector_kind"), "ConnectorKind");
        assert_eq!(names.field("t", "organization_id"), "organizationId");
        assert_eq!(names.field("t", "timestamp"), "timestamp");
        let names = Names::parse(
            "[models]\norganization_members = \"OrganizationMembership\"\n\
             [fields]\n\"t.a_b\" = \"x\"\n",
        )
        .unwrap();
        assert_eq!(
            names.model("organization_members"),
            "OrganizationMembership"
        );
        assert_eq!(names.field("t", "a_b"), "x");
        assert!(Names::parse("[tables]\n").is_err());
    }
}
