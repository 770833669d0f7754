/**
 * Data for reminder and digest tests: apprentices due an OTJ reminder, employer
 * inboxes with items waiting, classes with stuck pupils, tutors with overdue reviews. Written
 * through this file's own Prisma client; dates are relative to the `today` the test passes.
 */
import { randomBytes } from "node:crypto";
import { addDays, toUtcDate, type IsoDate } from "../../app/domain/dates.ts";
import { testPrisma } from "../setup/db.ts";
import { createOrganisation, createUser, type TestOrganisation, type TestUser } from "./factories.ts";

let standardId: string | undefined;
let provider: TestOrganisation | undefined;

export async function standard(): Promise<string> {
  if (standardId) return standardId;
  const created = await testPrisma().standard.create({
    data: {
      reference: `ST9${randomBytes(2).toString("hex")}`,
      title: "Digital support technician (test)",
      level: 3,
      otjMinimumHours: 300,
    },
    select: { id: true },
  });
  standardId = created.id;
  return standardId;
}

export async function providerOrg(): Promise<TestOrganisation> {
  provider ??= await createOrganisation({
    kind: "PROVIDER",
    name: `Staffordshire University test ${randomBytes(2).toString("hex")}`,
  });
  return provider;
}

export type ApprenticeFixture = { apprentice: TestUser; apprenticeshipId: string; employer: TestOrganisation };

/**
 * An active apprenticeship that started `startedDaysAgo` days before `today` with no verified
 * OTJ, so it is due an OTJ reminder once that is 14 days or more.
 */
export async function apprenticeDue(input: {
  today: IsoDate;
  startedDaysAgo?: number;
  employer?: TestOrganisation;
  email?: string;
  tutor?: TestUser;
  supervisor?: TestUser;
  prefs?: object;
}): Promise<ApprenticeFixture> {
  const employer = input.employer ?? (await createOrganisation({ kind: "EMPLOYER" }));
  const apprentice = await createUser({
    email: input.email,
    firstName: "Jordan",
    roles: [{ org: employer, role: "APPRENTICE" }],
  });
  if (input.prefs)
    await testPrisma().user.update({ where: { id: apprentice.id }, data: { notificationPrefs: input.prefs } });
  const start = addDays(input.today, -(input.startedDaysAgo ?? 20));
  const a = await testPrisma().apprenticeship.create({
    data: {
      apprenticeId: apprentice.id,
      employerId: employer.id,
      providerId: (await providerOrg()).id,
      standardId: await standard(),
      tutorId: input.tutor?.id ?? null,
      supervisorId: input.supervisor?.id ?? null,
      startDate: toUtcDate(start),
      plannedEndDate: toUtcDate(addDays(start, 400)),
      contractedWeeklyHours: 37.5,
      otjRegime: "STANDARD_MINIMUM",
      plannedOtjHours: 300,
    },
    select: { id: true },
  });
  return { apprentice, apprenticeshipId: a.id, employer };
}

/** Takes apprenticeships out of later sweeps in the same file. */
export async function withdrawAll(): Promise<void> {
  await testPrisma().apprenticeship.updateMany({ data: { status: "WITHDRAWN" } });
}
