/**
 * Verification queues (/verify): teachers see their school's pupils' entries grouped by class,
 * tutors their caseload's, workplace supervisors and employer admins the at-work off-the-job
 * activities to confirm; oldest first. Bulk approve with check boxes ("Approve selected"), or
 * reject one entry with a comment the learner sees. Plain form posts; no script needed.
 * A queue shows 50 entries at a time (?page=2 for the next 50); deciding some brings the next in.
 */
import { data, Form, Link, useActionData, useLoaderData } from "react-router";
import type { Route } from "./+types/verify";
import { requireViewer } from "~/auth/auth.server.ts";
import { can } from "~/auth/permissions.ts";
import { EntryStatusTag } from "~/components/entry-status.tsx";
import { ErrorSummary, Notice } from "~/components/form.tsx";
import { formatLongDate } from "~/domain/dates.ts";
import { activityTypeLabel, formatMinutes } from "~/domain/progress-log.ts";
import { ProgressError } from "~/models/progress-entry.server.ts";
import { verificationQueue, verifyEntries, type Queue, type QueueEntry } from "~/models/verification.server.ts";
import { ScrollTable } from "~/components/table-scroll.tsx";
import { readForm } from "~/utils/forms.ts";
import { notFound } from "~/utils/http-errors.ts";

export const meta: Route.MetaFunction = () => [{ title: "Verify learning – Staffordshire Digital Skills" }];

export async function loader({ request }: Route.LoaderArgs) {
  const viewer = await requireViewer(request);
  if (!can(viewer, "progress:verify") && !can(viewer, "otj:confirm")) notFound();
  const url = new URL(request.url);
  const cohortId = url.searchParams.get("class") ?? undefined;
  const page = Number(url.searchParams.get("page") ?? 1);
  const queues = await verificationQueue(viewer, { cohortId, page });
  const done = url.searchParams.get("done");
  return { queues, cohortId: cohortId ?? null, done };
}

export async function action({ request }: Route.ActionArgs) {
  const viewer = await requireViewer(request);
  if (!can(viewer, "progress:verify") && !can(viewer, "otj:confirm")) notFound();
  const form = await readForm(request);
  const intent = String(form.get("intent") ?? "");
  const role = form.get("role") === "supervisor" ? "supervisor" : "verifier";
  const ids = form.getAll("entryId").filter((v): v is string => typeof v === "string");
  const comment = String(form.get("comment") ?? "");
  if (intent !== "approve" && intent !== "reject") throw new Response("Bad request", { status: 400 });
  try {
    const result = await verifyEntries(viewer, ids, intent, comment, { as: role });
    const verb = intent === "approve" ? (role === "supervisor" ? "Confirmed" : "Approved") : "Rejected";
    const skipped = result.skipped ? ` ${result.skipped} had already been decided by someone else.` : "";
    return {
      errors: null,
      notice: `${verb} ${result.updated} ${result.updated === 1 ? "entry" : "entries"}.${skipped}`,
      entryId: ids[0] ?? null,
    };
  } catch (error) {
    if (error instanceof ProgressError)
      return data(
        { errors: error.fields, notice: null, entryId: intent === "reject" ? (ids[0] ?? null) : null },
        { status: 400 },
      );
    throw error;
  }
}

const ROLE_TITLES = {
  teacher: "Pupils' entries to verify",
  tutor: "Apprentices' entries to verify",
  supervisor: "Off-the-job training at work to confirm",
} as const;

/** Older and newer pages of a long queue, keeping the class filter. */
function QueuePager({ queue, cohortId }: { queue: Queue; cohortId: string | null }) {
  if (queue.pages <= 1) return null;
  const to = (page: number) =>
    `/verify?${new URLSearchParams({ ...(cohortId ? { class: cohortId } : {}), ...(page > 1 ? { page: String(page) } : {}) })}`;
  return (
    <nav className="actions" aria-label={`More of ${ROLE_TITLES[queue.role].toLowerCase()}`}>
      {queue.page > 1 ? <Link to={to(queue.page - 1)}>Older entries</Link> : null}
      {queue.page < queue.pages ? <Link to={to(queue.page + 1)}>Newer entries</Link> : null}
    </nav>
  );
}

function describe(e: QueueEntry): string {
  if (e.kind === "MODULE_COMPLETED") return `Module completed: ${e.moduleTitle}`;
  if (e.kind === "CREDENTIAL") return `Credential: ${e.credentialCode}${e.evidenceUrl ? "" : " (no link)"}`;
  if (e.kind === "OTJ_ACTIVITY")
    return `Off-the-job, ${formatMinutes(e.minutes)}: ${activityTypeLabel(e.activityType).toLowerCase()}${e.atWork ? ", at work" : ""}`;
  return `Learning time: ${formatMinutes(e.minutes)}`;
}

export default function Verify() {
  const { queues, cohortId, done } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const total = queues.reduce((s, q) => s + q.total, 0);
  return (
    <div className="stack">
      <h1>Verify learning</h1>
      {actionData?.notice ? <Notice tone="success">{actionData.notice}</Notice> : null}
      {done ? <Notice tone="success">{done}</Notice> : null}
      {actionData?.errors && !actionData.entryId ? <ErrorSummary errors={actionData.errors} /> : null}
      {cohortId ? (
        <p>
          Showing one class. <Link to="/verify">Show all classes</Link>
        </p>
      ) : null}
      {total === 0 ? <p>Nothing is waiting for you. Well done.</p> : null}
      {queues.map((q) =>
        q.total === 0 ? null : (
          <section key={q.role} aria-labelledby={`queue-${q.role}`}>
            <h2 id={`queue-${q.role}`}>
              {ROLE_TITLES[q.role]} ({q.total})
            </h2>
            {q.pages > 1 ? (
              <p>
                {q.firstShown > 0
                  ? `Showing ${q.firstShown} to ${q.lastShown} of ${q.total}, oldest first.`
                  : `Nothing on this page: ${q.total} in all.`}
              </p>
            ) : null}
            <Form method="post" id={`bulk-${q.role}`} className="no-print">
              <input type="hidden" name="intent" value="approve" />
              <input type="hidden" name="role" value={q.role === "supervisor" ? "supervisor" : "verifier"} />
            </Form>
            {q.groups.map((g) => (
              <ScrollTable
                caption={
                  <>
                    {g.title}: {g.entries.length} waiting, oldest first
                  </>
                }
                className="verify-table"
                key={g.key}
              >
                <thead>
                  <tr>
                    <th scope="col">
                      <span className="visually-hidden">Select</span>
                    </th>
                    <th scope="col">Learner</th>
                    <th scope="col">Entry</th>
                    <th scope="col">Date</th>
                    <th scope="col">Reject</th>
                  </tr>
                </thead>
                <tbody>
                  {g.entries.map((e) => {
                    const rejectErrors = actionData?.errors && actionData.entryId === e.id ? actionData.errors : null;
                    return (
                      <tr key={e.id}>
                        <td className="select-cell">
                          <input
                            type="checkbox"
                            name="entryId"
                            value={e.id}
                            form={`bulk-${q.role}`}
                            id={`select-${e.id}`}
                            aria-label={`Select ${e.learnerName}: ${describe(e)}`}
                          />
                        </td>
                        <td>{e.learnerName}</td>
                        <td>
                          <Link to={`/learning/entries/${e.id}`}>{describe(e)}</Link>
                          {e.description ? <p className="hint">{e.description}</p> : null}
                          {e.ksbCodes.length ? <p className="hint">KSBs: {e.ksbCodes.join(", ")}</p> : null}
                          {e.evidenceUrl ? (
                            <p>
                              <a href={e.evidenceUrl} rel="noopener noreferrer">
                                Evidence link<span className="visually-hidden"> for {e.learnerName}</span>
                              </a>
                            </p>
                          ) : null}
                          {q.role === "supervisor" ? (
                            <p>
                              <EntryStatusTag e={e} />{" "}
                              {e.status === "VERIFIED" ? "(tutor has verified)" : "(tutor has not verified yet)"}
                            </p>
                          ) : null}
                        </td>
                        <td>{formatLongDate(e.occurredOn)}</td>
                        <td>
                          <details open={Boolean(rejectErrors)}>
                            <summary>
                              Reject
                              <span className="visually-hidden">
                                {" "}
                                {e.learnerName}: {describe(e)}
                              </span>
                            </summary>
                            <Form method="post" className="reject-form">
                              <input type="hidden" name="intent" value="reject" />
                              <input
                                type="hidden"
                                name="role"
                                value={q.role === "supervisor" ? "supervisor" : "verifier"}
                              />
                              <input type="hidden" name="entryId" value={e.id} />
                              <div className={`field${rejectErrors?.comment ? " field--error" : ""}`}>
                                <label htmlFor={`comment-${e.id}`}>Why? The learner sees this.</label>
                                {rejectErrors?.comment ? (
                                  <p className="error-message" id={`comment-${e.id}-error`}>
                                    <span className="visually-hidden">Error: </span>
                                    {rejectErrors.comment}
                                  </p>
                                ) : null}
                                <textarea
                                  id={`comment-${e.id}`}
                                  name="comment"
                                  rows={2}
                                  aria-invalid={rejectErrors?.comment ? true : undefined}
                                  aria-describedby={rejectErrors?.comment ? `comment-${e.id}-error` : undefined}
                                />
                              </div>
                              <button type="submit" className="danger">
                                Reject<span className="visually-hidden"> this entry</span>
                              </button>
                            </Form>
                          </details>
                        </td>
                      </tr>
                    );
                  })}
                </tbody>
              </ScrollTable>
            ))}
            <div className="actions">
              <button type="submit" form={`bulk-${q.role}`}>
                {q.role === "supervisor" ? "Confirm selected" : "Approve selected"}
              </button>
            </div>
            <QueuePager queue={q} cohortId={cohortId} />
          </section>
        ),
      )}
    </div>
  );
}
