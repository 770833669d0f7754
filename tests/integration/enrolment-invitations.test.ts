/**
 * An employer enrolling a person another organisation holds gains nothing: a second employer
 * types another school's teacher's email, a partnership admin's email, an unknown email, and a
 * pupil's UPN with the pupil's full name. The preview, the result and the list read the same for
 * all four (apart from the typed values), nothing is written to anyone's record, and only the
 * real person, signed in as themselves, can start the apprenticeship by accepting.
 */
import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { testPrisma } from "../setup/db.ts";
import { createOrganisation, createUser, DEFAULT_PASSWORD, type TestUser } from "../support/factories.ts";
import { actorFor } from "../support/progress-fixtures.ts";
import {
  enrolmentForm,
  enrolmentInput,
  enrolmentWorld,
  invitationSecretOf,
  type EnrolmentWorld,
} from "../support/enrolment-fixtures.ts";
import { comparablePage, useTestServer } from "../support/http.ts";
import { AccountError } from "../../app/auth/account.server.ts";
import {
  acceptInvitationAndEnrolment,
  cancelPendingEnrolment,
  enrolApprentice,
  EnrolmentNotAccepted,
  listPendingEnrolments,
} from "../../app/models/enrolment-invitations.server.ts";

const prisma = testPrisma();

type Victims = { teacher: TestUser; partnershipAdmin: TestUser; pupil: TestUser; pupilUpn: string };

async function victims(): Promise<Victims> {
  const school = await createOrganisation({ kind: "SCHOOL" });
  const partnership = await createOrganisation({ kind: "PROVIDER" });
  const teacher = await createUser({ firstName: "Tess", lastName: "Okoro", roles: [{ org: school, role: "TEACHER" }] });
  await prisma.user.update({ where: { id: teacher.id }, data: { dateOfBirth: new Date("1990-03-04T00:00:00Z") } });
  const partnershipAdmin = await createUser({
    firstName: "Paul",
    lastName: "Grant",
    roles: [{ org: partnership, role: "PARTNERSHIP_ADMIN" }],
  });
  const pupil = await createUser({ firstName: "Mia", lastName: "Rahman", roles: [{ org: school, role: "PUPIL" }] });
  const pupilUpn = `C${Date.now().toString().slice(-11)}A`;
  await prisma.user.update({ where: { id: pupil.id }, data: { upn: pupilUpn } });
  return { teacher, partnershipAdmin, pupil, pupilUpn };
}

/** Everything about these people that an enrolment could change. */
async function snapshot(userIds: string[]) {
  return prisma.user.findMany({
    where: { id: { in: userIds } },
    orderBy: { id: "asc" },
    include: {
      memberships: { orderBy: { organisationId: "asc" }, select: { organisationId: true, role: true } },
      apprenticeships: { select: { id: true } },
      sessions: { select: { id: true } },
    },
  });
}

const unknownEmail = () => `nobody.${randomBytes(4).toString("hex")}@example.org`;
const unknownUpn = () => `D${String(Math.floor(Math.random() * 1e11)).padStart(11, "0")}B`;

describe("a second employer enrolling another organisation's people", () => {
  const server = useTestServer();

  it("answers the same preview, result and list whether or not the email or UPN is known, and changes nobody", async () => {
    const v = await victims();
    const attacker = await enrolmentWorld();
    const admin = server.client();
    await admin.signIn(attacker.admin.email!, attacker.admin.password);
    const before = await snapshot([v.teacher.id, v.partnershipAdmin.id, v.pupil.id]);

    // The same typed names and date of birth each time (the pupil's full name, a wrong date of
    // birth for the teacher); only the email and UPN differ.
    const cases = [
      { label: "another school's teacher", email: v.teacher.email!, upn: unknownUpn() },
      { label: "a partnership admin", email: v.partnershipAdmin.email!, upn: unknownUpn() },
      { label: "an unknown email", email: unknownEmail(), upn: unknownUpn() },
      { label: "a pupil's UPN", email: unknownEmail(), upn: v.pupilUpn },
    ];
    const answers: { preview: string; list: string }[] = [];
    for (const c of cases) {
      const form = enrolmentForm(attacker, {
        email: c.email,
        upn: c.upn,
        firstName: "Mia",
        lastName: "Rahman",
        dateOfBirth: "2000-01-01",
      });
      const preview = await admin.post("/employer/apprentices/new", { ...form, intent: "preview" });
      expect(preview.status, c.label).toBe(200);
      expect(preview.text).toContain("we will email them an invitation; the apprenticeship starts when they accept it");
      const confirm = await admin.post("/employer/apprentices/new", { ...form, intent: "confirm" });
      expect(confirm.status, c.label).toBe(302);
      const pendingId = confirm.location!.match(/^\/employer\/apprentices\?invited=([0-9a-f-]{36})$/)![1];
      const list = await admin.get(confirm.location!);
      expect(list.status).toBe(200);
      expect(list.text).toContain(`Invitation sent to <!-- -->${c.email}`);
      expect(list.text).toContain("Invited – waiting to accept");
      answers.push({
        preview: comparablePage(preview.text, c.email, c.upn),
        list: comparablePage(list.text, c.email, pendingId),
      });
      await admin.post("/employer/apprentices", { intent: "cancel", pendingEnrolmentId: pendingId });
    }
    for (const [i, answer] of answers.entries()) {
      expect(answer.preview, cases[i].label).toBe(answers[2].preview);
      expect(answer.list, cases[i].label).toBe(answers[2].list);
    }
    const [preview, list] = [answers[0].preview, answers[0].list];
    for (const leak of [
      "Tess",
      "Okoro",
      "Paul",
      "Grant",
      "matched",
      "existing record",
      "does not match",
      "disabled",
      "already has an apprenticeship",
    ]) {
      expect(preview).not.toContain(leak);
      expect(list).not.toContain(leak);
    }
    expect(await snapshot([v.teacher.id, v.partnershipAdmin.id, v.pupil.id])).toEqual(before);
    expect(await prisma.membership.count({ where: { organisationId: attacker.employer.id, role: "APPRENTICE" } })).toBe(
      0,
    );
  }, 120_000);
});

describe("accepting an enrolment invitation", () => {
  async function invite(attacker: EnrolmentWorld, email: string, overrides: Parameters<typeof enrolmentInput>[1] = {}) {
    const result = await enrolApprentice(
      await actorFor(attacker.admin.id),
      attacker.employer.id,
      enrolmentInput(attacker, { email, firstName: "Sam", lastName: "Taylor", ...overrides }),
    );
    if (!result.ok || result.kind !== "invited") throw new Error(`expected an invitation: ${JSON.stringify(result)}`);
    return {
      pendingEnrolmentId: result.pendingEnrolmentId,
      secret: await invitationSecretOf(result.pendingEnrolmentId),
    };
  }

  async function refusal(promise: Promise<unknown>) {
    const error = await promise.then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(AccountError);
    return (error as AccountError).message;
  }

  it("only the person themselves can accept; a wrong date of birth is told to them, not to the employer", async () => {
    const v = await victims();
    const attacker = await enrolmentWorld();
    const before = await snapshot([v.teacher.id]);

    const wrongDate = await invite(attacker, v.teacher.email!, { dateOfBirth: "2000-01-01" });
    // Someone else holding the link cannot create an account for that address or take it over.
    expect(
      await refusal(
        acceptInvitationAndEnrolment(wrongDate.secret, {
          firstName: "Sam",
          lastName: "Taylor",
          password: DEFAULT_PASSWORD,
        }),
      ),
    ).toMatch(/sign in first/);
    expect(
      await refusal(acceptInvitationAndEnrolment(wrongDate.secret, { signedInUserId: v.partnershipAdmin.id })),
    ).toMatch(/sign in first/);
    // The teacher, signed in, is told why it cannot start; the employer only that it was not accepted.
    const told = await acceptInvitationAndEnrolment(wrongDate.secret, { signedInUserId: v.teacher.id }).then(
      () => null,
      (e: unknown) => e,
    );
    expect(told).toBeInstanceOf(EnrolmentNotAccepted);
    expect((told as Error).message).toMatch(
      /entered your date of birth as 1 January 2000, which is not the date on your record/,
    );
    const [entry] = await listPendingEnrolments(await actorFor(attacker.admin.id));
    expect(entry).toMatchObject({ name: "Sam Taylor", email: v.teacher.email, state: "not-accepted" });
    expect(JSON.stringify(entry)).not.toMatch(/Tess|Okoro|1990/);
    expect(await snapshot([v.teacher.id])).toEqual(before);
    await cancelPendingEnrolment(await actorFor(attacker.admin.id), wrongDate.pendingEnrolmentId);
    expect(await refusal(acceptInvitationAndEnrolment(wrongDate.secret, { signedInUserId: v.teacher.id }))).toMatch(
      /expired or has already been used/,
    );

    // With the right date the teacher's own acceptance starts the apprenticeship on their record.
    const rightDate = await invite(attacker, v.teacher.email!, { dateOfBirth: "1990-03-04" });
    const accepted = await acceptInvitationAndEnrolment(rightDate.secret, { signedInUserId: v.teacher.id });
    expect(accepted.userId).toBe(v.teacher.id);
    const row = await prisma.apprenticeship.findFirstOrThrow({
      where: { apprenticeId: v.teacher.id, employerId: attacker.employer.id },
      include: { trainingPlan: true },
    });
    expect((row.trainingPlan!.content as { parties: { apprentice: { name: string } } }).parties.apprentice.name).toBe(
      "Tess Okoro",
    );
    const teacher = await prisma.user.findUniqueOrThrow({ where: { id: v.teacher.id } });
    expect(teacher).toMatchObject({ firstName: "Tess", lastName: "Okoro", email: v.teacher.email });
    expect(await listPendingEnrolments(await actorFor(attacker.admin.id))).toEqual([]);
  });

  it("a partnership admin's address is only ever accepted by the partnership admin", async () => {
    const v = await victims();
    const attacker = await enrolmentWorld();
    const { secret } = await invite(attacker, v.partnershipAdmin.email!);
    expect(await refusal(acceptInvitationAndEnrolment(secret, { signedInUserId: v.teacher.id }))).toMatch(
      /sign in first/,
    );
    expect(
      await refusal(
        acceptInvitationAndEnrolment(secret, { firstName: "Sam", lastName: "Taylor", password: DEFAULT_PASSWORD }),
      ),
    ).toMatch(/sign in first/);
    expect(
      await prisma.membership.count({ where: { userId: v.partnershipAdmin.id, organisationId: attacker.employer.id } }),
    ).toBe(0);
    await acceptInvitationAndEnrolment(secret, { signedInUserId: v.partnershipAdmin.id });
    expect(
      await prisma.apprenticeship.count({
        where: { apprenticeId: v.partnershipAdmin.id, employerId: attacker.employer.id },
      }),
    ).toBe(1);
  });

  it("a pupil's UPN with their full name attaches nothing: the new account is separate, and the partnership admin is told", async () => {
    const v = await victims();
    const attacker = await enrolmentWorld();
    const before = await snapshot([v.pupil.id]);
    const email = unknownEmail();
    const { secret } = await invite(attacker, email, { upn: v.pupilUpn, firstName: "Mia", lastName: "Rahman" });
    const accepted = await acceptInvitationAndEnrolment(secret, {
      firstName: "Mia",
      lastName: "Rahman",
      password: DEFAULT_PASSWORD,
    });
    expect(accepted.userId).not.toBe(v.pupil.id);
    expect(await prisma.user.findUniqueOrThrow({ where: { id: accepted.userId } })).toMatchObject({ email, upn: null });
    expect(await snapshot([v.pupil.id])).toEqual(before);
    // Left for the partnership admin as an identity flag, like a school's class list would leave it.
    const flag = await prisma.identityFlag.findFirstOrThrow({ where: { claimantId: accepted.userId } });
    expect(flag).toMatchObject({
      organisationId: attacker.employer.id,
      kind: "UPN",
      value: v.pupilUpn,
      holderId: v.pupil.id,
    });
    expect(
      await prisma.auditLog.count({
        where: { action: "person.identifier-flagged", actorId: attacker.admin.id, subjectId: v.pupil.id },
      }),
    ).toBe(1);
  });

  it("an unfinished apprenticeship on the same standard stops the acceptance, told to the person only", async () => {
    const attacker = await enrolmentWorld();
    const apprentice = await createUser({});
    const first = await invite(attacker, apprentice.email!);
    await acceptInvitationAndEnrolment(first.secret, { signedInUserId: apprentice.id });
    // A second employer on the same standard: it does not hold them, so it can only invite.
    const other = await enrolmentWorld();
    const second = await invite(other, apprentice.email!, { standardId: attacker.standard.id });
    expect(await refusal(acceptInvitationAndEnrolment(second.secret, { signedInUserId: apprentice.id }))).toMatch(
      /already have an apprenticeship on this standard/,
    );
    expect(await prisma.apprenticeship.count({ where: { apprenticeId: apprentice.id } })).toBe(1);
  });
});
