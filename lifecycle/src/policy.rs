//! The retention policy: `lifecycle/retention.toml`, parsed and validated.

use serde::Deserialize;

/// The policy file, embedded at build time.
pub const BUILTIN: &str = include_str!("../retention.toml");

/// What is wrong with a policy.
#[derive(Debug, thiserror::Error)]
pub enum PolicyError {
    /// Not valid TOML or not the expected shape.
    #[error("the retention policy does not parse: {0}")]
    Parse(String),
    /// A rule is inconsistent.
    #[error("retention rule for {table}: {reason}")]
    Rule {
        /// The rule's table.
        table: String,
        /// What is wrong.
        reason: String,
    },
}

/// One table's rule.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Rule {
    /// The table trimmed.
    pub table: String,
    /// The date column a row's age is measured by.
    pub column: String,
    /// How long rows are kept (a PostgreSQL interval), for table-wide windows.
    pub keep: Option<String>,
    /// The column naming the user whose `user_settings.data_retention_days` applies.
    pub keep_per_user: Option<String>,
    /// Days for a user without a `user_settings` row (with `keep_per_user`).
    pub default_days: Option<u32>,
    /// An environment variable that may set `keep` for this environment.
    pub override_env: Option<String>,
    /// The shortest `keep` allowed (an interval).
    pub minimum: Option<String>,
    /// Deleted through the database's `<table>_purge(cutoff, max_rows)` function.
    #[serde(default)]
    pub privileged: bool,
    /// Why the window is what it is.
    pub why: String,
}

impl Rule {
    /// The window for this environment: `override_env`'s value if set and non-empty, else
    /// `keep`. `None` for per-user rules.
    pub fn keep_here(&self) -> Option<String> {
        let from_env = self
            .override_env
            .as_ref()
            .and_then(|name| std::env::var(name).ok())
            .filter(|v| !v.trim().is_empty());
        from_env.or_else(|| self.keep.clone())
    }
}

/// The whole policy.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Policy {
    /// One rule per table, in the order they are applied.
    #[serde(rename = "rule")]
    pub rules: Vec<Rule>,
}

fn identifier(name: &str) -> bool {
    !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
}

impl Policy {
    /// Parse and validate a policy.
    ///
    /// # Errors
    /// [`PolicyError`] naming the table of a bad rule.
    pub fn parse(text: &str) -> Result<Self, PolicyError> {
        let policy: Policy = toml::from_str(text).map_err(|e| PolicyError::Parse(e.to_string()))?;
        let mut seen = std::collections::BTreeSet::new();
        for rule in &policy.rules {
            let bad = |reason: &str| PolicyError::Rule {
                table: rule.table.clone(),
                reason: reason.to_owned(),
            };
            // The names go into SQL as identifiers.
            if !identifier(&rule.table) || !identifier(&rule.column) {
                return Err(bad("table and column must be plain lowercase identifiers"));
            }
            if !seen.insert(rule.table.clone()) {
                return Err(bad("more than one rule"));
            }
            match (&rule.keep, &rule.keep_per_user) {
                (Some(_), None) => {}
                (None, Some(user)) if identifier(user) => {
                    if rule.default_days.is_none() {
                        return Err(bad("keep_per_user needs default_days"));
                    }
                }
                _ => return Err(bad("give exactly one of keep and keep_per_user")),
            }
            if rule.privileged && rule.keep.is_none() {
                return Err(bad("a privileged rule needs keep"));
            }
        }
        Ok(policy)
    }

    /// The policy in `lifecycle/retention.toml`, as built into this binary.
    ///
    /// # Panics
    /// Never for a released build: the crate's tests parse it.
    pub fn builtin() -> Self {
        Self::parse(BUILTIN)
            .expect("lifecycle/retention.toml is valid (the crate's tests parse it)")
    }

    /// The rule of `table`.
    pub fn rule(&self, table: &str) -> Option<&Rule> {
        self.rules.iter().find(|r| r.table == table)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_builtin_policy_parses() {
        let policy = Policy::builtin();
        assert_eq!(policy.rule("audit_logs").map(|r| r.privileged), Some(true));
    }

    #[test]
    fn an_environment_overrides_keep_where_the_rule_allows_it() {
        let text = "[[rule]]\ntable = \"t\"\ncolumn = \"c\"\nkeep = \"1 year\"\noverride_env = \"LIFECYCLE_TEST_KEEP\"\nwhy = \"x\"\n";
        let rule = Policy::parse(text).unwrap().rules.remove(0);
        assert_eq!(rule.keep_here().as_deref(), Some("1 year"));
        // SAFETY: only this test reads or writes this variable.
        unsafe { std::env::set_var("LIFECYCLE_TEST_KEEP", "400 days") };
        assert_eq!(rule.keep_here().as_deref(), Some("400 days"));
        unsafe { std::env::set_var("LIFECYCLE_TEST_KEEP", " ") };
        assert_eq!(rule.keep_here().as_deref(), Some("1 year"));
    }

    #[test]
    fn bad_rules_are_refused_naming_the_table() {
        let two = "[[rule]]\ntable = \"t\"\ncolumn = \"c\"\nkeep = \"1 day\"\nkeep_per_user = \"u\"\ndefault_days = 1\nwhy = \"x\"\n";
        assert!(
            Policy::parse(two)
                .unwrap_err()
                .to_string()
                .contains("retention rule for t")
        );
        let injection = "[[rule]]\ntable = \"t; DROP TABLE users\"\ncolumn = \"c\"\nkeep = \"1 day\"\nwhy = \"x\"\n";
        assert!(Policy::parse(injection).is_err());
        let unknown =
            "[[rule]]\ntable = \"t\"\ncolumn = \"c\"\nkeep = \"1 day\"\nwhy = \"x\"\nkepp = 1\n";
        assert!(Policy::parse(unknown).is_err());
    }
}
