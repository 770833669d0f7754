/**
 * Demo data for the council's outcome report: a few dozen pupils' learning in the
 * current academic year at two demo schools, then one protected report snapshot for that year,
 * so a council officer signing in to a fresh demo has a report to open, whose CSV shows
 * suppressed cells (`c`). Idempotent: people by username, enrolments by (learner, pathway),
 * ledger entries by (learner, client_ref); the snapshot is built only when the period has none.
 *
 * Fictional pupils with no email or date of birth (ICO Children's Code: data minimisation).
 */
import type { PrismaClient } from "../../app/generated/prisma/client.ts";

const pad = (n: number) => String(n).padStart(2, "0");

export async function seedReportDemo(db: PrismaClient, log: (line: string) => void = () => {}) {
  const { periodContaining } = await import("../../app/domain/report-period.ts");
  const { addDays, minDate } = await import("../../app/domain/dates.ts");
  const { buildSnapshot } = await import("../../app/models/reports.server.ts");
  const { todayInEngland } = await import("../../app/domain/dates.ts");
  const today = todayInEngland();
  const year = periodContaining("academic-year", today);
  const on = (days: number) => new Date(`${minDate(addDays(year.from, days), today)}T00:00:00Z`);

  const school = async (urn: string) =>
    (await db.organisation.findUnique({ where: { urn }, select: { id: true } }))!.id;
  const pathway = async (slug: string) => (await db.pathway.findUnique({ where: { slug }, select: { id: true } }))!.id;
  const groups = [
    // Chase Valley (Cannock Chase): 14 year-9 pupils on Digital foundations, 90 verified minutes each.
    {
      org: await school("900001"),
      pathwayId: await pathway("digital-foundations"),
      prefix: "demo.report.cv",
      count: 14,
      yearGroup: 9,
      minutes: 90,
    },
    // Potteries (Stoke-on-Trent): 3 year-10 pupils on Explore the digital future (a small group: c).
    {
      org: await school("900003"),
      pathwayId: await pathway("explore-digital-future"),
      prefix: "demo.report.pc",
      count: 3,
      yearGroup: 10,
      minutes: 60,
    },
  ];
  const verifier = await db.user.findUnique({ where: { email: "teacher@chasevalley.example" }, select: { id: true } });
  for (const g of groups) {
    for (let i = 1; i <= g.count; i++) {
      const username = `${g.prefix}${pad(i)}`;
      const user = await db.user.upsert({
        where: { username },
        update: {},
        create: {
          username,
          firstName: "Demo",
          lastName: `Learner ${g.prefix.slice(-2).toUpperCase()}${pad(i)}`,
          yearGroup: g.yearGroup,
        },
        select: { id: true },
      });
      await db.membership.upsert({
        where: { userId_organisationId_role: { userId: user.id, organisationId: g.org, role: "PUPIL" } },
        update: {},
        create: { userId: user.id, organisationId: g.org, role: "PUPIL" },
      });
      const enrolment = await db.enrolment.upsert({
        where: { userId_pathwayId: { userId: user.id, pathwayId: g.pathwayId } },
        update: {},
        create: { userId: user.id, pathwayId: g.pathwayId, organisationId: g.org, startedOn: on(40 + i) },
        select: { id: true },
      });
      await db.progressEntry.upsert({
        where: { learnerId_clientRef: { learnerId: user.id, clientRef: "demo-report-1" } },
        update: {},
        create: {
          learnerId: user.id,
          enrolmentId: enrolment.id,
          kind: "LEARNING_TIME",
          minutes: g.minutes,
          occurredOn: on(50 + i),
          description: "Demo learning session",
          status: "VERIFIED",
          verifiedById: verifier?.id,
          verifiedAt: new Date(),
          clientRef: "demo-report-1",
          createdById: user.id,
        },
      });
    }
  }
  const existing = await db.reportSnapshot.findFirst({
    where: { periodType: year.type, periodKey: year.key },
    select: { id: true },
  });
  if (!existing) {
    const snapshot = await buildSnapshot(year, null);
    log(`Built the demo outcome report for ${year.label} (version ${snapshot.version}).`);
  }
  // buildSnapshot used the app's own client: close it so the seed process can exit.
  const { disconnectDb } = await import("../../app/db/client.server.ts");
  await disconnectDb();
}
