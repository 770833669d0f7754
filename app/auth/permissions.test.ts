/** The role → permission table and the helpers every query's tenancy scope comes from. */
import { describe, expect, it } from "vitest";
import type { OrganisationKind, Role } from "~/generated/prisma/enums.ts";
import {
  can,
  hasRole,
  isPupilOnly,
  orgsWith,
  PERMISSIONS,
  ROLE_LABELS,
  ROLES_BY_ORG_KIND,
  rolesGranting,
  type Actor,
  type Permission,
} from "~/auth/permissions.ts";

function actor(...memberships: [string, Role, OrganisationKind?][]): Actor {
  return {
    userId: "u1",
    displayName: "Test Person",
    memberships: memberships.map(([organisationId, role, kind]) => ({
      organisationId,
      organisationName: organisationId,
      organisationKind: kind ?? "SCHOOL",
      role,
    })),
  };
}

const ALL_ROLES = Object.keys(ROLE_LABELS) as Role[];

describe("the permission table", () => {
  it("names only roles that exist", () => {
    for (const [permission, roles] of Object.entries(PERMISSIONS)) {
      for (const role of roles) expect(ALL_ROLES, `${permission} names ${role}`).toContain(role);
    }
  });

  it("gives pupils and apprentices nothing that reaches other people or the partnership", () => {
    const sensitive: Permission[] = [
      "people:read",
      "staff:invite",
      "user:disable",
      "membership:remove",
      "pupil:create",
      "class:manage",
      "org:approve",
      "catalogue:manage",
      "queues:view",
      "audit:read",
      "dev-mail:read",
      "report:protected",
      "report:own-org",
      "progress:verify",
    ];
    for (const permission of sensitive) {
      expect(rolesGranting(permission), permission).not.toContain("PUPIL");
      expect(rolesGranting(permission), permission).not.toContain("APPRENTICE");
    }
  });

  it("keeps partnership-wide powers with the partnership admin alone", () => {
    for (const permission of ["org:approve", "queues:view", "audit:read", "catalogue:manage"] as const) {
      expect(rolesGranting(permission)).toEqual(["PARTNERSHIP_ADMIN"]);
    }
  });

  it("lets only admins invite staff and remove people; only the partnership admin disables accounts", () => {
    expect([...rolesGranting("staff:invite")].sort()).toEqual(["EMPLOYER_ADMIN", "PARTNERSHIP_ADMIN", "SCHOOL_ADMIN"]);
    expect([...rolesGranting("membership:remove")].sort()).toEqual([
      "EMPLOYER_ADMIN",
      "PARTNERSHIP_ADMIN",
      "SCHOOL_ADMIN",
    ]);
    expect(rolesGranting("user:disable")).toEqual(["PARTNERSHIP_ADMIN"]);
  });

  it("offers each kind of organisation only its own roles", () => {
    expect(ROLES_BY_ORG_KIND.SCHOOL).not.toContain("EMPLOYER_ADMIN");
    expect(ROLES_BY_ORG_KIND.SCHOOL).not.toContain("PARTNERSHIP_ADMIN");
    expect(ROLES_BY_ORG_KIND.EMPLOYER).not.toContain("SCHOOL_ADMIN");
    expect(ROLES_BY_ORG_KIND.EMPLOYER).not.toContain("PARTNERSHIP_ADMIN");
    expect(ROLES_BY_ORG_KIND.COUNCIL).toEqual(["COUNCIL_OFFICER"]);
    const offered = Object.values(ROLES_BY_ORG_KIND).flat();
    expect(new Set(offered).size).toBe(offered.length); // no role belongs to two kinds
  });
});

describe("can", () => {
  it("grants a permission through any membership holding a granting role", () => {
    expect(can(actor(["a", "SCHOOL_ADMIN"]), "staff:invite")).toBe(true);
    expect(can(actor(["a", "PUPIL"], ["b", "TEACHER"]), "pupil:create")).toBe(true);
  });

  it("refuses what no membership grants", () => {
    expect(can(actor(["a", "TEACHER"]), "staff:invite")).toBe(false);
    expect(can(actor(["a", "PUPIL"]), "people:read")).toBe(false);
    expect(can(actor(), "people:read")).toBe(false);
  });
});

describe("orgsWith: the tenancy scope of a query", () => {
  it("lists only the organisations where the permission is held", () => {
    const teacherAndAdmin = actor(
      ["school-a", "TEACHER"],
      ["school-b", "SCHOOL_ADMIN"],
      ["employer-c", "APPRENTICE", "EMPLOYER"],
    );
    expect(orgsWith(teacherAndAdmin, "staff:invite")).toEqual(["school-b"]);
    expect(orgsWith(teacherAndAdmin, "people:read").sort()).toEqual(["school-a", "school-b"]);
    expect(orgsWith(teacherAndAdmin, "org:approve")).toEqual([]);
  });

  it("lists each organisation once", () => {
    expect(orgsWith(actor(["a", "TEACHER"], ["a", "SCHOOL_ADMIN"]), "people:read")).toEqual(["a"]);
  });
});

describe("roles", () => {
  it("hasRole looks at every membership", () => {
    expect(hasRole(actor(["a", "TEACHER"], ["b", "PARTNERSHIP_ADMIN", "PROVIDER"]), "PARTNERSHIP_ADMIN")).toBe(true);
    expect(hasRole(actor(["a", "TEACHER"]), "PARTNERSHIP_ADMIN")).toBe(false);
  });

  it("gives the shorter pupil session only to people who are pupils and nothing else", () => {
    expect(isPupilOnly(["PUPIL"])).toBe(true);
    expect(isPupilOnly(["PUPIL", "PUPIL"])).toBe(true);
    expect(isPupilOnly(["PUPIL", "TEACHER"])).toBe(false);
    expect(isPupilOnly(["TEACHER"])).toBe(false);
    expect(isPupilOnly([])).toBe(false);
  });
});
