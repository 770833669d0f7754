/**
 * The learner's dashboard (/learning): each enrolment with its progress (verified modules and
 * hours), the next module, credentials, entries still waiting and rejected ones with the reason;
 * for apprentices the OTJ chart and RAG status. Only verified entries count; pending ones show as
 * pending. Also sends anything the offline queue kept on this device.
 */
import { useEffect, useState } from "react";
import { Link, useLoaderData } from "react-router";
import type { Route } from "./+types/learning";
import { requirePermission } from "~/auth/auth.server.ts";
import { Notice } from "~/components/form.tsx";
import { EntryStatusTag as StatusTag } from "~/components/entry-status.tsx";
import { OtjChart, RagTag } from "~/components/otj-chart.tsx";
import { formatLongDate } from "~/domain/dates.ts";
import { activityTypeLabel, ENTRY_KIND_LABELS, formatHours, formatMinutes } from "~/domain/progress-log.ts";
import { learnerDashboard } from "~/models/learner-dashboard.server.ts";
import { flushQueue, readQueue } from "~/offline/log-queue.ts";
import { ScrollTable } from "~/components/table-scroll.tsx";

export const meta: Route.MetaFunction = () => [{ title: "My learning – Staffordshire Digital Skills" }];

export async function loader({ request }: Route.LoaderArgs) {
  const viewer = await requirePermission(request, "progress:log");
  const dashboard = await learnerDashboard(viewer);
  return { ...dashboard, owner: viewer.userId };
}

type Item = {
  id: string;
  kind: keyof typeof ENTRY_KIND_LABELS;
  minutes: number;
  occurredOn: string;
  moduleTitle: string | null;
  credentialCode: string | null;
  activityType: string | null;
  description: string;
  status: string;
  atWork: boolean;
  verifierComment: string | null;
  version: number;
};

function describe(e: Item): string {
  if (e.kind === "MODULE_COMPLETED") return `Module completed: ${e.moduleTitle}`;
  if (e.kind === "CREDENTIAL") return `Credential: ${e.credentialCode}`;
  if (e.kind === "OTJ_ACTIVITY")
    return `Off-the-job: ${formatMinutes(e.minutes)}, ${activityTypeLabel(e.activityType).toLowerCase()}`;
  return `Learning time: ${formatMinutes(e.minutes)}`;
}

export default function MyLearning() {
  const d = useLoaderData<typeof loader>();
  const queued = useQueueOnLoad(d.owner);
  return (
    <div className="stack">
      <h1>My learning</h1>
      <p className="actions">
        <Link to="/log" className="button">
          Log learning
        </Link>
      </p>
      {queued ? (
        <div role="status">
          <Notice tone={queued.startsWith("Sent") ? "success" : "warning"}>{queued}</Notice>
        </div>
      ) : null}

      {d.apprenticeships.map((a) => (
        <section key={a.apprenticeshipId} aria-labelledby={`otj-${a.apprenticeshipId}`} className="card">
          <h2 id={`otj-${a.apprenticeshipId}`}>Off-the-job training: {a.standard}</h2>
          <p>
            <RagTag rag={a.status.rag} /> {a.status.reason}
          </p>
          <dl className="figures">
            <div>
              <dt>Verified</dt>
              <dd>{formatNumber(a.status.actual)} hours</dd>
            </div>
            <div>
              <dt>Expected by now</dt>
              <dd>{a.status.requiredToDate === null ? "–" : `${formatNumber(a.status.requiredToDate)} hours`}</dd>
            </div>
            <div>
              <dt>Planned</dt>
              <dd>{a.status.plannedTotal === null ? "–" : `${a.status.plannedTotal} hours`}</dd>
            </div>
            <div>
              <dt>Forecast at the planned end</dt>
              <dd>{formatNumber(a.status.forecast)} hours</dd>
            </div>
          </dl>
          {a.pending > 0 || a.awaitingConfirmation > 0 ? (
            <p>
              {a.pending > 0
                ? `${a.pending} ${a.pending === 1 ? "entry is" : "entries are"} waiting for your tutor. `
                : ""}
              {a.awaitingConfirmation > 0
                ? `${a.awaitingConfirmation} at-work ${a.awaitingConfirmation === 1 ? "entry is" : "entries are"} waiting for your supervisor's confirmation.`
                : ""}{" "}
              Only verified hours count.
            </p>
          ) : null}
          {a.loggedBeforePlanSigned > 0 ? (
            <Notice tone="warning">
              {a.planSignedAt
                ? `${a.loggedBeforePlanSigned} ${a.loggedBeforePlanSigned === 1 ? "entry was" : "entries were"} logged before your training plan was signed by all three parties.`
                : `Your training plan is not yet signed by all three parties: the ${a.loggedBeforePlanSigned} ${a.loggedBeforePlanSigned === 1 ? "entry" : "entries"} logged so far ${a.loggedBeforePlanSigned === 1 ? "is" : "are"} flagged as learning logged before the training plan was signed.`}{" "}
              <Link to={`/apprenticeships/${a.apprenticeshipId}`}>See the training plan</Link>
            </Notice>
          ) : null}
          <OtjChart
            id={`chart-${a.apprenticeshipId}`}
            series={a.series}
            planned={a.status.plannedTotal}
            summary={`${a.status.reason} ${a.status.explanation}`}
          />
          <p>
            <Link to={`/apprenticeships/${a.apprenticeshipId}/otj-history`}>
              History of every change to your off-the-job hours
            </Link>
          </p>
        </section>
      ))}

      <section aria-labelledby="enrolments-title">
        <h2 id="enrolments-title">Pathways</h2>
        {d.enrolments.length === 0 ? <p>You are not enrolled on a pathway yet.</p> : null}
        <ul className="cards">
          {d.enrolments.map((e) => {
            const percent = e.modulesTotal ? Math.round((e.modulesCompleted / e.modulesTotal) * 100) : 0;
            return (
              <li key={e.id} className="card">
                <h3>{e.pathwayTitle}</h3>
                <p
                  id={`progress-${e.id}-label`}
                >{`${e.modulesCompleted} of ${e.modulesTotal} modules verified · ${formatHours(e.verifiedMinutes)}`}</p>
                <div
                  className="progress-bar"
                  role="progressbar"
                  aria-labelledby={`progress-${e.id}-label`}
                  aria-valuemin={0}
                  aria-valuemax={e.modulesTotal}
                  aria-valuenow={e.modulesCompleted}
                >
                  <span style={{ width: `${percent}%` }} />
                </div>
                {e.nextModule ? (
                  <p>
                    Next:{" "}
                    <a href={e.nextModule.url} rel="noopener noreferrer" target="_blank">
                      {e.nextModule.title}
                      <span className="visually-hidden"> (opens in a new tab)</span>
                    </a>
                    {e.nextModule.pending ? (
                      <>
                        {" "}
                        <span className="tag tag--amber">pending</span>
                      </>
                    ) : (
                      <>
                        {" "}
                        ·{" "}
                        <Link to={`/log?module=${encodeURIComponent(e.nextModule.uid)}`}>
                          Log it as completed<span className="visually-hidden">: {e.nextModule.title}</span>
                        </Link>
                      </>
                    )}
                  </p>
                ) : e.modulesTotal > 0 ? (
                  <p>All modules verified.</p>
                ) : null}
              </li>
            );
          })}
        </ul>
      </section>

      <section aria-labelledby="credentials-title">
        <h2 id="credentials-title">Credentials</h2>
        {d.credentials.length === 0 ? (
          <p>No verified credentials yet.</p>
        ) : (
          <ul>
            {d.credentials.map((c) => (
              <li key={c.id}>
                <strong>{c.code}</strong> {c.name}, {formatLongDate(c.achievedOn)}
                {c.retiredOn
                  ? ` (retired ${formatLongDate(c.retiredOn)}${c.countsAs ? `; counts as ${c.countsAs}` : ""})`
                  : ""}
                {c.evidenceUrl ? (
                  <>
                    {" "}
                    ·{" "}
                    <a href={c.evidenceUrl} rel="noopener noreferrer">
                      credential link
                    </a>
                  </>
                ) : null}
              </li>
            ))}
          </ul>
        )}
      </section>

      <EntryTable
        id="pending"
        title="Waiting for verification"
        caption="Entries waiting for verification (not counted yet)"
        items={d.pending as Item[]}
        empty="Nothing is waiting for verification."
      />
      <EntryTable
        id="rejected"
        title="Not accepted"
        caption="Entries that were not accepted, with the reason"
        items={d.rejected as Item[]}
        empty="None."
        showReason
      />
      <EntryTable
        id="recent"
        title="Recent entries"
        caption="Your 20 most recent entries"
        items={d.recent as Item[]}
        empty="You have not logged anything yet."
      />
    </div>
  );
}

function EntryTable({
  id,
  title,
  caption,
  items,
  empty,
  showReason,
}: {
  id: string;
  title: string;
  caption: string;
  items: Item[];
  empty: string;
  showReason?: boolean;
}) {
  return (
    <section aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>{title}</h2>
      {items.length === 0 ? (
        <p>{empty}</p>
      ) : (
        <ScrollTable caption={caption}>
          <thead>
            <tr>
              <th scope="col">Date</th>
              <th scope="col">Entry</th>
              <th scope="col">Status</th>
              {showReason ? <th scope="col">Reason</th> : null}
            </tr>
          </thead>
          <tbody>
            {items.map((e) => (
              <tr key={e.id}>
                <td>{formatLongDate(e.occurredOn)}</td>
                <td>
                  <Link to={`/learning/entries/${e.id}`}>{describe(e)}</Link>
                  {e.version > 1 ? ` (version ${e.version})` : ""}
                </td>
                <td>
                  <StatusTag e={e} />
                </td>
                {showReason ? <td>{e.verifierComment}</td> : null}
              </tr>
            ))}
          </tbody>
        </ScrollTable>
      )}
    </section>
  );
}

const ONE_DECIMAL = new Intl.NumberFormat("en-GB", { maximumFractionDigits: 1 });

function formatNumber(n: number) {
  return ONE_DECIMAL.format(n);
}

/** Sends entries the offline queue kept on this device (the "next page load" path). */
function useQueueOnLoad(owner: string): string | null {
  const [message, setMessage] = useState<string | null>(null);
  useEffect(() => {
    const send = async () => {
      if (readQueue(owner).filter((e) => !e.error).length === 0) return;
      const r = await flushQueue(owner);
      if (r.sent > 0)
        setMessage(
          `Sent ${r.sent} ${r.sent === 1 ? "entry" : "entries"} saved on this device. Reload to see ${r.sent === 1 ? "it" : "them"} below.`,
        );
      else if (r.remaining > 0)
        setMessage(
          `${r.remaining} ${r.remaining === 1 ? "entry is" : "entries are"} saved on this device and will be sent when you're back online.`,
        );
    };
    void send();
    const onOnline = () => window.setTimeout(() => void send(), 750);
    window.addEventListener("online", onOnline);
    return () => window.removeEventListener("online", onOnline);
  }, [owner]);
  return message;
}
