/**
 * Confirming an enrolment (decision 024). A person the employer already holds is enrolled at
 * once. Anyone else is invited: the checked answers wait in a pending enrolment tied to the
 * invitation, and the apprenticeship is created only when the invited person accepts, signed in
 * as themselves or creating their account, in the same transaction as the acceptance.
 *
 * Boundaries
 * - Until acceptance the employer learns nothing about an existing record: the same preview,
 *   result and list entry whether or not the address is known, and nothing is written to anyone's
 *   record. On acceptance the answers are re-checked against the accepting person's own record;
 *   why it failed is told to that person only, the employer sees "not accepted".
 * - A typed UPN is never attached to a record; one found on another record is left in the audit
 *   log for the partnership admin, whose merge tool decides whether they are the same person.
 */
import { z } from "zod";
import { db, type Tx } from "~/db/client.server.ts";
import type { Prisma } from "~/generated/prisma/client.ts";
import { acceptInvitation, AccountError, issueInvitation } from "~/auth/account.server.ts";
import type { Actor } from "~/auth/permissions.ts";
import { enrollingEmployersOf, pendingEnrolmentsInReachOf } from "~/auth/reach.server.ts";
import { hashToken } from "~/auth/tokens.ts";
import { formatLongDate, toIsoDate } from "~/domain/dates.ts";
import {
  checkEnrolment,
  checkEnrolmentAnswers,
  createApprenticeship,
  fillDateOfBirth,
  hasUnfinishedApprenticeship,
} from "~/models/apprenticeship-enrolment.server.ts";
import { EnrolmentSchema, type EnrolmentInput } from "~/models/apprenticeship-fields.ts";
import { audit } from "~/utils/audit.server.ts";
import { flagIdentityClaims } from "~/models/identity-flags.server.ts";
import type { FieldErrors } from "~/utils/forms.ts";
import { notFound } from "~/utils/http-errors.ts";
import { fullName } from "~/domain/names.ts";

/** An invitation whose enrolment cannot start as entered: the message is for the invited person. */
export class EnrolmentNotAccepted extends AccountError {
  constructor(
    message: string,
    readonly pendingEnrolmentId: string,
  ) {
    super(message);
  }
}

export type EnrolResult =
  | { ok: true; kind: "enrolled"; apprenticeshipId: string; apprenticeId: string }
  | { ok: true; kind: "invited"; pendingEnrolmentId: string; email: string }
  | { ok: false; errors: FieldErrors };

/**
 * The confirm step: re-checks everything in one transaction, then either creates the
 * apprenticeship for a person the employer holds, or stores the answers and sends the invitation.
 */
export async function enrolApprentice(actor: Actor, employerId: string, input: EnrolmentInput): Promise<EnrolResult> {
  return db().$transaction(async (tx) => {
    const checked = await checkEnrolment(actor, employerId, input, tx);
    if (!checked.ok) return checked;
    const p = checked.preview;
    if (p.person.kind === "held") {
      const apprentice = { id: p.person.userId, name: p.person.name };
      await fillDateOfBirth(tx, apprentice.id, p.employer.id, p.dateOfBirth);
      await flagUpnOnOtherRecord(tx, {
        actorId: actor.userId,
        organisationId: p.employer.id,
        upn: input.upn,
        apprenticeId: apprentice.id,
      });
      const { apprenticeshipId } = await createApprenticeship(tx, p, apprentice, {
        actorId: actor.userId,
        metadata: { matchedBy: p.person.matchedBy },
      });
      return { ok: true as const, kind: "enrolled" as const, apprenticeshipId, apprenticeId: apprentice.id };
    }
    const { tokenId } = await issueInvitation(tx, actor.userId, {
      organisationId: p.employer.id,
      email: p.person.email,
      role: "APPRENTICE",
    });
    const pending = await tx.pendingEnrolment.create({
      data: {
        invitationId: tokenId,
        employerId: p.employer.id,
        firstName: p.person.firstName,
        lastName: p.person.lastName,
        answers: input as unknown as Prisma.InputJsonObject,
      },
      select: { id: true },
    });
    return { ok: true as const, kind: "invited" as const, pendingEnrolmentId: pending.id, email: p.person.email };
  });
}

/**
 * A UPN typed at enrolment that is on someone else's record is never attached: it becomes an
 * identity flag for the partnership admin (decision 025), like one a school's class list names.
 */
async function flagUpnOnOtherRecord(
  tx: Tx,
  input: { actorId: string; organisationId: string; upn: string; apprenticeId: string },
) {
  if (!input.upn) return;
  const owner = await tx.user.findUnique({ where: { upn: input.upn }, select: { id: true, mergedIntoId: true } });
  if (!owner || owner.id === input.apprenticeId || owner.mergedIntoId === input.apprenticeId) return;
  await flagIdentityClaims(tx, {
    actorId: input.actorId,
    organisationId: input.organisationId,
    claims: [
      { claimantId: input.apprenticeId, kind: "UPN", value: input.upn, holderId: owner.mergedIntoId ?? owner.id },
    ],
  });
}

// ───────────────────────────── the employer's list ─────────────────────────────

export type PendingEnrolmentState = "waiting" | "expired" | "not-accepted";

export const PENDING_STATE_LABELS: Record<PendingEnrolmentState, string> = {
  waiting: "Invited – waiting to accept",
  expired: "Invitation expired – send it again or cancel it",
  "not-accepted": "Not accepted – the enrolment needs changing: cancel it and enrol them again",
};

/** Invitations to an apprenticeship not yet accepted, for the employers where the actor enrols. */
export async function listPendingEnrolments(actor: Actor) {
  const employerIds = enrollingEmployersOf(actor);
  if (!employerIds.length) return [];
  const rows = await db().pendingEnrolment.findMany({
    where: { employerId: { in: employerIds } },
    orderBy: [{ lastName: "asc" }, { firstName: "asc" }, { createdAt: "desc" }],
    select: {
      id: true,
      firstName: true,
      lastName: true,
      answers: true,
      problemAt: true,
      createdAt: true,
      invitation: { select: { email: true, expiresAt: true, usedAt: true } },
    },
  });
  const answers = new Map(rows.map((r) => [r.id, EnrolmentSchema.safeParse(r.answers).data]));
  const standardIds = [...new Set([...answers.values()].flatMap((a) => (a ? [a.standardId] : [])))];
  const standards = await db().standard.findMany({
    where: { id: { in: standardIds } },
    select: { id: true, reference: true, title: true, level: true },
  });
  return rows.map((r) => {
    const a = answers.get(r.id);
    const standard = standards.find((s) => s.id === a?.standardId);
    const linkDead = r.invitation.usedAt !== null || r.invitation.expiresAt.getTime() <= Date.now();
    const state: PendingEnrolmentState = r.problemAt ? "not-accepted" : linkDead ? "expired" : "waiting";
    return {
      id: r.id,
      name: fullName(r),
      email: r.invitation.email ?? "",
      standard: standard ? `${standard.title} (${standard.reference}, level ${standard.level})` : "",
      startDate: a?.startDate ?? null,
      invitedOn: toIsoDate(r.createdAt),
      state,
      stateLabel: PENDING_STATE_LABELS[state],
    };
  });
}

export type PendingEnrolmentItem = Awaited<ReturnType<typeof listPendingEnrolments>>[number];

async function findPendingInScope(actor: Actor, pendingEnrolmentId: string, tx: Tx) {
  const row = z.string().uuid().safeParse(pendingEnrolmentId).success
    ? await tx.pendingEnrolment.findFirst({
        where: { id: pendingEnrolmentId, ...pendingEnrolmentsInReachOf(actor) },
        select: { id: true, employerId: true, invitationId: true, invitation: { select: { email: true } } },
      })
    : null;
  if (!row) notFound();
  return row;
}

/** Withdraws an invitation: its link stops working and the entry leaves the list. */
export async function cancelPendingEnrolment(actor: Actor, pendingEnrolmentId: string) {
  await db().$transaction(async (tx) => {
    const row = await findPendingInScope(actor, pendingEnrolmentId, tx);
    await tx.authToken.updateMany({ where: { id: row.invitationId, usedAt: null }, data: { usedAt: new Date() } });
    await tx.pendingEnrolment.delete({ where: { id: row.id } });
    await audit(
      {
        actorId: actor.userId,
        action: "apprenticeship.invitation-cancel",
        subjectType: "auth_token",
        subjectId: row.invitationId,
        organisationId: row.employerId,
      },
      tx,
    );
  });
}

/** Sends a fresh link for the same answers; the old link stops working. */
export async function resendPendingEnrolment(actor: Actor, pendingEnrolmentId: string) {
  await db().$transaction(async (tx) => {
    const row = await findPendingInScope(actor, pendingEnrolmentId, tx);
    await tx.authToken.updateMany({ where: { id: row.invitationId, usedAt: null }, data: { usedAt: new Date() } });
    const { tokenId } = await issueInvitation(tx, actor.userId, {
      organisationId: row.employerId,
      email: row.invitation.email ?? "",
      role: "APPRENTICE",
    });
    await tx.pendingEnrolment.update({ where: { id: row.id }, data: { invitationId: tokenId, problemAt: null } });
  });
}

/** The notice after confirming: the address the invitation went to, or null outside the actor's employers. */
export async function invitedEmail(actor: Actor, pendingEnrolmentId: string): Promise<string | null> {
  if (!z.string().uuid().safeParse(pendingEnrolmentId).success) return null;
  const row = await db().pendingEnrolment.findFirst({
    where: { id: pendingEnrolmentId, ...pendingEnrolmentsInReachOf(actor) },
    select: { invitation: { select: { email: true } } },
  });
  return row?.invitation.email ?? null;
}

// ───────────────────────────── the invited person ─────────────────────────────

async function pendingForLink(secret: string) {
  return db().pendingEnrolment.findFirst({
    where: { invitation: { tokenHash: hashToken(secret), usedAt: null, expiresAt: { gt: new Date() } } },
    select: { firstName: true, lastName: true, answers: true, employer: { select: { name: true } } },
  });
}

/** What the invitation page tells the invited person about the apprenticeship they are accepting. */
export async function describeEnrolmentInvitation(secret: string) {
  const pending = await pendingForLink(secret);
  const answers = pending ? EnrolmentSchema.safeParse(pending.answers).data : undefined;
  if (!pending || !answers) return null;
  const standard = await db().standard.findUnique({
    where: { id: answers.standardId },
    select: { reference: true, title: true, level: true },
  });
  return {
    employerName: pending.employer.name,
    standard: standard ? `${standard.title} (${standard.reference}, level ${standard.level})` : "",
    startDate: formatLongDate(answers.startDate),
    plannedEndDate: formatLongDate(answers.plannedEndDate),
    dateOfBirth: formatLongDate(answers.dateOfBirth),
    suggestedName: { firstName: pending.firstName, lastName: pending.lastName },
  };
}

/**
 * Accepts an invitation and, when it carries an enrolment, creates the apprenticeship in the same
 * transaction. If the enrolment cannot start, nothing is accepted, the person is told why, and the
 * employer's list shows only that it was not accepted.
 */
export async function acceptInvitationAndEnrolment(secret: string, input: Parameters<typeof acceptInvitation>[1]) {
  try {
    return await acceptInvitation(secret, input, completePendingEnrolment);
  } catch (error) {
    if (error instanceof EnrolmentNotAccepted)
      await db().pendingEnrolment.updateMany({
        where: { id: error.pendingEnrolmentId },
        data: { problemAt: new Date() },
      });
    throw error;
  }
}

async function completePendingEnrolment(tx: Tx, accepted: { tokenId: string; userId: string }) {
  const pending = await tx.pendingEnrolment.findUnique({
    where: { invitationId: accepted.tokenId },
    select: {
      id: true,
      answers: true,
      employer: { select: { id: true, name: true, status: true } },
      invitation: { select: { createdById: true } },
    },
  });
  if (!pending) return;
  const employer = pending.employer;
  const refuse = (message: string) => new EnrolmentNotAccepted(message, pending.id);
  const parsed = EnrolmentSchema.safeParse(pending.answers);
  if (!parsed.success || employer.status !== "APPROVED")
    throw refuse(`This enrolment can no longer start as it was entered. Ask ${employer.name} to enrol you again.`);
  const answers = parsed.data;
  const person = await tx.user.findUniqueOrThrow({
    where: { id: accepted.userId },
    select: { firstName: true, lastName: true, dateOfBirth: true },
  });
  const recorded = person.dateOfBirth ? toIsoDate(person.dateOfBirth) : null;
  if (recorded && recorded !== answers.dateOfBirth) {
    throw refuse(
      `${employer.name} entered your date of birth as ${formatLongDate(answers.dateOfBirth)}, which is not the date on your record. Ask them to cancel this invitation and enrol you again with the right date.`,
    );
  }
  if (await hasUnfinishedApprenticeship(accepted.userId, answers.standardId, tx)) {
    throw refuse(
      `You already have an apprenticeship on this standard that has not finished, so this one cannot start. Talk to ${employer.name} and your training provider.`,
    );
  }
  const checked = await checkEnrolmentAnswers(employer, answers, {}, tx);
  if (!checked.ok)
    throw refuse(
      `${employer.name} needs to change this enrolment before it can start: ${Object.values(checked.errors)[0]} Ask them to enrol you again.`,
    );
  // The person has just seen this date on the invitation page; it still goes on their record only if no other organisation holds them.
  await fillDateOfBirth(tx, accepted.userId, employer.id, answers.dateOfBirth);
  const actorId = pending.invitation.createdById;
  await flagUpnOnOtherRecord(tx, {
    actorId: actorId ?? accepted.userId,
    organisationId: employer.id,
    upn: answers.upn,
    apprenticeId: accepted.userId,
  });
  await createApprenticeship(
    tx,
    checked.value,
    { id: accepted.userId, name: fullName(person) },
    { actorId: actorId ?? accepted.userId, metadata: { matchedBy: "invitation", acceptedBy: accepted.userId } },
  );
  await tx.pendingEnrolment.delete({ where: { id: pending.id } });
}
