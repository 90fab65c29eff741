-- m20261207_000200_membership_rules (down): the SQL this migration executes, captured by `make migrations-sql`.
-- Generated; a test fails when it differs from what the migration runs.

SET LOCAL lock_timeout = '5s'; SET LOCAL statement_timeout = '300s';

DROP POLICY organizations_manage_delete ON organizations;
         DROP POLICY organizations_manage_update ON organizations;
         DROP POLICY organizations_create ON organizations;
DROP POLICY role_permissions_manage_delete ON role_permissions;
             DROP POLICY role_permissions_manage_update ON role_permissions;
             DROP POLICY role_permissions_manage_insert ON role_permissions;
DROP POLICY organization_permissions_manage_delete ON organization_permissions;
             DROP POLICY organization_permissions_manage_update ON organization_permissions;
             DROP POLICY organization_permissions_manage_insert ON organization_permissions;
DROP POLICY organization_roles_manage_delete ON organization_roles;
             DROP POLICY organization_roles_manage_update ON organization_roles;
             DROP POLICY organization_roles_manage_insert ON organization_roles;

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

DROP FUNCTION app_accept_invitation(uuid);
DROP FUNCTION app_create_organization(text, text);
DROP FUNCTION app_has_permission(text);
