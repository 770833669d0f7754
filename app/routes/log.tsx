/**
 * The 30-second log form (/log): one column, few fields, sensible defaults, big targets. Works
 * without JavaScript (a plain form post, then a redirect with a notice of what was logged and a
 * link to change or undo it). With JavaScript, `clientAction` tries the server and, when there is
 * no connection, keeps the entry on the device (app/offline/log-queue.ts) and sends it when the
 * connection returns; the entry's client_ref makes a resend harmless.
 */
import { useEffect, useState } from "react";
import {
  data,
  Form,
  Link,
  redirect,
  useActionData,
  useLoaderData,
  useNavigation,
  type ShouldRevalidateFunctionArgs,
} from "react-router";
import type { Route } from "./+types/log";
import { requirePermission } from "~/auth/auth.server.ts";
import { ErrorSummary, Field, Notice, SelectField, TextAreaField } from "~/components/form.tsx";
import { formatLongDate, todayInEngland } from "~/domain/dates.ts";
import {
  activityTypeLabel,
  ENTRY_KIND_LABELS,
  formatMinutes,
  KIND_SLUGS,
  logFormValues,
  MAX_MINUTES_PER_ENTRY,
  OTJ_ACTIVITY_TYPES,
  type EntryKindName,
} from "~/domain/progress-log.ts";
import { getEntry, ProgressError } from "~/models/progress-entry.server.ts";
import { logEntry, logFormOptions } from "~/models/progress-ledger.server.ts";
import {
  enqueue,
  flushQueue,
  isNetworkFailure,
  newClientRef,
  readQueue,
  discard,
  type QueuedEntry,
} from "~/offline/log-queue.ts";
import { readForm } from "~/utils/forms.ts";

export const meta: Route.MetaFunction = () => [{ title: "Log learning – Staffordshire Digital Skills" }];

const SLUG_TO_KIND = Object.fromEntries(Object.entries(KIND_SLUGS).map(([k, v]) => [v, k])) as Record<
  string,
  EntryKindName
>;

export async function loader({ request }: Route.LoaderArgs) {
  const viewer = await requirePermission(request, "progress:log");
  const url = new URL(request.url);
  const options = await logFormOptions(viewer);
  const kinds: EntryKindName[] = [
    ...(options.apprenticeships.length ? (["OTJ_ACTIVITY"] as const) : []),
    "MODULE_COMPLETED",
    "LEARNING_TIME",
    "CREDENTIAL",
  ];
  const moduleUid = url.searchParams.get("module");
  const preselected = moduleUid
    ? options.enrolments.flatMap((e) => e.modules).find((m) => m.uid === moduleUid)
    : undefined;
  const requested = SLUG_TO_KIND[url.searchParams.get("kind") ?? ""];
  const hasModules = options.enrolments.some((e) => e.modules.some((m) => !m.done));
  const kind: EntryKindName =
    requested && kinds.includes(requested)
      ? requested
      : preselected
        ? "MODULE_COMPLETED"
        : options.apprenticeships.length
          ? "OTJ_ACTIVITY"
          : hasModules
            ? "MODULE_COMPLETED"
            : "LEARNING_TIME";
  let logged = null;
  const loggedId = url.searchParams.get("logged");
  if (loggedId) {
    try {
      const entry = await getEntry(viewer, loggedId);
      if (entry.isOwn) logged = { ...entry, again: url.searchParams.get("again") === "1" };
    } catch (error) {
      if (!(error instanceof Response)) throw error;
    }
  }
  return {
    options,
    kinds,
    kind,
    preselectedModuleId: preselected?.id ?? null,
    logged,
    clientRef: crypto.randomUUID(),
    today: todayInEngland(),
    owner: viewer.userId,
  };
}

export async function action({ request }: Route.ActionArgs) {
  const viewer = await requirePermission(request, "progress:log");
  const formData = await readForm(request);
  const values = logFormValues(formData);
  try {
    const { entry, duplicate } = await logEntry(viewer, values);
    const kindSlug = KIND_SLUGS[entry.kind];
    return redirect(`/log?kind=${kindSlug}&logged=${entry.id}${duplicate ? "&again=1" : ""}`, 303);
  } catch (error) {
    if (error instanceof ProgressError) {
      const echo: Record<string, string | string[]> = {};
      for (const [k, v] of Object.entries(values))
        if (typeof v === "string" || Array.isArray(v)) echo[k] = v as string | string[];
      return data({ errors: error.fields, values: echo, queued: null }, { status: 400 });
    }
    throw error;
  }
}

/** In the browser: the server first; with no connection, keep the entry on the device. */
export async function clientAction({ request, serverAction }: Route.ClientActionArgs) {
  const formData = await request.clone().formData();
  const owner = String(document.querySelector<HTMLElement>("[data-queue-owner]")?.dataset.queueOwner ?? "");
  const keep = () => {
    const entry = enqueue(formData, owner, describeForm(formData));
    window.dispatchEvent(new Event("dst-queued"));
    return { errors: null, values: null, queued: { summary: entry.summary, clientRef: entry.clientRef } };
  };
  if (navigator.onLine === false) return keep();
  try {
    return await serverAction();
  } catch (error) {
    if (isNetworkFailure(error)) return keep();
    throw error;
  }
}

/** An entry kept on the device needs no reload (and offline, a reload would fail). */
export function shouldRevalidate({ actionResult, defaultShouldRevalidate }: ShouldRevalidateFunctionArgs) {
  if (actionResult && typeof actionResult === "object" && "queued" in actionResult && actionResult.queued) return false;
  return defaultShouldRevalidate;
}

function describeForm(formData: FormData): string {
  const kind = String(formData.get("kind") ?? "") as EntryKindName;
  const minutes = Number(formData.get("minutes") ?? 0);
  const date = String(formData.get("occurredOn") ?? "");
  const parts = [ENTRY_KIND_LABELS[kind] ?? "Entry"];
  if (minutes > 0) parts.push(formatMinutes(minutes));
  if (kind === "OTJ_ACTIVITY") parts.push(activityTypeLabel(String(formData.get("activityType") ?? "")).toLowerCase());
  if (kind === "CREDENTIAL") parts.push(String(formData.get("credentialCode") ?? ""));
  if (/^\d{4}-\d{2}-\d{2}$/.test(date)) parts.push(`on ${formatLongDate(date)}`);
  return parts.join(", ");
}

function describeEntry(e: {
  kind: EntryKindName;
  minutes: number;
  occurredOn: string;
  moduleTitle: string | null;
  credentialCode: string | null;
  activityType: string | null;
}): string {
  const what =
    e.kind === "MODULE_COMPLETED"
      ? `module “${e.moduleTitle}” completed`
      : e.kind === "CREDENTIAL"
        ? `credential ${e.credentialCode}`
        : e.kind === "OTJ_ACTIVITY"
          ? `${formatMinutes(e.minutes)} of off-the-job training (${activityTypeLabel(e.activityType).toLowerCase()})`
          : `${formatMinutes(e.minutes)} of learning time`;
  return `${what} on ${formatLongDate(e.occurredOn)}`;
}

type ActionData = {
  errors: Record<string, string> | null;
  values: Record<string, string | string[]> | null;
  queued: { summary: string; clientRef: string } | null;
};

export default function LogLearning() {
  const { options, kinds, kind, preselectedModuleId, logged, clientRef, today, owner } = useLoaderData<typeof loader>();
  const actionData = useActionData() as ActionData | undefined;
  const navigation = useNavigation();
  const errors = actionData?.errors ?? null;
  const values = actionData?.values ?? {};
  const v = (name: string, fallback = "") => (typeof values[name] === "string" ? (values[name] as string) : fallback);
  // A fresh idempotency key for the next entry once one has been kept on the device.
  const [formRef, setFormRef] = useState<string>(clientRef);
  useEffect(() => setFormRef(clientRef), [clientRef]);
  useEffect(() => {
    if (actionData?.queued) setFormRef(newClientRef());
  }, [actionData?.queued]);
  const queue = useOfflineQueue(owner);

  const apprenticeship = options.apprenticeships[0];
  const submitting = navigation.state === "submitting";
  return (
    <div className="stack log-page" data-queue-owner={owner}>
      <h1>Log learning</h1>
      {logged ? (
        <Notice tone="success">
          <p className="notice__title">
            {logged.again ? "Already logged" : "Logged"}: {describeEntry(logged)}.
          </p>
          <p>
            It is waiting for verification
            {logged.kind === "OTJ_ACTIVITY" && logged.atWork
              ? " by your tutor and confirmation by your supervisor"
              : ""}
            . <Link to={`/learning/entries/${logged.id}`}>Change or undo this entry</Link>
          </p>
        </Notice>
      ) : null}
      {actionData?.queued ? (
        <Notice tone="warning">
          <p className="notice__title">Saved on this device — will send when you're back online.</p>
          <p>{actionData.queued.summary}.</p>
        </Notice>
      ) : null}
      <QueueStatus queue={queue} />
      <ErrorSummary errors={errors} />

      <nav aria-label="What are you logging?" className="kind-switch">
        <ul>
          {kinds.map((k) => (
            <li key={k}>
              <Link
                to={`/log?kind=${KIND_SLUGS[k]}`}
                aria-current={k === kind ? "page" : undefined}
                className={k === kind ? "kind-switch__current" : undefined}
              >
                {ENTRY_KIND_LABELS[k]}
              </Link>
            </li>
          ))}
        </ul>
      </nav>

      <Form
        method="post"
        noValidate
        className="log-form"
        key={`${kind}-${formRef}`}
        aria-label={`Log ${ENTRY_KIND_LABELS[kind].toLowerCase()}`}
      >
        <input type="hidden" name="kind" value={kind} />
        <input type="hidden" name="clientRef" value={formRef} />
        {kind === "OTJ_ACTIVITY" && apprenticeship ? (
          <>
            {options.apprenticeships.length > 1 ? (
              <SelectField
                name="apprenticeshipId"
                label="Apprenticeship"
                error={errors?.apprenticeshipId}
                defaultValue={v("apprenticeshipId", apprenticeship.id)}
                options={options.apprenticeships.map((a) => ({ value: a.id, label: a.standard }))}
              />
            ) : null}
            <DateField
              error={errors?.occurredOn}
              defaultValue={v("occurredOn", today)}
              max={today}
              min={apprenticeship.startDate}
            />
            <MinutesField error={errors?.minutes} defaultValue={v("minutes", "60")} />
            <fieldset
              className={`field radios${errors?.activityType ? " field--error" : ""}`}
              id="field-activityType"
              aria-describedby={errors?.activityType ? "field-activityType-error" : undefined}
            >
              <legend>Type of activity</legend>
              {errors?.activityType ? (
                <p className="error-message" id="field-activityType-error">
                  <span className="visually-hidden">Error: </span>
                  {errors.activityType}
                </p>
              ) : null}
              {OTJ_ACTIVITY_TYPES.map((t) => (
                <div className="radio" key={t.value}>
                  <input
                    type="radio"
                    id={`activityType-${t.value}`}
                    name="activityType"
                    value={t.value}
                    defaultChecked={v("activityType", options.lastActivityType ?? "learn-module") === t.value}
                  />
                  <label htmlFor={`activityType-${t.value}`}>{t.label}</label>
                </div>
              ))}
            </fieldset>
            <TextAreaField
              rows={3}
              maxLength={2000}
              name="description"
              label="What did you learn?"
              hint="New knowledge or skills from your standard, in a sentence or two."
              error={errors?.description}
              defaultValue={v("description")}
            />
            <fieldset
              className={`field checkboxes${errors?.ksbCodes ? " field--error" : ""}`}
              id="field-ksbCodes"
              aria-describedby={`field-ksbCodes-hint${errors?.ksbCodes ? " field-ksbCodes-error" : ""}`}
            >
              <legend>Knowledge, skills and behaviours covered</legend>
              <p className="hint" id="field-ksbCodes-hint">
                From your standard, {apprenticeship.standard}. Choose at least one.
              </p>
              {errors?.ksbCodes ? (
                <p className="error-message" id="field-ksbCodes-error">
                  <span className="visually-hidden">Error: </span>
                  {errors.ksbCodes}
                </p>
              ) : null}
              {apprenticeship.ksbs.map((k) => (
                <div className="checkbox" key={k.code}>
                  <input
                    type="checkbox"
                    id={`ksb-${k.code}`}
                    name="ksbCodes"
                    value={k.code}
                    defaultChecked={Array.isArray(values.ksbCodes) && values.ksbCodes.includes(k.code)}
                  />
                  <label htmlFor={`ksb-${k.code}`}>
                    <strong>{k.code}</strong> {k.text}
                  </label>
                </div>
              ))}
            </fieldset>
            <fieldset
              className={`field radios radios--inline${errors?.atWork ? " field--error" : ""}`}
              id="field-atWork"
            >
              <legend>Was this done at work?</legend>
              <p className="hint">If yes, your workplace supervisor confirms it as well as your tutor.</p>
              {errors?.atWork ? (
                <p className="error-message">
                  <span className="visually-hidden">Error: </span>
                  {errors.atWork}
                </p>
              ) : null}
              {[
                ["yes", "Yes, at work"],
                ["no", "No, elsewhere"],
              ].map(([value, label]) => (
                <div className="radio" key={value}>
                  <input
                    type="radio"
                    id={`atWork-${value}`}
                    name="atWork"
                    value={value}
                    defaultChecked={v("atWork", options.lastAtWork === false ? "no" : "yes") === value}
                  />
                  <label htmlFor={`atWork-${value}`}>{label}</label>
                </div>
              ))}
            </fieldset>
            <UrlField
              name="evidenceUrl"
              label="Evidence link (optional)"
              error={errors?.evidenceUrl}
              defaultValue={v("evidenceUrl")}
            />
            <div className={`field checkbox${errors?.englishMaths ? " field--error" : ""}`} id="field-englishMaths">
              {errors?.englishMaths ? (
                <p className="error-message" id="field-englishMaths-error">
                  <span className="visually-hidden">Error: </span>
                  {errors.englishMaths}
                </p>
              ) : null}
              <input
                type="checkbox"
                id="englishMaths"
                name="englishMaths"
                value="yes"
                aria-describedby="englishMaths-hint"
              />
              <label htmlFor="englishMaths">This was English or maths (up to level 2)</label>
              <p className="hint" id="englishMaths-hint">
                English and maths up to level 2 do not count as off-the-job training.
              </p>
            </div>
          </>
        ) : null}

        {kind === "MODULE_COMPLETED" ? (
          options.enrolments.length === 0 ? (
            <p>
              You are not enrolled on a pathway yet, so there are no modules to log. You can still log learning time.
            </p>
          ) : (
            <>
              <div className={`field${errors?.moduleId ? " field--error" : ""}`}>
                <label htmlFor="field-moduleId">Module completed</label>
                {errors?.moduleId ? (
                  <p className="error-message" id="field-moduleId-error">
                    <span className="visually-hidden">Error: </span>
                    {errors.moduleId}
                  </p>
                ) : null}
                <select
                  id="field-moduleId"
                  name="moduleId"
                  defaultValue={v(
                    "moduleId",
                    preselectedModuleId ?? options.enrolments.flatMap((e) => e.modules).find((m) => !m.done)?.id ?? "",
                  )}
                  aria-invalid={errors?.moduleId ? true : undefined}
                  aria-describedby={errors?.moduleId ? "field-moduleId-error" : undefined}
                >
                  {options.enrolments.map((e) => (
                    <optgroup key={e.id} label={e.pathwayTitle}>
                      {e.modules.map((m) => (
                        <option key={m.id} value={m.id}>
                          {m.title}
                          {m.done ? " (already logged)" : ""}
                        </option>
                      ))}
                    </optgroup>
                  ))}
                </select>
              </div>
              <DateField error={errors?.occurredOn} defaultValue={v("occurredOn", today)} max={today} />
            </>
          )
        ) : null}

        {kind === "LEARNING_TIME" ? (
          <>
            <MinutesField error={errors?.minutes} defaultValue={v("minutes", "30")} />
            <DateField error={errors?.occurredOn} defaultValue={v("occurredOn", today)} max={today} />
            {options.enrolments.length ? (
              <SelectField
                name="enrolmentId"
                label="Pathway (optional)"
                error={errors?.enrolmentId}
                defaultValue={v("enrolmentId", options.enrolments[0].id)}
                options={[
                  ...options.enrolments.map((e) => ({ value: e.id, label: e.pathwayTitle })),
                  { value: "", label: "Not part of a pathway" },
                ]}
              />
            ) : null}
            <TextAreaField
              rows={3}
              maxLength={2000}
              name="description"
              label="What did you do? (optional)"
              error={errors?.description}
              defaultValue={v("description")}
            />
          </>
        ) : null}

        {kind === "CREDENTIAL" ? (
          <>
            <SelectField
              name="credentialCode"
              label="Exam or credential"
              error={errors?.credentialCode}
              defaultValue={v("credentialCode", "")}
              options={[
                { value: "", label: "Choose…" },
                ...options.credentials.map((c) => ({
                  value: c.code,
                  label: `${c.code} ${c.name}${c.retiredOn ? ` (retired ${formatLongDate(c.retiredOn)}${c.successorCode ? `, now ${c.successorCode}` : ""})` : ""}`,
                })),
              ]}
            />
            <DateField
              label="Date you passed"
              error={errors?.occurredOn}
              defaultValue={v("occurredOn", today)}
              max={today}
            />
            <UrlField
              name="evidenceUrl"
              label="Credential link (optional)"
              hint="For example your Microsoft Learn credential page. It must start with https://"
              error={errors?.evidenceUrl}
              defaultValue={v("evidenceUrl")}
            />
          </>
        ) : null}

        {kind !== "MODULE_COMPLETED" || options.enrolments.length > 0 ? (
          <div className="actions">
            <button type="submit" className="button--wide" disabled={submitting}>
              {submitting ? "Logging…" : "Log it"}
            </button>
          </div>
        ) : null}
      </Form>
      <p>
        <Link to="/learning">See my learning</Link>
      </p>
    </div>
  );
}

// ───────────────────────────── the offline queue, in the page ─────────────────────────────

type QueueState = { waiting: QueuedEntry[]; message: string | null };

/** Sends entries kept on this device when the page loads and whenever the connection returns. */
function useOfflineQueue(owner: string): QueueState & { discard: (ref: string) => void } {
  const [state, setState] = useState<QueueState>({ waiting: [], message: null });
  useEffect(() => {
    let cancelled = false;
    const refresh = (message: string | null) => {
      if (!cancelled) setState((s) => ({ waiting: readQueue(owner), message: message ?? s.message }));
    };
    const send = async () => {
      if (readQueue(owner).filter((e) => !e.error).length === 0) return refresh(null);
      const result = await flushQueue(owner);
      const message = result.signedOut
        ? "Sign in again to send the entries saved on this device."
        : result.sent > 0
          ? `Sent ${result.sent} ${result.sent === 1 ? "entry" : "entries"} saved on this device.`
          : null;
      refresh(message);
    };
    void send();
    // The first request after a connection returns often still fails: try again shortly, and
    // every 15 s while anything is waiting (a flaky connection never fires "online" again).
    const onOnline = () => window.setTimeout(() => void send(), 750);
    const onStorage = () => refresh(null);
    const timer = window.setInterval(() => {
      if (navigator.onLine !== false && readQueue(owner).some((e) => !e.error)) void send();
    }, 15_000);
    window.addEventListener("online", onOnline);
    window.addEventListener("dst-queued", onStorage);
    return () => {
      cancelled = true;
      window.clearInterval(timer);
      window.removeEventListener("online", onOnline);
      window.removeEventListener("dst-queued", onStorage);
    };
  }, [owner]);
  return {
    ...state,
    discard: (ref: string) => {
      discard(ref);
      setState({ waiting: readQueue(owner), message: null });
    },
  };
}

function QueueStatus({ queue }: { queue: QueueState & { discard: (ref: string) => void } }) {
  const waiting = queue.waiting.filter((e) => !e.error);
  const refused = queue.waiting.filter((e) => e.error);
  return (
    <div role="status" className="queue-status">
      {queue.message ? <Notice tone="success">{queue.message}</Notice> : null}
      {waiting.length ? (
        <Notice tone="warning">
          {waiting.length} {waiting.length === 1 ? "entry is" : "entries are"} saved on this device and will be sent
          when you're back online.
        </Notice>
      ) : null}
      {refused.length ? (
        <Notice tone="warning">
          <p>These entries saved on this device were not accepted. Log them again, then remove them here:</p>
          <ul>
            {refused.map((e) => (
              <li key={e.clientRef}>
                {e.summary}{" "}
                <button type="button" className="secondary" onClick={() => queue.discard(e.clientRef)}>
                  Remove<span className="visually-hidden"> {e.summary}</span>
                </button>
              </li>
            ))}
          </ul>
        </Notice>
      ) : null}
    </div>
  );
}

// ───────────────────────────── fields ─────────────────────────────

// The shared accessible fields (app/components/form.tsx), with this form's fixed names and hints.
function DateField({
  label = "Date",
  error,
  defaultValue,
  max,
  min,
}: {
  label?: string;
  error?: string;
  defaultValue: string;
  max: string;
  min?: string;
}) {
  return (
    <Field
      type="date"
      name="occurredOn"
      label={label}
      error={error}
      defaultValue={defaultValue}
      max={max}
      min={min}
      required
    />
  );
}

function MinutesField({ error, defaultValue }: { error?: string; defaultValue: string }) {
  return (
    <Field
      type="number"
      name="minutes"
      label="Time spent, in minutes"
      hint={`For example 90 for an hour and a half. Up to ${MAX_MINUTES_PER_ENTRY} in one entry.`}
      error={error}
      inputMode="numeric"
      min={1}
      max={MAX_MINUTES_PER_ENTRY}
      step={1}
      defaultValue={defaultValue}
      required
      className="input--short"
    />
  );
}

function UrlField(props: { name: string; label: string; hint?: string; error?: string; defaultValue: string }) {
  return <Field type="url" inputMode="url" autoComplete="url" placeholder="https://" {...props} />;
}
