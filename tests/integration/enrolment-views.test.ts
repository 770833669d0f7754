/**
 * The partnership admin's enrolments view (filters validated from the query string, 50 a page,
 * counts for the whole filtered set, admins only) and teachers' educator-pathway enrolment
 * (themselves, or a colleague by a school admin; idempotent; 404 across schools).
 */
import { describe, expect, it } from "vitest";
import { testPrisma } from "../setup/db.ts";
import { createOrganisation, createUser } from "../support/factories.ts";
import { actorFor, createPathway } from "../support/progress-fixtures.ts";
import { listEnrolments, parseEnrolmentFilters } from "../../app/models/enrolment-list.server.ts";
import { educatorOverview, enrolEducator } from "../../app/models/educator.server.ts";

const prisma = testPrisma();

async function expect404(promise: Promise<unknown>) {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect((error as Response | null)?.status).toBe(404);
}

describe("all enrolments, for partnership admins", () => {
  it("filters by pathway, organisation, area, status and learner type, 50 to a page, with counts", async () => {
    const provider = await createOrganisation({ kind: "PROVIDER" });
    const admin = await actorFor((await createUser({ roles: [{ org: provider, role: "PARTNERSHIP_ADMIN" }] })).id);
    const cannock = await createOrganisation({ kind: "SCHOOL", districtCode: "E07000192" });
    const tamworth = await createOrganisation({ kind: "SCHOOL", districtCode: "E07000199" });
    const employer = await createOrganisation({ kind: "EMPLOYER", districtCode: "E07000199" });
    const pathway = await createPathway(1);
    const other = await createPathway(1, "APPRENTICE");
    // 60 pupils at the Cannock school in `pathway` (5 withdrawn), 3 at Tamworth, 2 apprentices in `other`.
    const rows: { userId: string; pathwayId: string; organisationId: string; status?: "ACTIVE" | "WITHDRAWN" }[] = [];
    for (let i = 0; i < 60; i++) {
      const u = await prisma.user.create({
        data: {
          firstName: "P",
          lastName: `C${i}`,
          username: `c${i}-${cannock.id.slice(0, 6)}`,
          memberships: { create: { organisationId: cannock.id, role: "PUPIL" } },
        },
      });
      rows.push({
        userId: u.id,
        pathwayId: pathway.id,
        organisationId: cannock.id,
        status: i < 5 ? "WITHDRAWN" : "ACTIVE",
      });
    }
    for (let i = 0; i < 3; i++) {
      const u = await prisma.user.create({
        data: {
          firstName: "P",
          lastName: `T${i}`,
          username: `t${i}-${tamworth.id.slice(0, 6)}`,
          memberships: { create: { organisationId: tamworth.id, role: "PUPIL" } },
        },
      });
      rows.push({ userId: u.id, pathwayId: pathway.id, organisationId: tamworth.id });
    }
    for (let i = 0; i < 2; i++) {
      const u = await prisma.user.create({
        data: {
          firstName: "A",
          lastName: `E${i}`,
          email: `a${i}-${employer.id.slice(0, 6)}@example.org`,
          memberships: { create: { organisationId: employer.id, role: "APPRENTICE" } },
        },
      });
      rows.push({ userId: u.id, pathwayId: other.id, organisationId: employer.id });
    }
    await prisma.enrolment.createMany({ data: rows });

    const q = (query: string) => parseEnrolmentFilters(new URLSearchParams(query));
    const page1 = await listEnrolments(admin, q(`pathway=${pathway.id}`).filters);
    expect(page1).toMatchObject({ total: 63, pages: 2, page: 1, counts: { ACTIVE: 58, WITHDRAWN: 5, COMPLETED: 0 } });
    expect(page1.rows).toHaveLength(50);
    const page2 = await listEnrolments(admin, q(`pathway=${pathway.id}&page=2`).filters);
    expect(page2.rows).toHaveLength(13);
    expect(new Set([...page1.rows, ...page2.rows].map((r) => r.id)).size).toBe(63);

    expect((await listEnrolments(admin, q(`organisation=${tamworth.id}`).filters)).total).toBe(3);
    expect((await listEnrolments(admin, q(`district=E07000199`).filters)).total).toBe(5);
    expect(
      (await listEnrolments(admin, q(`district=E07000199&learner=apprentice`).filters)).rows.map((r) => r.learnerType),
    ).toEqual(["Apprentice", "Apprentice"]);
    expect((await listEnrolments(admin, q(`pathway=${pathway.id}&status=WITHDRAWN`).filters)).total).toBe(5);
    expect((await listEnrolments(admin, q(`pathway=${pathway.id}&learner=teacher`).filters)).total).toBe(0);

    // Invalid parameters are reported in words and left out; the others still apply.
    const bad = q(`pathway=${pathway.id}&status=DELETED&page=-3&district=X1`);
    expect(bad.errors).toEqual({
      status: "Choose a status from the list.",
      page: "The page must be 1 or more.",
      district: "Choose an area from the list.",
    });
    expect(bad.filters).toMatchObject({ pathway: pathway.id, status: "", page: 1, district: "" });

    const teacher = await actorFor((await createUser({ roles: [{ org: cannock, role: "SCHOOL_ADMIN" }] })).id);
    await expect404(listEnrolments(teacher, bad.filters));
  }, 90_000);
});

describe("the educator pathway", () => {
  it("lets a teacher enrol themselves and a school admin enrol a colleague, once, within their school", async () => {
    const school = await createOrganisation({ kind: "SCHOOL" });
    const otherSchool = await createOrganisation({ kind: "SCHOOL" });
    const teacher = await createUser({ roles: [{ org: school, role: "TEACHER" }] });
    const colleague = await createUser({ roles: [{ org: school, role: "TEACHER" }] });
    const schoolAdmin = await createUser({ roles: [{ org: school, role: "SCHOOL_ADMIN" }] });
    const outsider = await createUser({ roles: [{ org: otherSchool, role: "TEACHER" }] });
    const pupil = await createUser({ roles: [{ org: school, role: "PUPIL" }] });
    const educator = await createPathway(2, "TEACHER");
    const pupilPathway = await createPathway(1, "PUPIL");

    const me = await actorFor(teacher.id);
    expect(await enrolEducator(me, { pathwayId: educator.id })).toEqual({
      created: true,
      pathwayTitle: educator.title,
    });
    expect(await enrolEducator(me, { pathwayId: educator.id })).toEqual({
      created: false,
      pathwayTitle: educator.title,
    });
    expect(await prisma.enrolment.count({ where: { userId: teacher.id } })).toBe(1);
    expect((await educatorOverview(me)).pathways.find((p) => p.id === educator.id)?.myEnrolment).not.toBeNull();

    // A teacher cannot enrol a colleague; a school admin can, but not someone from another school or a pupil.
    await expect404(enrolEducator(me, { pathwayId: educator.id, userId: colleague.id }));
    const admin = await actorFor(schoolAdmin.id);
    expect((await enrolEducator(admin, { pathwayId: educator.id, userId: colleague.id })).created).toBe(true);
    await expect404(enrolEducator(admin, { pathwayId: educator.id, userId: outsider.id }));
    await expect404(enrolEducator(admin, { pathwayId: educator.id, userId: pupil.id }));
    await expect404(enrolEducator(me, { pathwayId: pupilPathway.id }));
    const overview = await educatorOverview(admin);
    expect(overview.colleagues.find((c) => c.id === colleague.id)?.enrolments).toEqual([
      { pathway: educator.title, status: "ACTIVE" },
    ]);
    expect(overview.colleagues.map((c) => c.id)).not.toContain(outsider.id);
    expect(await prisma.auditLog.count({ where: { action: "enrolment.educator", organisationId: school.id } })).toBe(2);
    await expect404(educatorOverview(await actorFor(pupil.id)));
  }, 60_000);
});
