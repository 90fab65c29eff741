//! One module per table, declared once here: the declaration also registers the table in
//! [`crate::registry::tables`], with its domain, so tools enumerate every entity without a
//! hand-kept list, and gives each entity its prelude name (`Users` for `users::Entity`).

crate::entities! {
    "Identity and sessions" => [
        users: Users,
        accounts: Accounts,
        sessions: Sessions,
        verification_tokens: VerificationTokens,
        user_settings: UserSettings,
    ],
    "Organizations and RBAC" => [
        organizations: Organizations,
        organization_roles: OrganizationRoles,
        organization_permissions: OrganizationPermissions,
        role_permissions: RolePermissions,
        organization_members: OrganizationMembers,
        api_keys: ApiKeys,
        team_members: TeamMembers,
    ],
    "Brand" => [
        embedding_spaces: EmbeddingSpaces,
        brands: Brands,
        brand_voices: BrandVoices,
        brand_assets: BrandAssets,
    ],
    "Agents and tools" => [
        agents: Agents,
        agent_capabilities: AgentCapabilities,
        agent_configs: AgentConfigs,
        agent_runs: AgentRuns,
        agent_run_metrics: AgentRunMetrics,
        tools: Tools,
        tool_executions: ToolExecutions,
        agent_jobs: AgentJobs,
    ],
    "Conversations" => [
        conversations: Conversations,
        messages: Messages,
    ],
    "Knowledge (RAG)" => [
        datasets: Datasets,
        documents: Documents,
        chunks: Chunks,
    ],
    "Models" => [
        model_versions: ModelVersions,
        training_jobs: TrainingJobs,
        inference_endpoints: InferenceEndpoints,
    ],
    "Content and campaigns" => [
        content: Content,
        content_drafts: ContentDrafts,
        campaigns: Campaigns,
        campaign_metrics: CampaignMetrics,
        email_sequences: EmailSequences,
        social_posts: SocialPosts,
        ab_tests: AbTests,
        metric_events: MetricEvents,
    ],
    "Billing" => [
        subscriptions: Subscriptions,
        invoices: Invoices,
        usage_records: UsageRecords,
    ],
    "Work" => [
        tasks: Tasks,
        feedback: Feedback,
    ],
    "Governance" => [
        audit_logs: AuditLogs,
    ],
    "Connectors and credentials" => [
        connectors: Connectors,
        connector_auths: ConnectorAuths,
        trigger_configs: TriggerConfigs,
        action_configs: ActionConfigs,
        credentials: Credentials,
    ],
}
