/**
 * Outcome reports: building them, storing immutable snapshots, reading them back, exporting.
 *
 * Two audiences, two paths, never mixed:
 * - "report:protected" (council officers, partnership admins): partnership-wide figures that
 *   have passed disclosure control (app/domain/report-figures.ts → disclosure.ts) before they
 *   leave this module. They are what snapshots store; nothing in a snapshot is about a person.
 * - "report:own-org" (school and employer admins): the same measures for their own organisation,
 *   unrounded (they already hold those records), computed live and never stored or exported as
 *   an official statistic. The organisation is in the SQL scope of every measure.
 *
 * Snapshots are append-only: a rebuild inserts version n+1 for the period; nothing updates or
 * deletes a snapshot. `data_version` records what the ledger held at build time
 * (report-measures.server.ts `dataVersion`).
 */
import { db } from "~/db/client.server.ts";
import { Prisma } from "~/generated/prisma/client.ts";
import { can, type Actor } from "~/auth/permissions.ts";
import { ownReportOrganisationsOf } from "~/auth/reach.server.ts";
import { enqueueOutbox } from "~/jobs/outbox.server.ts";
import { audit } from "~/utils/audit.server.ts";
import { buildFigures, type FamilyName, type ReportFigures } from "~/domain/report-figures.ts";
import { figuresToCsv } from "~/domain/report-csv.ts";
import { todayInEngland } from "~/domain/dates.ts";
import { parsePeriod, type PeriodType, type ReportPeriod } from "~/domain/report-period.ts";
import { computeMeasures, dataVersion, type MeasureScope } from "~/models/report-measures.server.ts";
import { isUuid } from "~/domain/ids.ts";
import { notFound } from "~/utils/http-errors.ts";

export function periodOrNotFound(type: string, key: string): ReportPeriod {
  return parsePeriod(type, key) ?? notFound();
}

async function figuresFor(
  period: ReportPeriod,
  scope: MeasureScope,
  protect: boolean,
  scopeLabel: string,
  today: string,
): Promise<ReportFigures> {
  const raw = await computeMeasures(period, scope, today);
  const families: Record<FamilyName, { dimension: string; key: string; values: Record<string, number> }[]> = {
    enrolments: raw.enrolments,
    ledger: raw.ledger,
    apprenticeships: raw.apprenticeships,
    reviews: raw.reviews,
    pupils: raw.pupils,
    placements: raw.placements,
  };
  return buildFigures(
    period,
    {
      families,
      credentials: raw.credentials,
      targets: raw.targets,
      pathwayTitles: Object.fromEntries(raw.pathwayTitles),
    },
    { protect, scopeLabel },
  );
}

export const PARTNERSHIP_SCOPE_LABEL = "Staffordshire and Stoke-on-Trent (all nine areas)";

/** Protected, partnership-wide figures for a period. Internal: callers check permissions. */
export function buildProtectedFigures(period: ReportPeriod, today: string = todayInEngland()): Promise<ReportFigures> {
  return figuresFor(period, { kind: "all" }, true, PARTNERSHIP_SCOPE_LABEL, today);
}

/** The protected report for an actor who holds "report:protected" (404 otherwise). Live, not stored. */
export async function protectedReport(actor: Actor, period: ReportPeriod): Promise<ReportFigures> {
  if (!can(actor, "report:protected")) notFound();
  return buildProtectedFigures(period);
}

/**
 * One organisation's own report, unrounded: only for an actor with "report:own-org" in that
 * organisation (404 otherwise, including for other organisations' ids).
 */
export async function organisationReport(
  actor: Actor,
  organisationId: string,
  period: ReportPeriod,
): Promise<ReportFigures> {
  if (!ownReportOrganisationsOf(actor).some((o) => o.id === organisationId)) notFound();
  const org = await db().organisation.findFirst({
    where: { id: organisationId, status: "APPROVED" },
    select: { id: true, name: true },
  });
  if (!org) notFound();
  return figuresFor(period, { kind: "organisations", organisationIds: [org.id] }, false, org.name, todayInEngland());
}

// ───────────────────────────── snapshots ─────────────────────────────

export interface SnapshotSummary {
  id: string;
  periodType: string;
  periodKey: string;
  version: number;
  dataVersion: string;
  builtAt: Date;
}

const SUMMARY_SELECT = {
  id: true,
  periodType: true,
  periodKey: true,
  version: true,
  dataVersion: true,
  builtAt: true,
} as const;

/**
 * Build the protected report for a period and store it as the next version. System use (the
 * worker, the seed, benches): no actor check here; `builtById` is who asked (null for the
 * schedule). Concurrent builds of one period both succeed: a unique-version clash retries.
 */
export async function buildSnapshot(period: ReportPeriod, builtById: string | null, options: { today?: string } = {}) {
  const [version, figures] = await Promise.all([
    dataVersion(),
    buildProtectedFigures(period, options.today ?? todayInEngland()),
  ]);
  for (let attempt = 0; ; attempt++) {
    try {
      const latest = await db().reportSnapshot.findFirst({
        where: { periodType: period.type, periodKey: period.key },
        orderBy: { version: "desc" },
        select: { version: true },
      });
      return await db().reportSnapshot.create({
        data: {
          periodType: period.type,
          periodKey: period.key,
          version: (latest?.version ?? 0) + 1,
          dataVersion: version,
          figures: figures as unknown as Prisma.InputJsonObject,
          builtById,
        },
        select: SUMMARY_SELECT,
      });
    } catch (error) {
      const clash = error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2002";
      if (!clash || attempt >= 4) throw error;
    }
  }
}

/** All snapshots, newest first (metadata only, not the figures). */
export async function listSnapshots(actor: Actor): Promise<SnapshotSummary[]> {
  if (!can(actor, "report:protected")) notFound();
  return db().reportSnapshot.findMany({
    orderBy: [{ builtAt: "desc" }, { version: "desc" }],
    take: 200,
    select: SUMMARY_SELECT,
  });
}

/** One stored snapshot: a primary-key read of protected figures. */
export async function getSnapshot(actor: Actor, snapshotId: string) {
  if (!can(actor, "report:protected")) notFound();
  if (!isUuid(snapshotId)) notFound();
  const row = await db().reportSnapshot.findUnique({ where: { id: snapshotId } });
  if (!row) notFound();
  const versions = await db().reportSnapshot.findMany({
    where: { periodType: row.periodType, periodKey: row.periodKey },
    orderBy: { version: "desc" },
    select: { id: true, version: true, builtAt: true, dataVersion: true },
  });
  return { ...row, figures: row.figures as unknown as ReportFigures, versions };
}

/** The DfE tidy CSV of a snapshot; every export is audit-logged with the snapshot id. */
export async function exportSnapshotCsv(actor: Actor, snapshotId: string) {
  const snapshot = await getSnapshot(actor, snapshotId);
  const csv = figuresToCsv(snapshot.figures);
  await audit({
    actorId: actor.userId,
    action: "export.report",
    subjectType: "report_snapshot",
    subjectId: snapshot.id,
    metadata: {
      periodType: snapshot.periodType,
      periodKey: snapshot.periodKey,
      version: snapshot.version,
      bytes: csv.length,
    },
  });
  const filename = `outcome-report-${snapshot.periodType}-${snapshot.periodKey.replace(/[^0-9a-z-]/gi, "-")}-v${snapshot.version}.csv`;
  return { csv, filename };
}

// ───────────────────────────── build requests ─────────────────────────────

/** A partnership admin asks for a build: an outbox row (ids only) and an audit entry, atomically. */
export async function requestReportBuild(actor: Actor, period: ReportPeriod) {
  if (!can(actor, "report:build")) notFound();
  return db().$transaction(async (tx) => {
    const row = await enqueueOutbox(tx, "report.build", {
      periodType: period.type,
      periodKey: period.key,
      requestedById: actor.userId,
    });
    await audit(
      {
        actorId: actor.userId,
        action: "report.build-request",
        subjectType: "report_period",
        subjectId: `${period.type}:${period.key}`,
        metadata: { outboxId: row.id },
      },
      tx,
    );
    return row;
  });
}

export type BuildStatus = "queued" | "building" | "retrying" | "done";

/** Recent build requests and how far each has got (for the "watch its progress" panel). */
export async function listBuildRequests(actor: Actor, limit = 10) {
  if (!can(actor, "report:build")) notFound();
  const rows = await db().$queryRaw<
    {
      id: string;
      created_at: Date;
      dispatched_at: Date | null;
      last_error: string | null;
      period_type: string;
      period_key: string;
      snapshot_id: string | null;
      version: number | null;
    }[]
  >`
    SELECT o.id, o.created_at, o.dispatched_at, o.last_error,
           o.payload->>'periodType' AS period_type, o.payload->>'periodKey' AS period_key,
           s.id AS snapshot_id, s.version
    FROM outbox_messages o
    LEFT JOIN LATERAL (
      SELECT id, version FROM report_snapshots rs
      WHERE rs.period_type = o.payload->>'periodType' AND rs.period_key = o.payload->>'periodKey'
        AND rs.built_at >= o.created_at
      ORDER BY rs.built_at LIMIT 1
    ) s ON TRUE
    WHERE o.topic = 'report.build'
    ORDER BY o.created_at DESC
    LIMIT ${limit}`;
  return rows.map((r) => {
    const status: BuildStatus = r.snapshot_id
      ? "done"
      : r.last_error
        ? "retrying"
        : r.dispatched_at
          ? "building"
          : "queued";
    return {
      id: r.id,
      requestedAt: r.created_at,
      periodType: r.period_type as PeriodType,
      periodKey: r.period_key,
      status,
      snapshotId: r.snapshot_id,
      version: r.version,
    };
  });
}

/** Latest snapshot of each period, newest build first: what the council officer opens. */
export async function latestSnapshots(actor: Actor) {
  const all = await listSnapshots(actor);
  const seen = new Set<string>();
  return all.filter((s) => {
    const id = `${s.periodType}:${s.periodKey}`;
    if (seen.has(id)) return false;
    seen.add(id);
    return true;
  });
}
