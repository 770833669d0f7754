/**
 * Apprenticeships through real Postgres: enrolment (one record for life, planned OTJ from the
 * rules engine with its explanation stored, every validation message), the training plan's three
 * signatures (audited, wrong signer refused with 404, locked once agreed), learning logged before
 * the plan was agreed, tenancy of the lists and the detail page (404 outside), the seed, and the
 * pages themselves over HTTP against the production build.
 */
import { describe, expect, it } from "vitest";
import { testPrisma } from "../setup/db.ts";
import { createOrganisation, createUser, DEFAULT_PASSWORD } from "../support/factories.ts";
import { actorFor } from "../support/progress-fixtures.ts";
import {
  enrolmentForm,
  enrolmentInput,
  enrolmentWorld,
  invitationSecretOf,
  type EnrolmentForm,
  type EnrolmentWorld,
} from "../support/enrolment-fixtures.ts";
import { useTestServer, visibleText } from "../support/http.ts";
import { plannedOtjHours } from "../../app/domain/otj.ts";
import { hashToken } from "../../app/auth/tokens.ts";
import {
  acceptInvitationAndEnrolment,
  enrolApprentice,
  listPendingEnrolments,
} from "../../app/models/enrolment-invitations.server.ts";
import {
  changePlanDetails,
  countLearningBeforePlanSigned,
  getApprenticeship,
  listCaseload,
  listEmployerApprentices,
  signTrainingPlan,
  trainingPlanSignedAt,
} from "../../app/models/apprenticeships.server.ts";
import { checkEnrolment } from "../../app/models/apprenticeship-enrolment.server.ts";
import { EnrolmentSchema } from "../../app/models/apprenticeship-fields.ts";
import { seed } from "../../prisma/seed.ts";

const prisma = testPrisma();

type World = EnrolmentWorld;
const world = enrolmentWorld;
const input = enrolmentInput;

/**
 * Enrols through the real flow: someone the employer does not hold yet is invited, and accepts
 * with a new account (the names given), which starts the apprenticeship.
 */
async function enrolled(w: World, overrides: Partial<EnrolmentForm> = {}) {
  const result = await enrolApprentice(await actorFor(w.admin.id), w.employer.id, input(w, overrides));
  if (!result.ok) throw new Error(`enrolment failed: ${JSON.stringify(result.errors)}`);
  if (result.kind === "enrolled") return result;
  const form = enrolmentForm(w, overrides);
  const accepted = await acceptInvitationAndEnrolment(await invitationSecretOf(result.pendingEnrolmentId), {
    firstName: form.firstName,
    lastName: form.lastName,
    password: DEFAULT_PASSWORD,
  });
  const row = await prisma.apprenticeship.findFirstOrThrow({
    where: { apprenticeId: accepted.userId, employerId: w.employer.id },
    orderBy: { createdAt: "desc" },
    select: { id: true },
  });
  return { apprenticeshipId: row.id, apprenticeId: accepted.userId };
}

async function errorsFor(w: World, overrides: Partial<EnrolmentForm>) {
  const result = await checkEnrolment(await actorFor(w.admin.id), w.employer.id, input(w, overrides));
  if (result.ok) throw new Error("expected validation errors");
  return result.errors;
}

async function expect404(promise: Promise<unknown>) {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(Response);
  expect((error as Response).status).toBe(404);
}

describe("enrolling an apprentice", () => {
  it("computes planned OTJ with the rules engine and stores the figure and its explanation on the plan", async () => {
    const w = await world();
    const { apprenticeshipId } = await enrolled(w, { priorLearningHours: "20", pathwayId: w.pathway.id });
    const row = await prisma.apprenticeship.findUniqueOrThrow({
      where: { id: apprenticeshipId },
      include: { trainingPlan: true },
    });
    expect(row.otjRegime).toBe("STANDARD_MINIMUM");
    expect(row.plannedOtjHours).toBe(258); // 278 minimum − 20 hours prior learning
    expect(row.priorLearningHours).toBe(20);
    expect(row.tutorId).toBe(w.tutor.id);
    expect(row.providerId).toBe(w.provider.id);
    const content = row.trainingPlan!.content as {
      otj: { hours: number; explanation: string };
      ksbs: { code: string }[];
    };
    expect(content.otj.hours).toBe(258);
    expect(content.otj.explanation).toBe(
      `Standard ${w.standard.reference} minimum 278 hours − 20 hours prior learning = 258 hours`,
    );
    expect(content.ksbs.map((k) => k.code)).toEqual(["K1", "K2", "S1", "B1"]);
    const enrolment = await prisma.enrolment.findFirstOrThrow({
      where: { userId: row.apprenticeId, pathwayId: w.pathway.id },
    });
    expect(enrolment.organisationId).toBe(w.employer.id);
    const logged = await prisma.auditLog.findFirstOrThrow({
      where: { action: "apprenticeship.enrol", subjectId: apprenticeshipId },
    });
    expect(logged.actorId).toBe(w.admin.id);
    expect(logged.metadata).toMatchObject({
      plannedOtjHours: 258,
      regime: "STANDARD_MINIMUM",
      matchedBy: "invitation",
      acceptedBy: row.apprenticeId,
    });
  });

  it("uses the 6-hours-a-week regime for a 2024 start, exactly as otj.ts computes it", async () => {
    const w = await world();
    const { apprenticeshipId } = await enrolled(w, {
      startDate: "2024-09-02",
      plannedEndDate: "2025-09-30",
      contractedWeeklyHours: "25",
    });
    const row = await prisma.apprenticeship.findUniqueOrThrow({
      where: { id: apprenticeshipId },
      include: { trainingPlan: true },
    });
    const expected = plannedOtjHours({
      startDate: "2024-09-02",
      plannedEndDate: "2025-09-30",
      contractedWeeklyHours: 25,
      standard: { reference: w.standard.reference, otjMinimumHours: 278 },
    });
    expect(row.otjRegime).toBe("HOURS_6_PER_WEEK");
    expect(row.plannedOtjHours).toBe(expected.hours);
    expect((row.trainingPlan!.content as { otj: { explanation: string } }).otj.explanation).toBe(expected.explanation);
    expect(expected.explanation).toMatch(/pro rata for 25 contracted hours/);
  });

  it("enrols someone already in the organisation at once, found by email or by UPN with both names in full", async () => {
    const w = await world();
    const colleague = await createUser({
      firstName: "Zoe",
      lastName: "Hughes",
      roles: [{ org: w.employer, role: "WORKPLACE_SUPERVISOR" }],
    });
    await prisma.user.update({ where: { id: colleague.id }, data: { upn: "B123456789012" } });
    const admin = await actorFor(w.admin.id);
    const byEmail = await checkEnrolment(
      admin,
      w.employer.id,
      input(w, { email: colleague.email!.toUpperCase(), firstName: "", lastName: "" }),
    );
    expect(byEmail.ok && byEmail.preview.person).toMatchObject({
      kind: "held",
      userId: colleague.id,
      name: "Zoe Hughes",
      matchedBy: "email",
    });
    // A UPN proposes a match only when both names agree in full; otherwise the email is invited.
    const surnameOnly = await checkEnrolment(
      admin,
      w.employer.id,
      input(w, { upn: "b123456789012", firstName: "Zara", lastName: "Hughes" }),
    );
    expect(surnameOnly.ok && surnameOnly.preview.person.kind).toBe("invite");
    const before = await prisma.user.count();
    const result = await enrolApprentice(
      admin,
      w.employer.id,
      input(w, { upn: "b123456789012", firstName: "zoe", lastName: "HUGHES" }),
    );
    expect(result).toMatchObject({ ok: true, kind: "enrolled", apprenticeId: colleague.id });
    expect(await prisma.user.count()).toBe(before);
    const roles = await prisma.membership.findMany({ where: { userId: colleague.id }, select: { role: true } });
    expect(roles.map((r) => r.role).sort()).toEqual(["APPRENTICE", "WORKPLACE_SUPERVISOR"]);
    expect(
      (await prisma.user.findUniqueOrThrow({ where: { id: colleague.id } })).dateOfBirth?.toISOString().slice(0, 10),
    ).toBe("2004-05-01");
  });

  it("never writes the date of birth of a person another organisation also holds; the plan keeps the date it was worked out from", async () => {
    const w = await world();
    const school = await createOrganisation({ kind: "SCHOOL" });
    const shared = await createUser({
      firstName: "Ravi",
      lastName: "Shah",
      roles: [
        { org: w.employer, role: "WORKPLACE_SUPERVISOR" },
        { org: school, role: "TEACHER" },
      ],
    });
    const result = await enrolled(w, { email: shared.email!, dateOfBirth: "2001-07-08" });
    expect(result.apprenticeId).toBe(shared.id);
    expect((await prisma.user.findUniqueOrThrow({ where: { id: shared.id } })).dateOfBirth).toBeNull();
    const plan = await prisma.trainingPlan.findFirstOrThrow({ where: { apprenticeshipId: result.apprenticeshipId } });
    expect((plan.content as { parties: { apprentice: { dateOfBirth: string } } }).parties.apprentice.dateOfBirth).toBe(
      "2001-07-08",
    );

    // Accepting an invitation is the same rule: a teacher of another school keeps an empty date of birth.
    const teacher = await createUser({
      firstName: "Tess",
      lastName: "Okoro",
      roles: [{ org: school, role: "TEACHER" }],
    });
    const invited = await enrolApprentice(
      await actorFor(w.admin.id),
      w.employer.id,
      input(w, { email: teacher.email!, firstName: "Tess", lastName: "Okoro", dateOfBirth: "1999-01-02" }),
    );
    if (!invited.ok || invited.kind !== "invited") throw new Error("expected an invitation");
    await acceptInvitationAndEnrolment(await invitationSecretOf(invited.pendingEnrolmentId), {
      signedInUserId: teacher.id,
    });
    expect(await prisma.apprenticeship.count({ where: { apprenticeId: teacher.id, employerId: w.employer.id } })).toBe(
      1,
    );
    expect((await prisma.user.findUniqueOrThrow({ where: { id: teacher.id } })).dateOfBirth).toBeNull();
  });

  it("follows a merged record to its survivor in the organisation", async () => {
    const w = await world();
    const survivor = await createUser({ roles: [{ org: w.employer, role: "WORKPLACE_SUPERVISOR" }] });
    const merged = await createUser({ email: `merged.${Date.now()}@example.org` });
    await prisma.user.update({ where: { id: merged.id }, data: { mergedIntoId: survivor.id, disabledAt: new Date() } });
    const result = await enrolled(w, { email: merged.email! });
    expect(result.apprenticeId).toBe(survivor.id);
  });

  it("invites a new person: nothing is created until they accept, then the apprenticeship starts", async () => {
    const w = await world();
    const email = `brand.new.${Date.now()}@example.org`;
    const result = await enrolApprentice(
      await actorFor(w.admin.id),
      w.employer.id,
      input(w, { email, firstName: "Nia", lastName: "Okafor" }),
    );
    if (!result.ok || result.kind !== "invited") throw new Error("expected an invitation");
    expect(result.email).toBe(email);
    expect(await prisma.user.findUnique({ where: { email } })).toBeNull();
    expect(await prisma.apprenticeship.count({ where: { employerId: w.employer.id } })).toBe(0);
    expect(await listPendingEnrolments(await actorFor(w.admin.id))).toEqual([
      expect.objectContaining({
        name: "Nia Okafor",
        email,
        state: "waiting",
        stateLabel: "Invited – waiting to accept",
        startDate: "2025-09-01",
      }),
    ]);
    expect(await listPendingEnrolments(await actorFor(w.supervisor.id))).toEqual([]);
    const token = await prisma.authToken.findFirstOrThrow({ where: { email, kind: "INVITATION" } });
    expect(token).toMatchObject({ role: "APPRENTICE", organisationId: w.employer.id, createdById: w.admin.id });
    const secret = await invitationSecretOf(result.pendingEnrolmentId);
    expect(hashToken(secret)).toEqual(token.tokenHash);
    const accepted = await acceptInvitationAndEnrolment(secret, {
      firstName: "Nia",
      lastName: "Okafor",
      password: "lantern-harbour-velvet-19",
    });
    expect(accepted.roles).toContain("APPRENTICE");
    const user = await prisma.user.findUniqueOrThrow({ where: { email } });
    expect(user.id).toBe(accepted.userId);
    expect(user.passwordHash).not.toBeNull();
    expect(user.dateOfBirth?.toISOString().slice(0, 10)).toBe("2004-05-01");
    const row = await prisma.apprenticeship.findFirstOrThrow({
      where: { apprenticeId: user.id },
      include: { trainingPlan: true },
    });
    expect(row).toMatchObject({ employerId: w.employer.id, plannedOtjHours: 278 });
    expect((row.trainingPlan!.content as { parties: { apprentice: { name: string } } }).parties.apprentice.name).toBe(
      "Nia Okafor",
    );
    expect(await listPendingEnrolments(await actorFor(w.admin.id))).toEqual([]);
  });

  it("explains every invalid answer in words", async () => {
    const w = await world();
    const otherEmployer = await createOrganisation({ kind: "EMPLOYER" });
    const strangerSupervisor = await createUser({ roles: [{ org: otherEmployer, role: "WORKPLACE_SUPERVISOR" }] });
    const noMinimum = await prisma.standard.create({
      data: { reference: `ST8${Date.now() % 100000}`, title: "Unpublished", level: 3 },
      select: { id: true },
    });

    expect((await errorsFor(w, { plannedEndDate: "2025-08-01" })).plannedEndDate).toBe(
      "The planned end date must be after the start date.",
    );
    expect((await errorsFor(w, { plannedEndDate: "2026-03-31" })).plannedEndDate).toMatch(
      /shorter than the 8-month minimum: it must run until at least 30 April 2026/,
    );
    expect((await errorsFor(w, { startDate: "2024-09-02", plannedEndDate: "2025-06-30" })).plannedEndDate).toMatch(
      /at least 12 months/,
    );
    expect((await errorsFor(w, { dateOfBirth: "2008-03-01", englishMaths: "not-required" })).englishMaths).toBe(
      "English and maths are required for apprentices aged 16 to 18 at the start; they would be 17.",
    );
    expect((await errorsFor(w, { dateOfBirth: "2011-01-01" })).dateOfBirth).toMatch(/at least 16 when they start/);
    expect((await errorsFor(w, { tutorId: w.supervisor.id })).tutorId).toBe(
      "Choose a tutor from the training provider's list.",
    );
    expect((await errorsFor(w, { supervisorId: strangerSupervisor.id })).supervisorId).toBe(
      "Choose a workplace supervisor from your organisation's list.",
    );
    expect((await errorsFor(w, { standardId: noMinimum.id })).standardId).toMatch(/no published minimum OTJ hours/);
    expect((await errorsFor(w, { firstName: "", lastName: "" })).firstName).toBe("Enter their first name.");

    const parsed = EnrolmentSchema.safeParse({
      ...input(w),
      contractedWeeklyHours: "60",
      startDate: "2025-02-30",
      email: "not-an-email",
    });
    expect(parsed.success).toBe(false);
    const messages = Object.fromEntries(parsed.error!.issues.map((i) => [String(i.path[0]), i.message]));
    expect(messages.contractedWeeklyHours).toBe("Contracted weekly hours must be between 1 and 48.");
    expect(messages.startDate).toBe("Enter the start date as a real date, for example 2026-09-01.");
    expect(messages.email).toMatch(/right format/);
    // Dates far outside any programme are a typing mistake, told in words (they used to fail with a RangeError).
    const farOff = EnrolmentSchema.safeParse({ ...input(w), plannedEndDate: "9999-12-31", dateOfBirth: "1066-10-14" });
    const farOffMessages = Object.fromEntries(farOff.error!.issues.map((i) => [String(i.path[0]), i.message]));
    expect(farOffMessages.plannedEndDate).toBe(
      "Enter the planned end date between 1 January 2015 and 31 December 2099.",
    );
    expect(farOffMessages.dateOfBirth).toBe("Enter their date of birth between 1 January 1900 and 31 December 2099.");

    // An employer still waiting for approval cannot enrol.
    const pending = await createOrganisation({ kind: "EMPLOYER", status: "PENDING" });
    const pendingAdmin = await createUser({ roles: [{ org: pending, role: "EMPLOYER_ADMIN" }] });
    const refused = await checkEnrolment(await actorFor(pendingAdmin.id), pending.id, input(w));
    expect(refused.ok).toBe(false);
    expect(!refused.ok && refused.errors.form).toMatch(/waiting for approval/);
    // Someone who cannot enrol for that employer gets 404.
    await expect404(checkEnrolment(await actorFor(w.supervisor.id), w.employer.id, input(w)));
    await expect404(checkEnrolment(await actorFor(pendingAdmin.id), w.employer.id, input(w)));
    expect(await prisma.apprenticeship.count({ where: { employerId: w.employer.id } })).toBe(0);
  });
});

describe("the training plan", () => {
  it("is signed by all three parties, each audited, and then locked", async () => {
    const w = await world();
    const { apprenticeshipId, apprenticeId } = await enrolled(w);
    expect(await trainingPlanSignedAt(apprenticeshipId)).toBeNull();

    const apprentice = await actorFor(apprenticeId);
    const supervisor = await actorFor(w.supervisor.id);
    const tutor = await actorFor(w.tutor.id);
    expect((await getApprenticeship(apprentice, apprenticeshipId)).mySignatureParties).toEqual(["apprentice"]);
    expect((await getApprenticeship(supervisor, apprenticeshipId)).mySignatureParties).toEqual(["employer"]);

    expect(await signTrainingPlan(apprentice, apprenticeshipId, "apprentice")).toEqual({
      alreadySigned: false,
      fullySigned: false,
    });
    expect(await signTrainingPlan(supervisor, apprenticeshipId, "employer")).toEqual({
      alreadySigned: false,
      fullySigned: false,
    });
    expect(await signTrainingPlan(tutor, apprenticeshipId, "tutor")).toEqual({
      alreadySigned: false,
      fullySigned: true,
    });
    expect((await signTrainingPlan(tutor, apprenticeshipId, "tutor")).alreadySigned).toBe(true);

    const plan = await prisma.trainingPlan.findUniqueOrThrow({ where: { apprenticeshipId } });
    expect(plan).toMatchObject({
      apprenticeSignedById: apprenticeId,
      employerSignedById: w.supervisor.id,
      tutorSignedById: w.tutor.id,
    });
    expect((await trainingPlanSignedAt(apprenticeshipId))?.getTime()).toBe(plan.tutorSignedAt!.getTime());
    const audits = await prisma.auditLog.findMany({
      where: { action: "training-plan.sign", subjectId: apprenticeshipId },
      orderBy: { createdAt: "asc" },
    });
    expect(audits.map((a) => [a.actorId, (a.metadata as { party: string }).party])).toEqual([
      [apprenticeId, "apprentice"],
      [w.supervisor.id, "employer"],
      [w.tutor.id, "tutor"],
    ]);

    const view = await getApprenticeship(await actorFor(w.admin.id), apprenticeshipId);
    expect(view.plan?.fullySigned).toBe(true);
    expect(view.plan?.signatures.map((s) => s.signedBy)).toEqual([
      `${"Ava"} ${"Newton"}`,
      `${w.supervisor.firstName} ${w.supervisor.lastName}`,
      `${w.tutor.firstName} ${w.tutor.lastName}`,
    ]);
    const change = await changePlanDetails(await actorFor(w.admin.id), apprenticeshipId, {
      plannedEndDate: "2027-01-31",
      contractedWeeklyHours: 30,
      priorLearningHours: 0,
    });
    expect(change).toEqual({
      ok: false,
      errors: { form: expect.stringMatching(/signed by all three parties, so its dates and hours are locked/) },
    });
    expect(
      (await prisma.apprenticeship.findUniqueOrThrow({ where: { id: apprenticeshipId } })).plannedEndDate
        .toISOString()
        .slice(0, 10),
    ).toBe("2026-11-30");
  });

  it("refuses a signature from the wrong person with 404", async () => {
    const w = await world();
    const { apprenticeshipId, apprenticeId } = await enrolled(w);
    const otherEmployer = await createOrganisation({ kind: "EMPLOYER" });
    const otherAdmin = await createUser({ roles: [{ org: otherEmployer, role: "EMPLOYER_ADMIN" }] });
    const otherTutor = await createUser({ roles: [{ org: w.provider, role: "TUTOR" }] });
    const otherSupervisor = await createUser({ roles: [{ org: w.employer, role: "WORKPLACE_SUPERVISOR" }] });
    const partnershipAdmin = await createUser({ roles: [{ org: w.provider, role: "PARTNERSHIP_ADMIN" }] });

    await expect404(signTrainingPlan(await actorFor(apprenticeId), apprenticeshipId, "tutor"));
    await expect404(signTrainingPlan(await actorFor(apprenticeId), apprenticeshipId, "employer"));
    await expect404(signTrainingPlan(await actorFor(otherAdmin.id), apprenticeshipId, "employer"));
    await expect404(signTrainingPlan(await actorFor(otherTutor.id), apprenticeshipId, "tutor"));
    await expect404(signTrainingPlan(await actorFor(otherSupervisor.id), apprenticeshipId, "employer"));
    // The partnership admin may read the plan but is not a party to it.
    expect((await getApprenticeship(await actorFor(partnershipAdmin.id), apprenticeshipId)).mySignatureParties).toEqual(
      [],
    );
    await expect404(signTrainingPlan(await actorFor(partnershipAdmin.id), apprenticeshipId, "tutor"));
    const plan = await prisma.trainingPlan.findUniqueOrThrow({ where: { apprenticeshipId } });
    expect([plan.apprenticeSignedAt, plan.employerSignedAt, plan.tutorSignedAt]).toEqual([null, null, null]);
    expect(await prisma.auditLog.count({ where: { action: "training-plan.sign", subjectId: apprenticeshipId } })).toBe(
      0,
    );
  });

  it("changing dates before agreement recomputes OTJ and clears signatures already given", async () => {
    const w = await world();
    const { apprenticeshipId, apprenticeId } = await enrolled(w, {
      startDate: "2024-09-02",
      plannedEndDate: "2025-09-30",
      contractedWeeklyHours: "30",
    });
    await signTrainingPlan(await actorFor(apprenticeId), apprenticeshipId, "apprentice");
    const before = (await prisma.apprenticeship.findUniqueOrThrow({ where: { id: apprenticeshipId } })).plannedOtjHours;
    expect(
      await changePlanDetails(await actorFor(w.admin.id), apprenticeshipId, {
        plannedEndDate: "2026-03-31",
        contractedWeeklyHours: 30,
        priorLearningHours: 0,
      }),
    ).toEqual({ ok: true });
    const after = await prisma.apprenticeship.findUniqueOrThrow({
      where: { id: apprenticeshipId },
      include: { trainingPlan: true },
    });
    expect(after.plannedOtjHours).toBeGreaterThan(before);
    expect(after.trainingPlan!.apprenticeSignedAt).toBeNull();
    // Only the employer admin may change it.
    await expect404(
      changePlanDetails(await actorFor(w.supervisor.id), apprenticeshipId, {
        plannedEndDate: "2026-03-31",
        contractedWeeklyHours: 30,
        priorLearningHours: 0,
      }),
    );
  });

  it("flags learning logged before all three signatures", async () => {
    const w = await world();
    const { apprenticeshipId, apprenticeId } = await enrolled(w);
    await prisma.progressEntry.create({
      data: {
        learnerId: apprenticeId,
        apprenticeshipId,
        kind: "OTJ_ACTIVITY",
        occurredOn: new Date("2025-09-05T00:00:00Z"),
        minutes: 60,
        createdById: apprenticeId,
      },
    });
    expect(await countLearningBeforePlanSigned(apprenticeshipId)).toBe(1);
    for (const [id, party] of [
      [apprenticeId, "apprentice"],
      [w.admin.id, "employer"],
      [w.tutor.id, "tutor"],
    ] as const)
      await signTrainingPlan(await actorFor(id), apprenticeshipId, party);
    // Still flagged: it was logged before the plan was agreed.
    expect((await getApprenticeship(await actorFor(w.admin.id), apprenticeshipId)).learningBeforeSignature).toBe(1);
    const later = new Date(Date.now() + 60_000);
    await prisma.progressEntry.create({
      data: {
        learnerId: apprenticeId,
        apprenticeshipId,
        kind: "OTJ_ACTIVITY",
        occurredOn: new Date(`${later.toISOString().slice(0, 10)}T00:00:00Z`),
        minutes: 60,
        createdById: apprenticeId,
        createdAt: later,
      },
    });
    expect(await countLearningBeforePlanSigned(apprenticeshipId)).toBe(1);
  });
});

describe("who sees which apprentices", () => {
  it("keeps employers, supervisors and tutors to their own apprentices (404 outside)", async () => {
    const a = await world();
    const b = await world();
    const secondSupervisor = await createUser({ roles: [{ org: a.employer, role: "WORKPLACE_SUPERVISOR" }] });
    const secondTutor = await createUser({ roles: [{ org: a.provider, role: "TUTOR" }] });
    const first = await enrolled(a, { firstName: "First", lastName: "Apprentice" });
    const second = await enrolled(a, {
      firstName: "Second",
      lastName: "Apprentice",
      supervisorId: secondSupervisor.id,
      tutorId: secondTutor.id,
    });
    const other = await enrolled(b, { firstName: "Other", lastName: "Employer" });

    const names = (rows: { apprenticeName: string }[]) => rows.map((r) => r.apprenticeName).sort();
    expect(names(await listEmployerApprentices(await actorFor(a.admin.id)))).toEqual([
      "First Apprentice",
      "Second Apprentice",
    ]);
    expect(names(await listEmployerApprentices(await actorFor(b.admin.id)))).toEqual(["Other Employer"]);
    expect(names(await listEmployerApprentices(await actorFor(a.supervisor.id)))).toEqual(["First Apprentice"]);
    expect(names(await listEmployerApprentices(await actorFor(secondSupervisor.id)))).toEqual(["Second Apprentice"]);
    expect(names(await listCaseload(await actorFor(a.tutor.id)))).toEqual(["First Apprentice"]);
    expect(names(await listCaseload(await actorFor(secondTutor.id)))).toEqual(["Second Apprentice"]);

    await expect404(getApprenticeship(await actorFor(b.admin.id), first.apprenticeshipId));
    await expect404(getApprenticeship(await actorFor(a.admin.id), other.apprenticeshipId));
    await expect404(getApprenticeship(await actorFor(a.supervisor.id), second.apprenticeshipId));
    await expect404(getApprenticeship(await actorFor(a.tutor.id), second.apprenticeshipId));
    await expect404(getApprenticeship(await actorFor(first.apprenticeId), second.apprenticeshipId));
    await expect404(getApprenticeship(await actorFor(a.admin.id), "not-a-uuid"));
    await expect404(listCaseload(await actorFor(a.admin.id)));
    await expect404(listEmployerApprentices(await actorFor(a.tutor.id)));
    expect((await getApprenticeship(await actorFor(first.apprenticeId), first.apprenticeshipId)).apprenticeName).toBe(
      "First Apprentice",
    );
  });
});

describe("the demo seed", () => {
  it("gives the demo apprentice an ST0120 apprenticeship from 1 September 2025 with a plan waiting for the employer, once", async () => {
    await seed(prisma);
    await seed(prisma);
    const apprentice = await prisma.user.findUniqueOrThrow({ where: { email: "apprentice@trentside.example" } });
    const rows = await prisma.apprenticeship.findMany({
      where: { apprenticeId: apprentice.id },
      include: { standard: true, tutor: true, supervisor: true, trainingPlan: true },
    });
    expect(rows).toHaveLength(1);
    const [row] = rows;
    expect(row.standard.reference).toBe("ST0120");
    expect(row.startDate.toISOString().slice(0, 10)).toBe("2025-09-01");
    expect(row.tutor?.email).toBe("tutor@partnership.example");
    expect(row.supervisor?.email).toBe("supervisor@trentside.example");
    expect(row.otjRegime).toBe("STANDARD_MINIMUM");
    expect(row.plannedOtjHours).toBe(row.standard.otjMinimumHours);
    expect(row.trainingPlan?.apprenticeSignedAt).not.toBeNull();
    expect(row.trainingPlan?.tutorSignedAt).not.toBeNull();
    expect(row.trainingPlan?.employerSignedAt).toBeNull();
  });
});

describe("the pages, over HTTP", () => {
  const server = useTestServer();

  it("previews the computed OTJ before saving, then enrols; strangers get 404; each party signs in place", async () => {
    const w = await world();
    const other = await world();
    const admin = server.client();
    await admin.signIn(w.admin.email!, w.admin.password);
    const form = enrolmentForm(w, {
      email: `http.apprentice.${Date.now()}@example.org`,
      firstName: "Hana",
      lastName: "Price",
      dateOfBirth: "2003-02-02",
    });
    const page = await admin.get("/employer/apprentices/new");
    expect(page.status).toBe(200);
    expect(page.text).toContain(`${w.standard.reference} Digital support technician`);

    const bad = await admin.post("/employer/apprentices/new", {
      ...form,
      intent: "preview",
      plannedEndDate: "2025-08-01",
    });
    expect(bad.status).toBe(400);
    expect(bad.text).toContain("The planned end date must be after the start date.");

    const preview = await admin.post("/employer/apprentices/new", { ...form, intent: "preview" });
    expect(preview.status).toBe(200);
    expect(preview.text).toContain("Planned off-the-job training: <!-- -->278<!-- --> hours");
    expect(preview.text).toContain(`Standard ${w.standard.reference} minimum 278 hours (no prior learning recorded)`);
    expect(await prisma.apprenticeship.count({ where: { employerId: w.employer.id } })).toBe(0);

    // A far-off date is a field message, not a 500.
    const farOff = await admin.post("/employer/apprentices/new", {
      ...form,
      intent: "preview",
      plannedEndDate: "9999-12-31",
    });
    expect(farOff.status).toBe(400);
    expect(farOff.text).toContain("Enter the planned end date between 1 January 2015 and 31 December 2099.");

    const confirm = await admin.post("/employer/apprentices/new", { ...form, intent: "confirm" });
    expect(confirm.status).toBe(302);
    const pendingId = confirm.location!.match(/^\/employer\/apprentices\?invited=([0-9a-f-]{36})$/)![1];
    const list = await admin.get(confirm.location!);
    expect(visibleText(list.text)).toContain(
      `Invitation sent to ${form.email}. The apprenticeship starts when they accept it.`,
    );
    expect(list.text).toContain("Hana Price");
    expect(list.text).toContain("Invited – waiting to accept");

    // Hana accepts from the email with a new account; the apprenticeship starts.
    const invitee = server.client();
    const invitationPath = `/invite/${await invitationSecretOf(pendingId)}`;
    const invitationPage = visibleText((await invitee.get(invitationPath)).text);
    expect(invitationPage).toContain(`gave your date of birth as 2 February 2003`);
    expect(
      (await invitee.post(invitationPath, { firstName: "Hana", lastName: "Price", password: DEFAULT_PASSWORD })).status,
    ).toBe(302);
    const id = (
      await prisma.apprenticeship.findFirstOrThrow({ where: { employerId: w.employer.id }, select: { id: true } })
    ).id;
    expect((await admin.get("/employer/apprentices")).text).not.toContain("Invited – waiting to accept");

    const farOffChange = await admin.post(`/apprenticeships/${id}`, {
      intent: "change-plan",
      plannedEndDate: "9999-12-31",
      contractedWeeklyHours: "37.5",
      priorLearningHours: "0",
    });
    expect(farOffChange.status).toBe(400);
    expect(farOffChange.text).toContain("Enter the planned end date between 1 January 2015 and 31 December 2099.");

    const stranger = server.client();
    await stranger.signIn(other.admin.email!, other.admin.password);
    expect((await stranger.get(`/apprenticeships/${id}`)).status).toBe(404);
    expect(
      (await stranger.post(`/apprenticeships/${id}`, { intent: "sign", party: "employer", agree: "yes" })).status,
    ).toBe(404);
    expect((await stranger.get("/employer/apprentices")).text).not.toContain("Hana Price");

    const tutor = server.client();
    await tutor.signIn(w.tutor.email!, w.tutor.password);
    expect((await tutor.get("/tutor/apprentices")).text).toContain("Hana Price");
    expect(
      (await tutor.post(`/apprenticeships/${id}`, { intent: "sign", party: "employer", agree: "yes" })).status,
    ).toBe(404);
    const unticked = await tutor.post(`/apprenticeships/${id}`, { intent: "sign", party: "tutor" });
    expect(unticked.status).toBe(400);
    expect(unticked.text).toContain("Tick the box to confirm you agree to this training plan.");
    const signed = await tutor.post(`/apprenticeships/${id}`, { intent: "sign", party: "tutor", agree: "yes" });
    expect(signed.status).toBe(200);
    expect(signed.text).toContain("Your signature has been recorded.");
    expect((await prisma.trainingPlan.findUniqueOrThrow({ where: { apprenticeshipId: id } })).tutorSignedById).toBe(
      w.tutor.id,
    );
  }, 60_000);
});
