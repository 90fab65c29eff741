//! Membership and roles are decided in the database, for the application role.
//!
//! - `app_has_permission(key)`: whether the acting user holds `key` (e.g. `workspace:manage`)
//!   through their active membership's role in the current organization.
//! - `organization_members` (trigger `organization_members_guard`, replaced): a user becomes
//!   active only by accepting their own pending invitation (`app_accept_invitation`); inviting
//!   (a new row is always `invited`, `invited_by_id` the acting user), changing another
//!   member's status or role, and removing another member need `workspace:manage`; changing
//!   one's own role needs it too; a member may leave; the last active owner (role slug `owner`)
//!   of an organization cannot be removed, demoted or suspended; a membership never moves to
//!   another user or organization.
//! - `organization_roles`, `organization_permissions`, `role_permissions` (what a role may do)
//!   and the organization row itself (UPDATE, DELETE) are written only with `workspace:manage`
//!   (restrictive policies next to the tenant policies).
//! - New organizations are created through `app_create_organization(slug, name)` only: the
//!   acting user becomes its active owner (a role `owner` holding `workspace:manage`); the
//!   application role may not insert into `organizations` itself.
//!
//! The owner (migrations, seeds, operator commands) is not restricted by any of it. Raw SQL:
//! sea-query has no statements for policies, triggers or functions.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

const FUNCTIONS: &str = r#"
CREATE FUNCTION app_has_permission(p_key text) RETURNS boolean
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
    SELECT EXISTS (
        SELECT 1 FROM public.organization_members m
          JOIN public.role_permissions rp
            ON rp.role_id = m.role_id AND rp.organization_id = m.organization_id
          JOIN public.organization_permissions p
            ON p.id = rp.permission_id AND p.organization_id = rp.organization_id
         WHERE m.organization_id = public.app_current_org_id()
           AND m.user_id = public.app_current_user_id()
           AND m.status = 'active' AND p.key = p_key)
$$;
REVOKE ALL ON FUNCTION app_has_permission(text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION app_has_permission(text) TO neonhub_app;

CREATE FUNCTION app_create_organization(p_slug text, p_name text) RETURNS uuid
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    v_user uuid := public.app_current_user_id();
    v_org uuid;
    v_role uuid;
    v_permission uuid;
BEGIN
    IF v_user IS NULL THEN
        RAISE EXCEPTION 'creating an organization needs an acting user'
            USING ERRCODE = 'insufficient_privilege',
                  HINT = 'Enter a context with the user''s session or a ticket naming the user.';
    END IF;
    INSERT INTO public.organizations (slug, name) VALUES (p_slug, p_name) RETURNING id INTO v_org;
    INSERT INTO public.organization_permissions (organization_id, key, description)
    VALUES (v_org, 'workspace:manage', 'Change workspace settings, members and billing')
    RETURNING id INTO v_permission;
    INSERT INTO public.organization_roles (organization_id, name, slug, description)
    VALUES (v_org, 'Owner', 'owner', 'Full control, including billing and deleting the workspace')
    RETURNING id INTO v_role;
    INSERT INTO public.role_permissions (role_id, permission_id, organization_id)
    VALUES (v_role, v_permission, v_org);
    INSERT INTO public.organization_members (organization_id, user_id, role_id, status)
    VALUES (v_org, v_user, v_role, 'active');
    RETURN v_org;
END
$$;
REVOKE ALL ON FUNCTION app_create_organization(text, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION app_create_organization(text, text) TO neonhub_app;

CREATE FUNCTION app_accept_invitation(p_organization_id uuid) RETURNS void
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    v_user uuid := public.app_current_user_id();
BEGIN
    UPDATE public.organization_members m SET status = 'active', joined_at = now()
     WHERE m.organization_id = p_organization_id AND m.user_id = v_user
       AND m.status = 'invited';
    IF NOT FOUND THEN
        RAISE EXCEPTION 'no pending invitation of the acting user to this organization'
            USING ERRCODE = 'insufficient_privilege';
    END IF;
END
$$;
REVOKE ALL ON FUNCTION app_accept_invitation(uuid) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION app_accept_invitation(uuid) TO neonhub_app;
"#;

const FUNCTIONS_DOWN: &str = r#"
DROP FUNCTION app_accept_invitation(uuid);
DROP FUNCTION app_create_organization(text, text);
DROP FUNCTION app_has_permission(text);
"#;

const GUARD: &str = r#"
CREATE OR REPLACE FUNCTION organization_members_guard() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    actor uuid;
    manage boolean;
    was_owner boolean;
    stays_owner boolean;
BEGIN
    -- The owner (migrations, seeds, operator commands) is not restricted here.
    IF NOT pg_catalog.row_security_active('public.organization_members'::pg_catalog.regclass) THEN
        RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
    END IF;
    -- The cascade of a deleted organization removes every membership.
    IF TG_OP = 'DELETE'
       AND NOT EXISTS (SELECT 1 FROM public.organizations o WHERE o.id = OLD.organization_id) THEN
        RETURN OLD;
    END IF;
    actor := public.app_current_user_id();
    manage := public.app_has_permission('workspace:manage');
    IF TG_OP = 'UPDATE' AND (NEW.user_id IS DISTINCT FROM OLD.user_id
                             OR NEW.organization_id IS DISTINCT FROM OLD.organization_id) THEN
        RAISE EXCEPTION 'a membership never moves to another user or organization'
            USING ERRCODE = 'insufficient_privilege',
                  HINT = 'Delete the membership and invite the other user.';
    END IF;
    IF TG_OP = 'INSERT' THEN
        IF NEW.status IS DISTINCT FROM 'invited' THEN
            RAISE EXCEPTION 'only the user themselves can make a membership active'
                USING ERRCODE = 'insufficient_privilege',
                      HINT = 'Invite the user (status invited); they accept with app_accept_invitation.';
        END IF;
        IF NOT manage THEN
            RAISE EXCEPTION 'inviting members needs the workspace:manage permission'
                USING ERRCODE = 'insufficient_privilege';
        END IF;
        IF NEW.invited_by_id IS DISTINCT FROM actor THEN
            RAISE EXCEPTION 'organization_members.invited_by_id must be the acting user'
                USING ERRCODE = 'insufficient_privilege';
        END IF;
        RETURN NEW;
    END IF;
    IF TG_OP = 'UPDATE' THEN
        IF NEW.status IS DISTINCT FROM OLD.status AND NEW.status = 'active' THEN
            RAISE EXCEPTION 'only the user themselves can make a membership active'
                USING ERRCODE = 'insufficient_privilege',
                      HINT = 'The invited user accepts with app_accept_invitation.';
        END IF;
        IF NOT manage AND (NEW.user_id IS DISTINCT FROM actor
                           OR NEW.role_id IS DISTINCT FROM OLD.role_id
                           OR NEW.status IS DISTINCT FROM OLD.status
                           OR NEW.invited_by_id IS DISTINCT FROM OLD.invited_by_id) THEN
            RAISE EXCEPTION 'changing a membership''s role or status needs the workspace:manage permission'
                USING ERRCODE = 'insufficient_privilege';
        END IF;
    ELSIF OLD.user_id IS DISTINCT FROM actor AND NOT manage THEN
        RAISE EXCEPTION 'removing another member needs the workspace:manage permission'
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    -- The last active owner stays.
    was_owner := OLD.status = 'active' AND EXISTS (
        SELECT 1 FROM public.organization_roles r
         WHERE r.id = OLD.role_id AND r.organization_id = OLD.organization_id AND r.slug = 'owner');
    stays_owner := TG_OP = 'UPDATE' AND NEW.status = 'active' AND EXISTS (
        SELECT 1 FROM public.organization_roles r
         WHERE r.id = NEW.role_id AND r.organization_id = NEW.organization_id AND r.slug = 'owner');
    IF was_owner AND NOT stays_owner AND NOT EXISTS (
        SELECT 1 FROM public.organization_members m
          JOIN public.organization_roles r
            ON r.id = m.role_id AND r.organization_id = m.organization_id
         WHERE m.organization_id = OLD.organization_id AND m.id <> OLD.id
           AND m.status = 'active' AND r.slug = 'owner') THEN
        RAISE EXCEPTION 'the last owner of an organization cannot be removed'
            USING ERRCODE = 'insufficient_privilege',
                  HINT = 'Make another member owner first.';
    END IF;
    RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
END
$$;
DROP TRIGGER organization_members_guard ON organization_members;
CREATE TRIGGER organization_members_guard BEFORE INSERT OR UPDATE OR DELETE ON organization_members
    FOR EACH ROW EXECUTE FUNCTION organization_members_guard();
"#;

/// The guard of migration 20261203_000100.
const GUARD_DOWN: &str = r#"
CREATE OR REPLACE FUNCTION organization_members_guard() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    -- The owner (migrations, seeds, operator commands) is not restricted here.
    IF NOT pg_catalog.row_security_active('public.organization_members'::pg_catalog.regclass) THEN
        RETURN NEW;
    END IF;
    IF TG_OP = 'UPDATE' AND (NEW.user_id IS DISTINCT FROM OLD.user_id
                             OR NEW.organization_id IS DISTINCT FROM OLD.organization_id) THEN
        RAISE EXCEPTION 'a membership never moves to another user or organization'
            USING ERRCODE = 'insufficient_privilege',
                  HINT = 'Delete the membership and invite the other user.';
    END IF;
    IF NEW.user_id IS DISTINCT FROM public.app_current_user_id()
       AND NEW.status = 'active'
       AND (TG_OP = 'INSERT' OR OLD.status IS DISTINCT FROM 'active') THEN
        RAISE EXCEPTION 'only the user themselves can make a membership active'
            USING ERRCODE = 'insufficient_privilege',
                  HINT = 'Invite the user (status invited); they accept it acting as themselves.';
    END IF;
    RETURN NEW;
END
$$;
DROP TRIGGER organization_members_guard ON organization_members;
CREATE TRIGGER organization_members_guard BEFORE INSERT OR UPDATE ON organization_members
    FOR EACH ROW EXECUTE FUNCTION organization_members_guard();
"#;

/// Tables whose rows say what a role may do.
const RBAC: &[&str] = &[
    "organization_roles",
    "organization_permissions",
    "role_permissions",
];

fn rbac_sql() -> String {
    let manage = "(SELECT app_has_permission('workspace:manage'))";
    let mut sql = String::new();
    for t in RBAC {
        sql.push_str(&format!(
            "CREATE POLICY {t}_manage_insert ON {t} AS RESTRICTIVE FOR INSERT TO neonhub_app \
                 WITH CHECK ({manage});
             CREATE POLICY {t}_manage_update ON {t} AS RESTRICTIVE FOR UPDATE TO neonhub_app \
                 USING ({manage}) WITH CHECK ({manage});
             CREATE POLICY {t}_manage_delete ON {t} AS RESTRICTIVE FOR DELETE TO neonhub_app \
                 USING ({manage});\n"
        ));
    }
    sql.push_str(&format!(
        "CREATE POLICY organizations_create ON organizations AS RESTRICTIVE FOR INSERT \
             TO neonhub_app WITH CHECK (false);
         CREATE POLICY organizations_manage_update ON organizations AS RESTRICTIVE FOR UPDATE \
             TO neonhub_app USING ({manage}) WITH CHECK ({manage});
         CREATE POLICY organizations_manage_delete ON organizations AS RESTRICTIVE FOR DELETE \
             TO neonhub_app USING ({manage});\n"
    ));
    sql
}

fn rbac_down_sql() -> String {
    let mut sql = String::from(
        "DROP POLICY organizations_manage_delete ON organizations;
         DROP POLICY organizations_manage_update ON organizations;
         DROP POLICY organizations_create ON organizations;\n",
    );
    for t in RBAC.iter().rev() {
        sql.push_str(&format!(
            "DROP POLICY {t}_manage_delete ON {t};
             DROP POLICY {t}_manage_update ON {t};
             DROP POLICY {t}_manage_insert ON {t};\n"
        ));
    }
    sql
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        db.execute_unprepared(FUNCTIONS).await?;
        db.execute_unprepared(GUARD).await?;
        db.execute_unprepared(&rbac_sql()).await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        db.execute_unprepared(&rbac_down_sql()).await?;
        db.execute_unprepared(GUARD_DOWN).await?;
        db.execute_unprepared(FUNCTIONS_DOWN).await?;
        Ok(())
    }
}
