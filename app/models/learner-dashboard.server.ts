/**
 * The learner's own dashboard: their pathways with each module's state, verified learning time,
 * credentials, what waits and what was rejected, and their apprenticeships' OTJ status. Only the
 * signed-in learner's own entries.
 */
import { db } from "~/db/client.server.ts";
import { can, type Actor } from "~/auth/permissions.ts";
import { toIsoDate, type IsoDate, todayInEngland } from "~/domain/dates.ts";
import { creditedCredential } from "~/domain/credentials.ts";
import { entryCounts } from "~/domain/counting.ts";
import { notFound } from "~/utils/http-errors.ts";
import { apprenticeshipOtj } from "~/models/otj-status.server.ts";
import { SUMMARY_SELECT, toSummary } from "~/models/progress-entry.server.ts";

export type DashboardEnrolment = {
  id: string;
  pathwayTitle: string;
  status: string;
  modulesTotal: number;
  modulesCompleted: number;
  verifiedMinutes: number;
  nextModule: { id: string; uid: string; title: string; url: string; pending: boolean } | null;
  modules: { id: string; uid: string; title: string; state: "verified" | "pending" | "todo" }[];
};

export async function learnerDashboard(actor: Actor, asOf: IsoDate = todayInEngland()) {
  if (!can(actor, "progress:log")) notFound();
  const [enrolments, entries, credentials, apprenticeshipIds] = await Promise.all([
    db().enrolment.findMany({
      where: { userId: actor.userId, status: { not: "WITHDRAWN" } },
      select: {
        id: true,
        status: true,
        pathway: {
          select: {
            title: true,
            modules: {
              orderBy: { position: "asc" },
              select: { module: { select: { id: true, uid: true, title: true, url: true, retiredAt: true } } },
            },
          },
        },
      },
      orderBy: { createdAt: "asc" },
    }),
    db().progressEntry.findMany({
      where: { learnerId: actor.userId, supersededAt: null },
      select: {
        ...SUMMARY_SELECT,
        enrolmentId: true,
        supersededAt: true,
        createdAt: true,
        credential: { select: { name: true } },
      },
      orderBy: [{ occurredOn: "desc" }, { createdAt: "desc" }],
    }),
    db().credential.findMany({ select: { code: true, name: true, retiredOn: true, successorCode: true } }),
    db().apprenticeship.findMany({
      where: { apprenticeId: actor.userId, status: { not: "WITHDRAWN" } },
      select: { id: true },
    }),
  ]);

  const counted = entries.filter((e) => entryCounts(e));
  const dashboardEnrolments: DashboardEnrolment[] = enrolments.map((en) => {
    const modules = en.pathway.modules.map((pm) => pm.module).filter((m) => !m.retiredAt);
    const state = (moduleId: string): "verified" | "pending" | "todo" => {
      const e = entries.find(
        (x) => x.kind === "MODULE_COMPLETED" && x.moduleId === moduleId && x.status !== "REJECTED",
      );
      if (!e) return "todo";
      return entryCounts(e) ? "verified" : "pending";
    };
    const withState = modules.map((m) => ({ id: m.id, uid: m.uid, title: m.title, state: state(m.id) }));
    const next = withState.find((m) => m.state !== "verified");
    const nextFull = next ? modules.find((m) => m.id === next.id)! : null;
    return {
      id: en.id,
      pathwayTitle: en.pathway.title,
      status: en.status,
      modulesTotal: modules.length,
      modulesCompleted: withState.filter((m) => m.state === "verified").length,
      verifiedMinutes: counted
        .filter((e) => e.enrolmentId === en.id && e.kind !== "OTJ_ACTIVITY")
        .reduce((sum, e) => sum + e.minutes, 0),
      nextModule:
        nextFull && next
          ? {
              id: nextFull.id,
              uid: nextFull.uid,
              title: nextFull.title,
              url: nextFull.url,
              pending: next.state === "pending",
            }
          : null,
      modules: withState,
    };
  });

  const credentialRows = counted
    .filter((e) => e.kind === "CREDENTIAL" && e.credentialCode)
    .map((e) => {
      const code = e.credentialCode!;
      const row = credentials.find((c) => c.code === code);
      const credited = creditedCredential(code, credentials);
      return {
        id: e.id,
        code,
        name: e.credential?.name ?? code,
        achievedOn: toIsoDate(e.occurredOn),
        evidenceUrl: e.evidenceUrl,
        retiredOn: row?.retiredOn ? toIsoDate(row.retiredOn) : null,
        countsAs: credited !== code ? credited : null,
      };
    });

  const toItem = (e: (typeof entries)[number]) => ({
    ...toSummary(e),
    createdAt: e.createdAt,
    credentialName: e.credential?.name ?? null,
  });
  const pending = entries
    .filter((e) => e.status === "PENDING" || (e.status === "VERIFIED" && !entryCounts(e)))
    .map(toItem);
  const rejected = entries.filter((e) => e.status === "REJECTED").map(toItem);
  const recent = entries.slice(0, 20).map(toItem);
  const apprenticeships = await Promise.all(apprenticeshipIds.map((a) => apprenticeshipOtj(actor, a.id, asOf)));
  const learningMinutes = counted.filter((e) => e.kind !== "OTJ_ACTIVITY").reduce((sum, e) => sum + e.minutes, 0);
  return {
    enrolments: dashboardEnrolments,
    credentials: credentialRows,
    pending,
    rejected,
    recent,
    apprenticeships,
    learningMinutes,
    asOf,
  };
}
