/**
 * The auditor's report of an apprenticeship's off-the-job hours: every version of every OTJ entry
 * and every verification decision, oldest first, and the record that the report left the system
 * (exports are audit-logged). Reach: app/auth/reach.server.ts `apprenticeshipsVisibleTo`.
 */
import { db, type Tx } from "~/db/client.server.ts";
import type { Actor } from "~/auth/permissions.ts";
import { apprenticeshipsVisibleTo } from "~/auth/reach.server.ts";
import { toIsoDate, type IsoDate } from "~/domain/dates.ts";
import { entryCounts } from "~/domain/counting.ts";
import { audit } from "~/utils/audit.server.ts";
import { isUuid } from "~/domain/ids.ts";
import { notFound } from "~/utils/http-errors.ts";
import { fullName } from "~/domain/names.ts";

export type OtjAuditRow = {
  at: Date;
  event: string;
  entryId: string;
  version: number;
  supersedesId: string | null;
  occurredOn: IsoDate;
  minutes: number;
  activityType: string | null;
  ksbCodes: string[];
  atWork: boolean;
  by: string;
  note: string;
};

const AUDIT_EVENTS: Record<string, string> = {
  "entry.verify": "Verified by tutor",
  "entry.reject": "Rejected by tutor",
  "entry.confirm": "Confirmed by workplace supervisor",
  "entry.supervisor-reject": "Rejected by workplace supervisor",
  "entry.withdraw": "Removed",
  "entry.correct": "Corrected",
};

/**
 * Every change to an apprentice's OTJ hours, oldest first: each version of each OTJ entry (who
 * logged or corrected it, when, why) and each verification decision from the audit log.
 */
export async function otjAuditReport(actor: Actor, apprenticeshipId: string) {
  if (!isUuid(apprenticeshipId)) notFound();
  const apprenticeship = await db().apprenticeship.findFirst({
    where: { AND: [{ id: apprenticeshipId }, apprenticeshipsVisibleTo(actor)] },
    select: {
      id: true,
      employerId: true,
      apprentice: { select: { firstName: true, lastName: true } },
      standard: { select: { reference: true, title: true } },
    },
  });
  if (!apprenticeship) notFound();
  const versions = await db().progressEntry.findMany({
    where: { apprenticeshipId, kind: "OTJ_ACTIVITY" },
    select: {
      id: true,
      version: true,
      supersedesId: true,
      supersededAt: true,
      occurredOn: true,
      minutes: true,
      activityType: true,
      ksbCodes: true,
      atWork: true,
      status: true,
      supervisorConfirmedAt: true,
      createdAt: true,
      correctionReason: true,
      verifierComment: true,
      verifiedById: true,
      createdBy: { select: { firstName: true, lastName: true } },
    },
    orderBy: [{ createdAt: "asc" }, { version: "asc" }],
  });
  const events = versions.length
    ? await db().auditLog.findMany({
        where: {
          subjectType: "progress_entry",
          subjectId: { in: versions.map((v) => v.id) },
          action: { in: ["entry.verify", "entry.reject", "entry.confirm", "entry.supervisor-reject"] },
        },
        select: {
          action: true,
          subjectId: true,
          createdAt: true,
          actorId: true,
          actor: { select: { firstName: true, lastName: true } },
        },
        orderBy: { createdAt: "asc" },
      })
    : [];
  const byId = new Map(versions.map((v) => [v.id, v]));
  const rows: OtjAuditRow[] = [];
  for (const v of versions) {
    const event =
      v.version === 1
        ? "Logged"
        : v.status === "REJECTED" && v.verifierComment?.startsWith("Removed:")
          ? `Removed (version ${v.version})`
          : `Corrected (version ${v.version})`;
    rows.push({
      at: v.createdAt,
      event,
      entryId: v.id,
      version: v.version,
      supersedesId: v.supersedesId,
      occurredOn: toIsoDate(v.occurredOn),
      minutes: v.minutes,
      activityType: v.activityType,
      ksbCodes: v.ksbCodes,
      atWork: v.atWork,
      by: fullName(v.createdBy),
      note: v.correctionReason ?? "",
    });
  }
  for (const e of events) {
    const v = byId.get(e.subjectId!)!;
    const isReject = e.action.endsWith("reject");
    rows.push({
      at: e.createdAt,
      event: AUDIT_EVENTS[e.action] ?? e.action,
      entryId: v.id,
      version: v.version,
      supersedesId: v.supersedesId,
      occurredOn: toIsoDate(v.occurredOn),
      minutes: v.minutes,
      activityType: v.activityType,
      ksbCodes: v.ksbCodes,
      atWork: v.atWork,
      by: e.actor ? fullName(e.actor) : "(deleted account)",
      note: isReject && e.actorId === v.verifiedById ? (v.verifierComment ?? "") : "",
    });
  }
  rows.sort((a, b) => a.at.getTime() - b.at.getTime() || a.version - b.version);
  const verifiedMinutes = versions.filter((v) => entryCounts({ ...v })).reduce((s, v) => s + v.minutes, 0);
  return {
    apprenticeship: {
      id: apprenticeship.id,
      apprenticeName: fullName(apprenticeship.apprentice),
      standard: `${apprenticeship.standard.reference} ${apprenticeship.standard.title}`,
      employerId: apprenticeship.employerId,
    },
    rows,
    verifiedMinutes,
  };
}

/** Records that the report left the system (exports are audit-logged). */
export async function auditOtjReportDownload(
  actor: Actor,
  apprenticeshipId: string,
  rowCount: number,
  client: Tx = db(),
) {
  await audit(
    {
      actorId: actor.userId,
      action: "export.otj-history",
      subjectType: "apprenticeship",
      subjectId: apprenticeshipId,
      metadata: { rows: rowCount },
    },
    client,
  );
}
