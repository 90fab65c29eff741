//! The fixture data kept as data: the connector catalogue, the demo agents and their tools.
//!
//! The JSON files under `seeder/fixtures/` are compiled into the binary, so the seeder needs no
//! files at run time. They hold metadata only: no secret, token or key appears in them (fields
//! that will hold secrets once a user connects an account are described, never filled).

use entity::enums::{AgentKind, ConnectorKind};
use serde::{Deserialize, Serialize};
use serde_json::Value as Json;

const CONNECTORS: &str = include_str!("../fixtures/connectors.json");
const AGENTS: &str = include_str!("../fixtures/agents.json");
const TOOLS: &str = include_str!("../fixtures/tools.json");

/// One entry of the connector catalogue (`connectors` table).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConnectorSpec {
    /// Unique name, e.g. `google-ads`.
    pub name: String,
    /// Name shown to users.
    pub display_name: String,
    /// What the connector does.
    pub description: String,
    /// The channel, one [`ConnectorKind`] per catalogue entry.
    pub category: ConnectorKind,
    /// The provider's website.
    pub website_url: String,
    /// How a user authenticates: `oauth2`, `api_key`, `smtp`.
    pub auth_type: String,
    /// The fields or scopes a connection needs (metadata only, never a secret).
    pub auth_config: Json,
    /// Events the connector can start a workflow with.
    pub triggers: Json,
    /// Operations an agent can perform through the connector.
    pub actions: Json,
    /// Grouping and channel hints for the catalogue UI.
    #[serde(default)]
    pub metadata: Option<Json>,
}

/// One demo agent with its capabilities and configuration entries.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AgentSpec {
    /// Unique within the organization.
    pub slug: String,
    /// Display name.
    pub name: String,
    /// COPILOT, WORKFLOW or ANALYST.
    pub kind: AgentKind,
    /// What the agent does.
    pub description: String,
    /// Version label.
    pub version: String,
    /// The agent's own configuration.
    pub config: Json,
    /// Rows of `agent_capabilities`.
    pub capabilities: Vec<CapabilitySpec>,
    /// Rows of `agent_configs`.
    pub configs: Vec<ConfigSpec>,
}

/// One capability of an agent.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CapabilitySpec {
    /// Unique per agent.
    pub name: String,
    /// Capability settings.
    pub config: Json,
}

/// One configuration entry of an agent.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConfigSpec {
    /// Unique per agent.
    pub key: String,
    /// The value.
    pub value: Json,
}

/// One tool: what an agent can do through a connector.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ToolSpec {
    /// Unique within the organization.
    pub slug: String,
    /// Display name.
    pub name: String,
    /// Slug of the agent that owns the tool.
    pub agent: String,
    /// Name of the connector the tool acts through.
    pub connector: String,
    /// What the tool does.
    pub description: String,
    /// JSON Schema of the tool's input.
    pub input_schema: Json,
    /// JSON Schema of the tool's output.
    pub output_schema: Json,
}

/// The connector catalogue: one entry per [`ConnectorKind`].
pub fn connector_catalogue() -> Result<Vec<ConnectorSpec>, serde_json::Error> {
    serde_json::from_str(CONNECTORS)
}

/// The demo agents.
pub fn agent_specs() -> Result<Vec<AgentSpec>, serde_json::Error> {
    serde_json::from_str(AGENTS)
}

/// The demo tools.
pub fn tool_specs() -> Result<Vec<ToolSpec>, serde_json::Error> {
    serde_json::from_str(TOOLS)
}

#[cfg(test)]
mod tests {
    use super::*;
    use sea_orm::Iterable;
    use std::collections::HashSet;

    #[test]
    fn catalogue_covers_every_connector_kind_once() {
        let catalogue = connector_catalogue().expect("connectors.json parses");
        for kind in ConnectorKind::iter() {
            let n = catalogue.iter().filter(|c| c.category == kind).count();
            assert_eq!(n, 1, "{kind:?} has {n} catalogue entries");
        }
        assert_eq!(catalogue.len(), ConnectorKind::iter().count());
        let names: HashSet<_> = catalogue.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(names.len(), catalogue.len(), "names are unique");
        for c in &catalogue {
            assert!(
                ["oauth2", "api_key", "smtp"].contains(&c.auth_type.as_str()),
                "{}: auth type {}",
                c.name,
                c.auth_type
            );
            assert!(c.website_url.starts_with("https://"), "{}", c.name);
            for list in [&c.triggers, &c.actions] {
                let items = list.as_array().expect("triggers and actions are arrays");
                assert!(!items.is_empty(), "{}", c.name);
                assert!(items.iter().all(|i| i["key"].is_string()), "{}", c.name);
            }
        }
    }

    #[test]
    fn catalogue_holds_no_secret_values() {
        // Fields flagged `secret` describe what a connection will need; they carry no value.
        for c in connector_catalogue().unwrap() {
            let fields = c.auth_config["fields"]
                .as_array()
                .cloned()
                .unwrap_or_default();
            for f in fields.iter().filter(|f| f["secret"] == true) {
                let keys: Vec<_> = f.as_object().unwrap().keys().cloned().collect();
                assert!(
                    keys.iter()
                        .all(|k| ["name", "label", "type", "required", "secret"]
                            .contains(&k.as_str())),
                    "{}: secret field {f} has a value-like key",
                    c.name
                );
            }
        }
    }

    #[test]
    fn tools_name_known_agents_and_connectors() {
        let agents: HashSet<_> = agent_specs().unwrap().into_iter().map(|a| a.slug).collect();
        let connectors: HashSet<_> = connector_catalogue()
            .unwrap()
            .into_iter()
            .map(|c| c.name)
            .collect();
        let tools = tool_specs().unwrap();
        for t in &tools {
            assert!(agents.contains(&t.agent), "{}: agent {}", t.slug, t.agent);
            assert!(
                connectors.contains(&t.connector),
                "{}: connector {}",
                t.slug,
                t.connector
            );
            assert_eq!(t.input_schema["type"], "object", "{}", t.slug);
            assert_eq!(t.output_schema["type"], "object", "{}", t.slug);
        }
        let slugs: Vec<_> = tools.iter().map(|t| t.slug.as_str()).collect();
        for wanted in ["send-email", "publish-social-post", "send-sms"] {
            assert!(slugs.contains(&wanted), "{wanted}");
        }
    }
}
