import { data, Form, Link, redirect, useActionData, useLoaderData } from "react-router";
import { z } from "zod";
import type { Route } from "./+types/placements.$placementId";
import { requireViewer } from "~/auth/auth.server.ts";
import { ErrorSummary, Field, Notice, SelectField } from "~/components/form.tsx";
import { FeedbackForm, PrerequisitesForm } from "~/components/placement-forms.tsx";
import { todayInEngland, formatShortDate } from "~/domain/dates.ts";
import {
  completePlacement,
  ConsentFields,
  confirmPrerequisites,
  FeedbackFields,
  getPlacement,
  givePlacementFeedback,
  PlacementError,
  recordConsent,
  startPlacement,
} from "~/models/placements.server.ts";
import {
  CONSENT_METHOD_LABELS,
  CONSENT_METHODS,
  FEEDBACK_CRITERIA,
  FEEDBACK_CRITERION_LABELS,
  FEEDBACK_SCALE,
} from "~/models/placements.shared.ts";
import { parseForm, readForm } from "~/utils/forms.ts";
import { safeRedirect } from "~/utils/safe-redirect.ts";
import { ScrollTable } from "~/components/table-scroll.tsx";

export const meta: Route.MetaFunction = () => [{ title: "Placement – Staffordshire Digital Skills" }];

const returnTo = z.string().optional();
const PrereqForm = z.object({
  intent: z.literal("prerequisites"),
  riskAssessment: z.literal("yes").optional(),
  insurance: z.literal("yes").optional(),
  healthSafety: z.literal("yes").optional(),
  returnTo,
});
const ConsentForm = z.object({ intent: z.literal("consent"), ...ConsentFields });
const StartForm = z.object({ intent: z.literal("start") });
const FeedbackSchema = z.object({ intent: z.literal("feedback"), ...FeedbackFields, returnTo });

export async function loader({ request, params }: Route.LoaderArgs) {
  const viewer = await requireViewer(request);
  return { p: await getPlacement(viewer, params.placementId), today: todayInEngland() };
}

type Result = { intent: string; key?: string; errors: Record<string, string> | null; notice: string | null };

export async function action({ request, params }: Route.ActionArgs) {
  const viewer = await requireViewer(request);
  const formData = await readForm(request);
  const intent = String(formData.get("intent") ?? "");
  const key = String(formData.get("pupilId") ?? "");
  // Anyone outside the placement gets a 404 before any validation message.
  const p = await getPlacement(viewer, params.placementId);
  const fail = (errors: Record<string, string>) => data<Result>({ intent, key, errors, notice: null }, { status: 400 });
  const done = (notice: string, back?: string) =>
    back
      ? redirect(safeRedirect(back, `/placements/${p.id}`))
      : ({ intent, key, errors: null, notice } satisfies Result);
  try {
    if (intent === "prerequisites") {
      const form = parseForm(formData, PrereqForm);
      if (!form.ok) return fail(form.errors);
      await confirmPrerequisites(viewer, p.id, {
        riskAssessment: form.data.riskAssessment === "yes",
        insurance: form.data.insurance === "yes",
        healthSafety: form.data.healthSafety === "yes",
      });
      return done("Thank you. Your confirmations have been recorded.", form.data.returnTo);
    }
    if (intent === "consent") {
      const form = parseForm(formData, ConsentForm);
      if (!form.ok) return fail(form.errors);
      await recordConsent(viewer, p.id, {
        pupilId: form.data.pupilId,
        givenBy: form.data.givenBy,
        consentDate: form.data.consentDate,
        method: form.data.method,
      });
      return done("Parental consent recorded.");
    }
    if (intent === "start") {
      const form = parseForm(formData, StartForm);
      if (!form.ok) return fail(form.errors);
      await startPlacement(viewer, p.id);
      return done("The placement has started.");
    }
    if (intent === "feedback") {
      const form = parseForm(formData, FeedbackSchema);
      if (!form.ok) return fail(form.errors);
      const { attendance, punctuality, teamwork, communication, digitalSkills } = form.data;
      await givePlacementFeedback(viewer, p.id, {
        pupilId: form.data.pupilId,
        ratings: { attendance, punctuality, teamwork, communication, digitalSkills },
        comment: form.data.comment ?? "",
        wouldHostAgain: form.data.wouldHostAgain === "yes",
      });
      return done("Thank you for your feedback.", form.data.returnTo);
    }
    if (intent === "complete") {
      const hours: Record<string, number> = {};
      const allowed = new Set(["intent", ...p.pupils.map((r) => `hours_${r.pupilId}`)]);
      for (const [name, value] of formData.entries()) {
        if (!allowed.has(name))
          return fail({ form: "The form contained fields it should not have. Reload the page and try again." });
        if (name.startsWith("hours_")) hours[name.slice(6)] = String(value).trim() === "" ? Number.NaN : Number(value);
      }
      await completePlacement(viewer, p.id, hours);
      return done("The placement is complete.");
    }
  } catch (error) {
    if (error instanceof PlacementError) return fail(error.errors);
    throw error;
  }
  throw new Response("Bad request", { status: 400 });
}

/** Error-summary keys for per-pupil forms, whose field ids end with the pupil id. */
function suffixed(errors: Record<string, string> | undefined, pupilId: string) {
  return errors
    ? Object.fromEntries(Object.entries(errors).map(([k, v]) => [k === "form" ? k : `${k}-${pupilId}`, v]))
    : undefined;
}

export default function PlacementPage() {
  const { p, today } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const errorsFor = (intent: string, key?: string) =>
    actionData?.intent === intent && (key === undefined || actionData.key === key)
      ? (actionData.errors ?? undefined)
      : undefined;
  return (
    <div className="stack">
      <p>
        <Link to="/placements">All placements</Link>
      </p>
      <h1>{p.title}</h1>
      {actionData?.notice ? <Notice tone="success">{actionData.notice}</Notice> : null}
      <ErrorSummary errors={errorsFor("start") ?? errorsFor("prerequisites") ?? errorsFor("complete")} />
      <dl className="summary-list">
        <div>
          <dt>Status</dt>
          <dd>{p.statusLabel}</dd>
        </div>
        <div>
          <dt>School</dt>
          <dd>{p.schoolName}</dd>
        </div>
        <div>
          <dt>Employer</dt>
          <dd>{p.employerName}</dd>
        </div>
        <div>
          <dt>Supervisor</dt>
          <dd>{p.supervisorName ?? "Not named"}</dd>
        </div>
        <div>
          <dt>Dates</dt>
          <dd>
            {formatShortDate(p.startDate)} to {formatShortDate(p.endDate)}
          </dd>
        </div>
        <div>
          <dt>Planned hours</dt>
          <dd>{p.hours}</dd>
        </div>
      </dl>

      <section aria-labelledby="checks-title">
        <h2 id="checks-title">Before the placement starts</h2>
        <ul className="check-list">
          <li>{p.prerequisites.riskAssessment ? "✓ Risk assessment confirmed" : "✗ Risk assessment not confirmed"}</li>
          <li>
            {p.prerequisites.insurance
              ? "✓ Employers' Liability insurance confirmed"
              : "✗ Employers' Liability insurance not confirmed"}
          </li>
          <li>
            {p.prerequisites.healthSafety ? "✓ Health and safety confirmed" : "✗ Health and safety not confirmed"}
          </li>
        </ul>
        {p.status === "PLANNED" && p.missing.length ? (
          <Notice tone="warning">
            <p>
              <strong>The placement cannot start yet. Missing:</strong>
            </p>
            <ul>
              {p.missing.map((m) => (
                <li key={m}>{m}</li>
              ))}
            </ul>
          </Notice>
        ) : null}
        {p.status === "PLANNED" && p.side.host ? (
          <PrerequisitesForm
            placementId={p.id}
            confirmed={{
              riskAssessment: Boolean(p.prerequisites.riskAssessment),
              insurance: Boolean(p.prerequisites.insurance),
              healthSafety: Boolean(p.prerequisites.healthSafety),
            }}
          />
        ) : null}
        {p.status === "PLANNED" && p.side.school ? (
          <Form method="post" noValidate>
            <input type="hidden" name="intent" value="start" />
            <button type="submit">Start placement</button>
          </Form>
        ) : null}
      </section>

      <section aria-labelledby="pupils-title">
        <h2 id="pupils-title">Pupils</h2>
        {p.pupils.map((r) => (
          <article key={r.pupilId} className="card pupil-card" aria-labelledby={`pupil-${r.pupilId}`}>
            <h3 id={`pupil-${r.pupilId}`}>
              {r.name}
              {r.yearGroup ? `, year ${r.yearGroup}` : ""}
            </h3>
            <p>
              Parental consent:{" "}
              {r.consent
                ? `given by ${r.consent.givenBy} on ${formatShortDate(r.consent.date)} (${CONSENT_METHOD_LABELS[r.consent.method as keyof typeof CONSENT_METHOD_LABELS] ?? r.consent.method})`
                : "not recorded"}
            </p>
            {p.side.school && p.status === "PLANNED" && !r.consent ? (
              <Form method="post" noValidate className="narrow-form">
                <ErrorSummary errors={suffixed(errorsFor("consent", r.pupilId), r.pupilId)} />
                <input type="hidden" name="intent" value="consent" />
                <input type="hidden" name="pupilId" value={r.pupilId} />
                <Field
                  name="givenBy"
                  id={`field-givenBy-${r.pupilId}`}
                  label={`Parent or carer who gave consent for ${r.name}`}
                  error={errorsFor("consent", r.pupilId)?.givenBy}
                />
                <Field
                  name="consentDate"
                  id={`field-consentDate-${r.pupilId}`}
                  label="Date consent was given"
                  type="date"
                  max={today}
                  defaultValue={today}
                  error={errorsFor("consent", r.pupilId)?.consentDate}
                />
                <SelectField
                  name="method"
                  id={`field-method-${r.pupilId}`}
                  label="How consent was given"
                  options={CONSENT_METHODS.map((m) => ({ value: m, label: CONSENT_METHOD_LABELS[m] }))}
                  error={errorsFor("consent", r.pupilId)?.method}
                />
                <button type="submit" className="secondary">
                  Record consent for {r.name}
                </button>
              </Form>
            ) : null}
            {r.hoursAttended !== null ? <p>Hours attended: {r.hoursAttended}</p> : null}
            {r.feedback ? (
              <ScrollTable caption={<>Feedback from {p.employerName}</>}>
                <tbody>
                  {FEEDBACK_CRITERIA.map((c) => (
                    <tr key={c}>
                      <th scope="row">{FEEDBACK_CRITERION_LABELS[c]}</th>
                      <td>
                        {r.feedback![c]} {FEEDBACK_SCALE.find((s) => s.value === r.feedback![c])?.label}
                      </td>
                    </tr>
                  ))}
                  <tr>
                    <th scope="row">Comment</th>
                    <td>{r.feedback.comment || "None"}</td>
                  </tr>
                  <tr>
                    <th scope="row">Would host again</th>
                    <td>{r.wouldHostAgain ? "Yes" : "No"}</td>
                  </tr>
                </tbody>
              </ScrollTable>
            ) : p.side.host && (p.status === "STARTED" || p.status === "COMPLETED") ? (
              <>
                <ErrorSummary errors={suffixed(errorsFor("feedback", r.pupilId), r.pupilId)} />
                <FeedbackForm
                  placementId={p.id}
                  pupilId={r.pupilId}
                  pupilName={r.name}
                  errors={errorsFor("feedback", r.pupilId)}
                />
              </>
            ) : null}
            {p.side.school && r.reflection ? <p>Pupil's reflection: {r.reflection}</p> : null}
          </article>
        ))}
      </section>

      {p.side.school && p.status === "STARTED" ? (
        <section aria-labelledby="complete-title">
          <h2 id="complete-title">Complete the placement</h2>
          <Form method="post" noValidate className="narrow-form">
            <input type="hidden" name="intent" value="complete" />
            {p.pupils.map((r) => (
              <Field
                key={r.pupilId}
                name={`hours_${r.pupilId}`}
                label={`Hours ${r.name} attended`}
                type="number"
                min={0}
                max={400}
                inputMode="numeric"
                defaultValue={String(p.hours)}
                error={errorsFor("complete")?.[`hours_${r.pupilId}`]}
              />
            ))}
            <button type="submit">Complete placement</button>
          </Form>
        </section>
      ) : null}
    </div>
  );
}
