/**
 * One progress entry (/learning/entries/:entryId): its latest state, its full history (every
 * version with who, when and why) and, for the learner or a verifier in reach, a correction form
 * (a new version, back to pending) and "remove" (a version that no longer counts). 404 outside reach.
 */
import { data, Form, Link, redirect, useActionData, useLoaderData } from "react-router";
import type { Route } from "./+types/learning_.entries.$entryId";
import { requireViewer } from "~/auth/auth.server.ts";
import { EntryStatusTag } from "~/components/entry-status.tsx";
import { ErrorSummary, Notice } from "~/components/form.tsx";
import { formatLongDate } from "~/domain/dates.ts";
import { activityTypeLabel, ENTRY_KIND_LABELS, formatMinutes, OTJ_ACTIVITY_TYPES } from "~/domain/progress-log.ts";
import { correctEntry, type EntryChanges } from "~/models/progress-corrections.server.ts";
import { entryHistory, getEntry, ProgressError } from "~/models/progress-entry.server.ts";
import { ScrollTable } from "~/components/table-scroll.tsx";
import { readForm } from "~/utils/forms.ts";

export const meta: Route.MetaFunction = () => [{ title: "Entry – Staffordshire Digital Skills" }];

export async function loader({ request, params }: Route.LoaderArgs) {
  const viewer = await requireViewer(request);
  const entry = await getEntry(viewer, params.entryId);
  const history = await entryHistory(viewer, params.entryId);
  const latest = history[history.length - 1];
  const url = new URL(request.url);
  return { entry, history, latestId: latest.id, notice: url.searchParams.get("done") };
}

export async function action({ request, params }: Route.ActionArgs) {
  const viewer = await requireViewer(request);
  const form = await readForm(request);
  const intent = form.get("intent");
  const reason = String(form.get("reason") ?? "");
  const str = (k: string) => {
    const v = form.get(k);
    return typeof v === "string" ? v : undefined;
  };
  try {
    if (intent === "withdraw") {
      const row = await correctEntry(viewer, params.entryId, {}, reason, { withdraw: true });
      return redirect(`/learning/entries/${row.id}?done=removed`, 303);
    }
    if (intent === "correct") {
      const changes: EntryChanges = {};
      for (const key of ["occurredOn", "minutes", "description", "activityType", "evidenceUrl"] as const) {
        const v = str(key);
        if (v !== undefined) changes[key] = v;
      }
      const ksb = str("ksbCodes");
      if (ksb !== undefined) changes.ksbCodes = ksb.split(/[\s,]+/).filter(Boolean);
      const atWork = str("atWork");
      if (atWork === "yes" || atWork === "no") changes.atWork = atWork;
      const row = await correctEntry(viewer, params.entryId, changes, reason);
      return redirect(`/learning/entries/${row.id}?done=corrected`, 303);
    }
  } catch (error) {
    if (error instanceof ProgressError) return data({ intent: String(intent), errors: error.fields }, { status: 400 });
    throw error;
  }
  throw new Response("Bad request", { status: 400 });
}

export default function EntryPage() {
  const { entry, history, latestId, notice } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const errorsFor = (intent: string) => (actionData?.intent === intent ? actionData.errors : undefined);
  const isLatest = entry.id === latestId;
  return (
    <div className="stack">
      <h1>
        {ENTRY_KIND_LABELS[entry.kind]}
        {entry.isOwn ? "" : `: ${entry.learnerName}`}
      </h1>
      {notice === "corrected" ? (
        <Notice tone="success">
          Corrected. The new version is waiting for verification; the earlier version is kept in the history below.
        </Notice>
      ) : null}
      {notice === "removed" ? (
        <Notice tone="success">Removed. It no longer counts; the history below keeps every version.</Notice>
      ) : null}
      {!isLatest ? (
        <Notice tone="warning">
          This version has been replaced. <Link to={`/learning/entries/${latestId}`}>Open the latest version</Link>
        </Notice>
      ) : null}
      <dl className="summary-list">
        <div>
          <dt>Date</dt>
          <dd>{formatLongDate(entry.occurredOn)}</dd>
        </div>
        {entry.moduleTitle ? (
          <div>
            <dt>Module</dt>
            <dd>{entry.moduleTitle}</dd>
          </div>
        ) : null}
        {entry.credentialCode ? (
          <div>
            <dt>Credential</dt>
            <dd>{entry.credentialCode}</dd>
          </div>
        ) : null}
        {entry.minutes ? (
          <div>
            <dt>Time</dt>
            <dd>{formatMinutes(entry.minutes)}</dd>
          </div>
        ) : null}
        {entry.activityType ? (
          <div>
            <dt>Activity</dt>
            <dd>{activityTypeLabel(entry.activityType)}</dd>
          </div>
        ) : null}
        {entry.description ? (
          <div>
            <dt>What was learnt</dt>
            <dd>{entry.description}</dd>
          </div>
        ) : null}
        {entry.ksbCodes.length ? (
          <div>
            <dt>KSBs</dt>
            <dd>{entry.ksbCodes.join(", ")}</dd>
          </div>
        ) : null}
        {entry.kind === "OTJ_ACTIVITY" ? (
          <div>
            <dt>At work</dt>
            <dd>{entry.atWork ? "Yes" : "No"}</dd>
          </div>
        ) : null}
        {entry.evidenceUrl ? (
          <div>
            <dt>Link</dt>
            <dd>
              <a href={entry.evidenceUrl} rel="noopener noreferrer">
                {entry.evidenceUrl}
              </a>
            </dd>
          </div>
        ) : null}
        <div>
          <dt>Status</dt>
          <dd>
            <EntryStatusTag e={entry} />
            {entry.verifierComment ? ` ${entry.verifierComment}` : ""}
          </dd>
        </div>
      </dl>

      <section aria-labelledby="history-title">
        <h2 id="history-title">History</h2>
        <ScrollTable caption="Every version of this entry, oldest first">
          <thead>
            <tr>
              <th scope="col">Version</th>
              <th scope="col">Written</th>
              <th scope="col">Content</th>
              <th scope="col">Why</th>
              <th scope="col">Decision</th>
            </tr>
          </thead>
          <tbody>
            {history.map((v) => (
              <tr key={v.id} aria-current={v.id === entry.id ? "true" : undefined}>
                <th scope="row">
                  {v.version}
                  {v.id === entry.id ? " (this)" : ""}
                </th>
                <td>
                  {new Date(v.createdAt).toLocaleString("en-GB", { timeZone: "Europe/London" })} by {v.createdByName}
                </td>
                <td>
                  {formatLongDate(v.occurredOn)}
                  {v.minutes ? `, ${formatMinutes(v.minutes)}` : ""}
                  {v.activityType ? `, ${activityTypeLabel(v.activityType).toLowerCase()}` : ""}
                  {v.ksbCodes.length ? `, ${v.ksbCodes.join(" ")}` : ""}
                  {v.kind === "OTJ_ACTIVITY" ? (v.atWork ? ", at work" : ", not at work") : ""}
                </td>
                <td>{v.correctionReason ?? (v.version === 1 ? "First logged" : "")}</td>
                <td>
                  <EntryStatusTag e={v} />
                  {v.verifiedByName ? ` by ${v.verifiedByName}` : ""}
                  {v.verifierComment ? `: ${v.verifierComment}` : ""}
                  {v.supervisorConfirmedByName ? `; confirmed at work by ${v.supervisorConfirmedByName}` : ""}
                  {v.supersededAt ? " (replaced)" : ""}
                </td>
              </tr>
            ))}
          </tbody>
        </ScrollTable>
      </section>

      {entry.canCorrect ? (
        <>
          <section aria-labelledby="correct-title">
            <h2 id="correct-title">Correct this entry</h2>
            <p>
              A correction is a new version: it goes back to waiting for verification, and this version stays in the
              history.
            </p>
            <ErrorSummary errors={errorsFor("correct")} />
            <Form method="post" noValidate>
              <input type="hidden" name="intent" value="correct" />
              <div className="field">
                <label htmlFor="field-occurredOn">Date</label>
                <input type="date" id="field-occurredOn" name="occurredOn" defaultValue={entry.occurredOn} />
              </div>
              {entry.kind === "LEARNING_TIME" || entry.kind === "OTJ_ACTIVITY" ? (
                <div className="field">
                  <label htmlFor="field-minutes">Time spent, in minutes</label>
                  <input
                    type="number"
                    className="input--short"
                    id="field-minutes"
                    name="minutes"
                    inputMode="numeric"
                    defaultValue={entry.minutes}
                  />
                </div>
              ) : null}
              {entry.kind === "OTJ_ACTIVITY" ? (
                <>
                  <div className="field">
                    <label htmlFor="field-activityType">Type of activity</label>
                    <select id="field-activityType" name="activityType" defaultValue={entry.activityType ?? ""}>
                      {OTJ_ACTIVITY_TYPES.map((t) => (
                        <option key={t.value} value={t.value}>
                          {t.label}
                        </option>
                      ))}
                    </select>
                  </div>
                  <div className="field">
                    <label htmlFor="field-ksbCodes">KSB codes</label>
                    <p className="hint" id="ksb-hint">
                      Separated by commas, for example K1, S3.
                    </p>
                    <input
                      type="text"
                      id="field-ksbCodes"
                      name="ksbCodes"
                      aria-describedby="ksb-hint"
                      defaultValue={entry.ksbCodes.join(", ")}
                    />
                  </div>
                  <fieldset className="field radios radios--inline">
                    <legend>Was this done at work?</legend>
                    <div className="radio">
                      <input type="radio" id="c-atWork-yes" name="atWork" value="yes" defaultChecked={entry.atWork} />
                      <label htmlFor="c-atWork-yes">Yes</label>
                    </div>
                    <div className="radio">
                      <input type="radio" id="c-atWork-no" name="atWork" value="no" defaultChecked={!entry.atWork} />
                      <label htmlFor="c-atWork-no">No</label>
                    </div>
                  </fieldset>
                </>
              ) : null}
              {entry.kind === "LEARNING_TIME" || entry.kind === "OTJ_ACTIVITY" ? (
                <div className="field">
                  <label htmlFor="field-description">What was learnt</label>
                  <textarea id="field-description" name="description" defaultValue={entry.description} rows={3} />
                </div>
              ) : null}
              {entry.kind === "CREDENTIAL" || entry.kind === "OTJ_ACTIVITY" ? (
                <div className="field">
                  <label htmlFor="field-evidenceUrl">Link (optional)</label>
                  <input type="url" id="field-evidenceUrl" name="evidenceUrl" defaultValue={entry.evidenceUrl ?? ""} />
                </div>
              ) : null}
              <div className="field">
                <label htmlFor="field-reason">Why are you correcting it?</label>
                <textarea id="field-reason" name="reason" rows={2} required />
              </div>
              <button type="submit">Save correction</button>
            </Form>
          </section>
          <section aria-labelledby="withdraw-title">
            <h2 id="withdraw-title">Remove this entry</h2>
            <ErrorSummary errors={errorsFor("withdraw")} />
            <Form method="post" noValidate>
              <input type="hidden" name="intent" value="withdraw" />
              <div className="field">
                <label htmlFor="withdraw-reason">Why are you removing it?</label>
                <textarea id="withdraw-reason" name="reason" rows={2} required />
              </div>
              <button type="submit" className="danger">
                Remove entry
              </button>
            </Form>
          </section>
        </>
      ) : null}
      <p>
        <Link to="/learning">Back to my learning</Link>
      </p>
    </div>
  );
}
