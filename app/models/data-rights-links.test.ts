/**
 * The data-rights links on a person's page (dataRightsOver) offer exactly what the routes allow:
 * partnership admins export anyone and erase anyone but themselves; a school admin exports the
 * pupils of their own school only; nobody else gets a link.
 */
import { describe, expect, it } from "vitest";
import type { Actor } from "~/auth/permissions.ts";
import type { Role } from "~/generated/prisma/enums.ts";
import { dataRightsOver } from "~/models/data-rights.server.ts";

const SCHOOL = "00000000-0000-4000-8000-000000000001";
const OTHER_SCHOOL = "00000000-0000-4000-8000-000000000002";
const UNIVERSITY = "00000000-0000-4000-8000-000000000003";

function actor(userId: string, role: Role, organisationId: string): Actor {
  return {
    userId,
    displayName: "Someone",
    memberships: [
      {
        organisationId,
        organisationName: "Org",
        organisationKind: role === "PARTNERSHIP_ADMIN" ? "PROVIDER" : "SCHOOL",
        role,
      },
    ],
  };
}

function person(id: string, role: Role, organisationId: string) {
  return { id, memberships: [{ role, organisation: { id: organisationId } }] };
}

const pupil = person("pupil", "PUPIL", SCHOOL);
const teacher = person("teacher", "TEACHER", SCHOOL);

describe("data-rights links on a person's page", () => {
  it("gives a partnership admin export and erasure for others, and only export for themselves", () => {
    const admin = actor("admin", "PARTNERSHIP_ADMIN", UNIVERSITY);
    expect(dataRightsOver(admin, pupil)).toEqual({ mayExport: true, mayErase: true });
    expect(dataRightsOver(admin, teacher)).toEqual({ mayExport: true, mayErase: true });
    expect(dataRightsOver(admin, person("admin", "PARTNERSHIP_ADMIN", UNIVERSITY))).toEqual({
      mayExport: true,
      mayErase: false,
    });
  });

  it("gives a school admin export of their own school's pupils only, and never erasure", () => {
    const schoolAdmin = actor("school-admin", "SCHOOL_ADMIN", SCHOOL);
    expect(dataRightsOver(schoolAdmin, pupil)).toEqual({ mayExport: true, mayErase: false });
    expect(dataRightsOver(schoolAdmin, teacher)).toEqual({ mayExport: false, mayErase: false });
    expect(dataRightsOver(schoolAdmin, person("elsewhere", "PUPIL", OTHER_SCHOOL))).toEqual({
      mayExport: false,
      mayErase: false,
    });
  });

  it("gives a teacher nothing, even for a pupil of their school", () => {
    expect(dataRightsOver(actor("t", "TEACHER", SCHOOL), pupil)).toEqual({ mayExport: false, mayErase: false });
  });
});
