//! One module per table, declared once here: the declaration also registers the table in
//! [`crate::registry::TABLES`], with its domain, so tools enumerate every entity without a
//! hand-kept list.

crate::entities! {
    "Identity and sessions" => [
        users,
        accounts,
        sessions,
        verification_tokens,
        user_settings,
    ],
    "Organizations and RBAC" => [
        organizations,
        organization_roles,
        organization_permissions,
        role_permissions,
        organization_members,
        api_keys,
        team_members,
    ],
    "Brand" => [
        embedding_spaces,
        brands,
        brand_voices,
        brand_assets,
    ],
    "Agents and tools" => [
        agents,
        agent_capabilities,
        agent_configs,
        agent_runs,
        agent_run_metrics,
        tools,
        tool_executions,
        agent_jobs,
    ],
    "Conversations" => [
        conversations,
        messages,
    ],
    "Knowledge (RAG)" => [
        datasets,
        documents,
        chunks,
    ],
    "Models" => [
        model_versions,
        training_jobs,
        inference_endpoints,
    ],
    "Content and campaigns" => [
        content,
        content_drafts,
        campaigns,
        campaign_metrics,
        email_sequences,
        social_posts,
        ab_tests,
        metric_events,
    ],
    "Billing" => [
        subscriptions,
        invoices,
        usage_records,
    ],
    "Work" => [
        tasks,
        feedback,
    ],
    "Governance" => [
        audit_logs,
    ],
    "Connectors and credentials" => [
        connectors,
        connector_auths,
        trigger_configs,
        action_configs,
        credentials,
    ],
}
