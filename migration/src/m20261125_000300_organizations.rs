//! Organizations and RBAC: creates `organizations`, `organization_roles`, `organization_permissions`, `role_permissions`, `organization_members`, `api_keys`, `team_members`.
//!
//! Written as the tables were at this point in history; never edit an applied migration,
//! add a new one instead.
use crate::util::*;
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

const TABLES: &[&str] = &[
    "organizations",
    "organization_roles",
    "organization_permissions",
    "role_permissions",
    "organization_members",
    "api_keys",
    "team_members",
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let tables = [
            Table::create()
                .table("organizations")
                .col(pk_id())
                .col(text("slug"))
                .col(text("name"))
                .col(text("plan").default("starter"))
                .col(json_binary_null("settings"))
                .col(created_at())
                .col(updated_at())
                .to_owned(),
            Table::create()
                .table("organization_roles")
                .col(pk_id())
                .col(uuid("organization_id"))
                .col(text("name"))
                .col(text("slug"))
                .col(text_null("description"))
                .col(created_at())
                .col(updated_at())
                .foreign_key(&mut fk(
                    "organization_roles",
                    "organization_id",
                    "organizations",
                    ForeignKeyAction::Cascade,
                ))
                .to_owned(),
            Table::create()
                .table("organization_permissions")
                .col(pk_id())
                .col(uuid("organization_id"))
                .col(text("key"))
                .col(text_null("description"))
                .col(created_at())
                .foreign_key(&mut fk(
                    "organization_permissions",
                    "organization_id",
                    "organizations",
                    ForeignKeyAction::Cascade,
                ))
                .to_owned(),
            Table::create()
                .table("role_permissions")
                .col(uuid("role_id"))
                .col(uuid("permission_id"))
                .primary_key(
                    Index::create()
                        .name("role_permissions_pkey")
                        .col("role_id")
                        .col("permission_id"),
                )
                .foreign_key(&mut fk(
                    "role_permissions",
                    "role_id",
                    "organization_roles",
                    ForeignKeyAction::Cascade,
                ))
                .foreign_key(&mut fk(
                    "role_permissions",
                    "permission_id",
                    "organization_permissions",
                    ForeignKeyAction::Cascade,
                ))
                .to_owned(),
            Table::create()
                .table("organization_members")
                .col(pk_id())
                .col(uuid("organization_id"))
                .col(uuid("user_id"))
                .col(uuid_null("role_id"))
                .col(text("status").default("active"))
                .col(uuid_null("invited_by_id"))
                .col(timestamp_with_time_zone("joined_at").default(Expr::cust("now()")))
                .col(created_at())
                .col(updated_at())
                .foreign_key(&mut fk(
                    "organization_members",
                    "organization_id",
                    "organizations",
                    ForeignKeyAction::Cascade,
                ))
                .foreign_key(&mut fk(
                    "organization_members",
                    "user_id",
                    "users",
                    ForeignKeyAction::Cascade,
                ))
                .foreign_key(&mut fk(
                    "organization_members",
                    "role_id",
                    "organization_roles",
                    ForeignKeyAction::SetNull,
                ))
                .foreign_key(&mut fk(
                    "organization_members",
                    "invited_by_id",
                    "users",
                    ForeignKeyAction::SetNull,
                ))
                .to_owned(),
            Table::create()
                .table("api_keys")
                .col(pk_id())
                .col(uuid("organization_id"))
                .col(uuid("created_by_id"))
                .col(text("name"))
                .col(text("key_prefix"))
                .col(text("token_hash"))
                .col(array("scopes", ColumnType::Text).default(Expr::cust("'{}'")))
                .col(timestamp_with_time_zone_null("last_used_at"))
                .col(timestamp_with_time_zone_null("expires_at"))
                .col(timestamp_with_time_zone_null("revoked_at"))
                .col(created_at())
                .foreign_key(&mut fk(
                    "api_keys",
                    "organization_id",
                    "organizations",
                    ForeignKeyAction::Cascade,
                ))
                .foreign_key(&mut fk(
                    "api_keys",
                    "created_by_id",
                    "users",
                    ForeignKeyAction::Cascade,
                ))
                .to_owned(),
            Table::create()
                .table("team_members")
                .col(pk_id())
                .col(uuid_null("organization_id"))
                .col(uuid("user_id"))
                .col(text("role").default("Member"))
                .col(text_null("department"))
                .col(text("status").default("active"))
                .col(uuid_null("invited_by_id"))
                .col(timestamp_with_time_zone_null("invited_at"))
                .col(timestamp_with_time_zone("joined_at").default(Expr::cust("now()")))
                .col(json_binary_null("metadata"))
                .col(created_at())
                .col(updated_at())
                .foreign_key(&mut fk(
                    "team_members",
                    "organization_id",
                    "organizations",
                    ForeignKeyAction::SetNull,
                ))
                .foreign_key(&mut fk(
                    "team_members",
                    "user_id",
                    "users",
                    ForeignKeyAction::Cascade,
                ))
                .foreign_key(&mut fk(
                    "team_members",
                    "invited_by_id",
                    "users",
                    ForeignKeyAction::SetNull,
                ))
                .to_owned(),
        ];
        let indexes = [
            unique("organizations", &["slug"]),
            unique("organization_roles", &["organization_id", "slug"]),
            unique("organization_permissions", &["organization_id", "key"]),
            index("role_permissions", &["permission_id"]),
            unique("organization_members", &["organization_id", "user_id"]),
            index("organization_members", &["user_id"]),
            index("organization_members", &["role_id"]),
            index("organization_members", &["invited_by_id"]),
            unique("api_keys", &["token_hash"]),
            index("api_keys", &["organization_id"]),
            index("api_keys", &["created_by_id"]),
            unique_nulls_not_distinct("team_members", &["user_id", "organization_id"]),
            index("team_members", &["role", "status"]),
            index("team_members", &["organization_id"]),
            index("team_members", &["invited_by_id"]),
        ];
        create_tables(manager, tables, indexes).await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop_tables(manager, TABLES).await
    }
}
