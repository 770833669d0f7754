import { data, Form, useActionData, useLoaderData } from "react-router";
import { z } from "zod";
import type { Route } from "./+types/placements.mine";
import { requirePermission } from "~/auth/auth.server.ts";
import { formatShortDate } from "~/domain/dates.ts";
import { ErrorSummary, Notice } from "~/components/form.tsx";
import { BENCHMARK_STATE_LABELS } from "~/domain/gatsby.ts";
import { myPlacements, PlacementError, saveReflection } from "~/models/placements.server.ts";
import { FEEDBACK_CRITERIA, FEEDBACK_CRITERION_LABELS, FEEDBACK_SCALE } from "~/models/placements.shared.ts";
import { parseForm, readForm } from "~/utils/forms.ts";
import { ScrollTable } from "~/components/table-scroll.tsx";

export const meta: Route.MetaFunction = () => [{ title: "My work experience – Staffordshire Digital Skills" }];

const ReflectionForm = z.object({
  placementId: z.string(),
  reflection: z.string().max(4000, "Keep your reflection to 4,000 characters or fewer."),
});

export async function loader({ request }: Route.LoaderArgs) {
  const viewer = await requirePermission(request, "placement:reflect");
  return myPlacements(viewer);
}

export async function action({ request }: Route.ActionArgs) {
  const viewer = await requirePermission(request, "placement:reflect");
  const form = parseForm(await readForm(request), ReflectionForm);
  if (!form.ok)
    return data({ placementId: form.values.placementId ?? null, errors: form.errors, notice: null }, { status: 400 });
  try {
    await saveReflection(viewer, form.data.placementId, form.data.reflection);
    return { placementId: form.data.placementId, errors: null, notice: "Your reflection has been saved." };
  } catch (error) {
    if (error instanceof PlacementError)
      return data({ placementId: form.data.placementId, errors: error.errors, notice: null }, { status: 400 });
    throw error;
  }
}

export default function MyWorkExperience() {
  const { gatsby, placements } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  return (
    <div className="stack">
      <h1>My work experience</h1>
      {actionData?.notice ? <Notice tone="success">{actionData.notice}</Notice> : null}
      {gatsby ? (
        <section className="card gatsby-card" aria-labelledby="gatsby-title">
          <h2 id="gatsby-title">My careers progress</h2>
          <dl className="summary-list">
            <div>
              <dt>Met an employer this school year</dt>
              <dd>{gatsby.benchmark5.met ? `Yes (${gatsby.benchmark5.encounters})` : "Not yet"}</dd>
            </div>
            <div>
              <dt>Workplace experience by 16</dt>
              <dd>{BENCHMARK_STATE_LABELS[gatsby.benchmark6By16.state]}</dd>
            </div>
            <div>
              <dt>Another workplace experience by 18</dt>
              <dd>{BENCHMARK_STATE_LABELS[gatsby.benchmark6By18.state]}</dd>
            </div>
            <div>
              <dt>Work experience hours</dt>
              <dd>
                {gatsby.workExperience.hours} of {gatsby.workExperience.entitlement} hours
              </dd>
            </div>
          </dl>
        </section>
      ) : null}
      <h2>My placements</h2>
      {placements.length === 0 ? <p>You have no placements yet.</p> : null}
      {placements.map((p) => {
        const errors = actionData?.placementId === p.placementId ? (actionData.errors ?? undefined) : undefined;
        const fieldId = `field-reflection-${p.placementId}`;
        return (
          <article key={p.placementId} className="card" aria-labelledby={`placement-${p.placementId}`}>
            <h3 id={`placement-${p.placementId}`}>
              {p.title} at {p.employerName}
            </h3>
            <p>
              {formatShortDate(p.startDate)} to {formatShortDate(p.endDate)}. {p.statusLabel}. {p.hours} hours.
            </p>
            {p.feedback ? (
              <ScrollTable caption="Feedback from your supervisor">
                <tbody>
                  {FEEDBACK_CRITERIA.map((c) => (
                    <tr key={c}>
                      <th scope="row">{FEEDBACK_CRITERION_LABELS[c]}</th>
                      <td>{FEEDBACK_SCALE.find((s) => s.value === p.feedback![c])?.label}</td>
                    </tr>
                  ))}
                  {p.feedback.comment ? (
                    <tr>
                      <th scope="row">Comment</th>
                      <td>{p.feedback.comment}</td>
                    </tr>
                  ) : null}
                </tbody>
              </ScrollTable>
            ) : null}
            {p.canReflect ? (
              <Form method="post" noValidate>
                <ErrorSummary
                  errors={
                    errors
                      ? Object.fromEntries(
                          Object.entries(errors).map(([k, v]) => [
                            k === "reflection" ? `reflection-${p.placementId}` : k,
                            v,
                          ]),
                        )
                      : undefined
                  }
                />
                <input type="hidden" name="placementId" value={p.placementId} />
                <div className={`field${errors?.reflection ? " field--error" : ""}`}>
                  <label htmlFor={fieldId}>My reflection</label>
                  <p className="hint" id={`${fieldId}-hint`}>
                    What did you do, what did you learn, and what would you like to find out more about?
                  </p>
                  {errors?.reflection ? (
                    <p className="error-message" id={`${fieldId}-error`}>
                      <span className="visually-hidden">Error: </span>
                      {errors.reflection}
                    </p>
                  ) : null}
                  <textarea
                    id={fieldId}
                    name="reflection"
                    rows={5}
                    defaultValue={p.reflection ?? ""}
                    aria-describedby={`${fieldId}-hint${errors?.reflection ? ` ${fieldId}-error` : ""}`}
                  />
                </div>
                <button type="submit">Save reflection</button>
              </Form>
            ) : null}
          </article>
        );
      })}
    </div>
  );
}
