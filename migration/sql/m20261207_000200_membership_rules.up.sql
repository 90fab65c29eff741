-- m20261207_000200_membership_rules (up): the SQL this migration executes, captured by `make migrations-sql`.
-- Generated; a test fails when it differs from what the migration runs.

SET LOCAL lock_timeout = '5s'; SET LOCAL statement_timeout = '300s';

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

CREATE POLICY organization_roles_manage_insert ON organization_roles AS RESTRICTIVE FOR INSERT TO neonhub_app WITH CHECK ((SELECT app_has_permission('workspace:manage')));
             CREATE POLICY organization_roles_manage_update ON organization_roles AS RESTRICTIVE FOR UPDATE TO neonhub_app USING ((SELECT app_has_permission('workspace:manage'))) WITH CHECK ((SELECT app_has_permission('workspace:manage')));
             CREATE POLICY organization_roles_manage_delete ON organization_roles AS RESTRICTIVE FOR DELETE TO neonhub_app USING ((SELECT app_has_permission('workspace:manage')));
CREATE POLICY organization_permissions_manage_insert ON organization_permissions AS RESTRICTIVE FOR INSERT TO neonhub_app WITH CHECK ((SELECT app_has_permission('workspace:manage')));
             CREATE POLICY organization_permissions_manage_update ON organization_permissions AS RESTRICTIVE FOR UPDATE TO neonhub_app USING ((SELECT app_has_permission('workspace:manage'))) WITH CHECK ((SELECT app_has_permission('workspace:manage')));
             CREATE POLICY organization_permissions_manage_delete ON organization_permissions AS RESTRICTIVE FOR DELETE TO neonhub_app USING ((SELECT app_has_permission('workspace:manage')));
CREATE POLICY role_permissions_manage_insert ON role_permissions AS RESTRICTIVE FOR INSERT TO neonhub_app WITH CHECK ((SELECT app_has_permission('workspace:manage')));
             CREATE POLICY role_permissions_manage_update ON role_permissions AS RESTRICTIVE FOR UPDATE TO neonhub_app USING ((SELECT app_has_permission('workspace:manage'))) WITH CHECK ((SELECT app_has_permission('workspace:manage')));
             CREATE POLICY role_permissions_manage_delete ON role_permissions AS RESTRICTIVE FOR DELETE TO neonhub_app USING ((SELECT app_has_permission('workspace:manage')));
CREATE POLICY organizations_create ON organizations AS RESTRICTIVE FOR INSERT TO neonhub_app WITH CHECK (false);
         CREATE POLICY organizations_manage_update ON organizations AS RESTRICTIVE FOR UPDATE TO neonhub_app USING ((SELECT app_has_permission('workspace:manage'))) WITH CHECK ((SELECT app_has_permission('workspace:manage')));
         CREATE POLICY organizations_manage_delete ON organizations AS RESTRICTIVE FOR DELETE TO neonhub_app USING ((SELECT app_has_permission('workspace:manage')));
