/**
 * End-point assessment gateway checklist of an apprenticeship (the gateway of the DfE
 * apprenticeship funding rules): the employer and the tutor each confirm the apprentice is
 * occupationally competent; English and maths are confirmed where the apprenticeship requires them; the minimum duration and the OTJ
 * hours are COMPUTED (standard's minimum months of time in learning, breaks excluded; verified
 * OTJ from the ledger ≥ the planned total), never ticked. When everything is in, the gateway date
 * is recorded on the check and the apprenticeship moves to GATEWAY.
 *
 * Tenancy: through app/auth/reach.server.ts `apprenticeshipsVisibleTo`; confirming needs the tutor or employer
 * party of that apprenticeship (`apprenticeshipPartiesOf`), otherwise 404.
 */
import { db, type Tx } from "~/db/client.server.ts";
import type { Actor } from "~/auth/permissions.ts";
import {
  addCalendarMonths,
  addDays,
  closeBreaks,
  daysCovered,
  isBefore,
  toIsoDate,
  toUtcDate,
  type IsoDate,
  todayInEngland,
} from "~/domain/dates.ts";
import { apprenticeshipPartiesOf, apprenticeshipsVisibleTo } from "~/auth/reach.server.ts";
import { otjStatuses } from "~/models/otj-status.server.ts";
import { audit } from "~/utils/audit.server.ts";
import { isUuid } from "~/domain/ids.ts";
import { notFound } from "~/utils/http-errors.ts";
import { fullName } from "~/domain/names.ts";

export class GatewayError extends Error {}

export type GatewayParty = "employer" | "tutor";

/** Minimum duration: `months` of time in learning since the start, days on breaks added on. */
export function minimumDurationMet(
  input: { startDate: IsoDate; months: number; breaks: { startDate: IsoDate; endDate: IsoDate | null }[] },
  asOf: IsoDate,
) {
  const breakDays = daysCovered(closeBreaks(input.breaks, asOf), input.startDate, asOf);
  const earliest = addDays(addCalendarMonths(input.startDate, input.months), breakDays);
  return { met: !isBefore(asOf, earliest), earliest };
}

async function loadGateway(actor: Actor, apprenticeshipId: string, asOf: IsoDate, tx: Tx = db()) {
  if (!isUuid(apprenticeshipId)) notFound();
  const a = await tx.apprenticeship.findFirst({
    where: { AND: [{ id: apprenticeshipId }, apprenticeshipsVisibleTo(actor)] },
    select: {
      id: true,
      apprenticeId: true,
      employerId: true,
      providerId: true,
      tutorId: true,
      supervisorId: true,
      status: true,
      startDate: true,
      englishMathsRequired: true,
      gatewayDate: true,
      apprentice: { select: { firstName: true, lastName: true } },
      standard: { select: { reference: true, title: true, minDurationMonths: true } },
      breaks: { select: { startDate: true, endDate: true } },
      gateway: true,
    },
  });
  if (!a) notFound();
  const duration = minimumDurationMet(
    {
      startDate: toIsoDate(a.startDate),
      months: a.standard.minDurationMonths,
      breaks: a.breaks.map((b) => ({
        startDate: toIsoDate(b.startDate),
        endDate: b.endDate ? toIsoDate(b.endDate) : null,
      })),
    },
    asOf,
  );
  const [otj] = await otjStatuses(actor, { apprenticeshipIds: [a.id] }, asOf);
  const otjMet = Boolean(otj && otj.status.plannedTotal !== null && otj.status.actual >= otj.status.plannedTotal);
  return { a, duration, otj: otj?.status ?? null, otjMet };
}

export async function getGateway(actor: Actor, apprenticeshipId: string, asOf: IsoDate = todayInEngland()) {
  const { a, duration, otj, otjMet } = await loadGateway(actor, apprenticeshipId, asOf);
  const g = a.gateway;
  const parties = apprenticeshipPartiesOf(actor, a).filter((p): p is GatewayParty => p === "employer" || p === "tutor");
  const englishMathsOk = !a.englishMathsRequired || Boolean(g?.englishMathsMet);
  const names = await db().user.findMany({
    where: { id: { in: [g?.employerConfirmedById, g?.tutorConfirmedById].filter((x): x is string => Boolean(x)) } },
    select: { id: true, firstName: true, lastName: true },
  });
  const nameOf = (id: string | null | undefined) => {
    const p = names.find((n) => n.id === id);
    return p ? fullName(p) : null;
  };
  return {
    apprenticeship: {
      id: a.id,
      apprenticeName: fullName(a.apprentice),
      standard: `${a.standard.title} (${a.standard.reference})`,
      status: a.status,
      startDate: toIsoDate(a.startDate),
    },
    englishMathsRequired: a.englishMathsRequired,
    englishMathsMet: Boolean(g?.englishMathsMet),
    minDurationMonths: a.standard.minDurationMonths,
    minimumDuration: duration,
    otj: otj ? { actual: otj.actual, planned: otj.plannedTotal } : null,
    otjMet,
    employer: { confirmedAt: g?.employerConfirmedAt?.toISOString() ?? null, by: nameOf(g?.employerConfirmedById) },
    tutor: { confirmedAt: g?.tutorConfirmedAt?.toISOString() ?? null, by: nameOf(g?.tutorConfirmedById) },
    gatewayDate: g?.gatewayDate ? toIsoDate(g.gatewayDate) : a.gatewayDate ? toIsoDate(a.gatewayDate) : null,
    missing: missingItems({
      employer: Boolean(g?.employerConfirmedAt),
      tutor: Boolean(g?.tutorConfirmedAt),
      englishMathsOk,
      durationMet: duration.met,
      otjMet,
    }),
    myParties: parties.filter((p) => !(p === "employer" ? g?.employerConfirmedAt : g?.tutorConfirmedAt)),
    canConfirm: a.status === "ACTIVE" && !a.gatewayDate,
  };
}

function missingItems(s: {
  employer: boolean;
  tutor: boolean;
  englishMathsOk: boolean;
  durationMet: boolean;
  otjMet: boolean;
}): string[] {
  const out: string[] = [];
  if (!s.employer) out.push("The employer has not confirmed occupational competence.");
  if (!s.tutor) out.push("The tutor has not confirmed occupational competence.");
  if (!s.englishMathsOk) out.push("English and maths have not been confirmed as met.");
  if (!s.durationMet) out.push("The minimum duration has not been reached yet.");
  if (!s.otjMet) out.push("The verified off-the-job hours are below the planned total.");
  return out;
}

/**
 * The employer or the tutor confirms competence (and, where required, English and maths). The
 * computed items are stored as they stand; when all are in, the gateway date is recorded.
 */
export async function confirmGateway(
  actor: Actor,
  apprenticeshipId: string,
  party: GatewayParty,
  input: { englishMathsMet: boolean },
  asOf: IsoDate = todayInEngland(),
) {
  return db().$transaction(async (tx) => {
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${`gateway:${apprenticeshipId}`}))`;
    const { a, duration, otjMet } = await loadGateway(actor, apprenticeshipId, asOf, tx);
    if (!apprenticeshipPartiesOf(actor, a).includes(party)) notFound();
    if (a.status !== "ACTIVE" || a.gatewayDate)
      throw new GatewayError(
        "The gateway can only be confirmed for an active apprenticeship that has not passed it yet.",
      );
    const g = a.gateway;
    if (party === "employer" ? g?.employerConfirmedAt : g?.tutorConfirmedAt)
      throw new GatewayError("You have already confirmed the gateway.");
    const now = new Date();
    const englishMathsMet = Boolean(g?.englishMathsMet) || input.englishMathsMet;
    const confirmation =
      party === "employer"
        ? { employerConfirmedAt: now, employerConfirmedById: actor.userId }
        : { tutorConfirmedAt: now, tutorConfirmedById: actor.userId };
    const employerIn = party === "employer" || Boolean(g?.employerConfirmedAt);
    const tutorIn = party === "tutor" || Boolean(g?.tutorConfirmedAt);
    const complete = employerIn && tutorIn && (!a.englishMathsRequired || englishMathsMet) && duration.met && otjMet;
    const fields = {
      ...confirmation,
      englishMathsMet,
      minimumDurationMet: duration.met,
      otjMet,
      gatewayDate: complete ? toUtcDate(asOf) : null,
    };
    await tx.gatewayCheck.upsert({
      where: { apprenticeshipId: a.id },
      create: { apprenticeshipId: a.id, ...fields },
      update: fields,
    });
    if (complete)
      await tx.apprenticeship.update({
        where: { id: a.id },
        data: { status: "GATEWAY", gatewayDate: toUtcDate(asOf) },
      });
    const organisationId = party === "employer" ? a.employerId : a.providerId;
    await audit(
      {
        actorId: actor.userId,
        action: "gateway.confirm",
        subjectType: "apprenticeship",
        subjectId: a.id,
        organisationId,
        metadata: { party, englishMathsMet, minimumDurationMet: duration.met, otjMet, complete },
      },
      tx,
    );
    if (complete)
      await audit(
        {
          actorId: actor.userId,
          action: "gateway.reached",
          subjectType: "apprenticeship",
          subjectId: a.id,
          organisationId: a.providerId,
          metadata: {},
        },
        tx,
      );
    return { complete };
  });
}
