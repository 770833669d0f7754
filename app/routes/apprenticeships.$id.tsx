import { data, Form, useActionData, useLoaderData } from "react-router";
import { z } from "zod";
import type { Route } from "./+types/apprenticeships.$id";
import { requireViewer } from "~/auth/auth.server.ts";
import { formatShortDate, formatLongDateTime } from "~/domain/dates.ts";
import { ErrorSummary, Field, Notice } from "~/components/form.tsx";
import { ScrollTable } from "~/components/table-scroll.tsx";
import { PlanChangeSchema } from "~/models/apprenticeship-fields.ts";
import { changePlanDetails, getApprenticeship, signTrainingPlan } from "~/models/apprenticeships.server.ts";
import { OtjChart, RagTag } from "~/components/otj-chart.tsx";
import { apprenticeshipOtj } from "~/models/otj-status.server.ts";
import { parseForm, readForm } from "~/utils/forms.ts";
import { notFound } from "~/utils/http-errors.ts";

export const meta: Route.MetaFunction = () => [
  { title: "Apprenticeship and training plan – Staffordshire Digital Skills" },
];

const SignForm = z.object({
  intent: z.literal("sign"),
  party: z.enum(["apprentice", "employer", "tutor"]),
  agree: z.literal("yes", { message: "Tick the box to confirm you agree to this training plan." }),
});
const ChangeForm = PlanChangeSchema.extend({ intent: z.literal("change-plan") });

export async function loader({ request, params }: Route.LoaderArgs) {
  const viewer = await requireViewer(request);
  const apprenticeship = await getApprenticeship(viewer, params.id);
  const otj = await apprenticeshipOtj(viewer, params.id);
  return { a: apprenticeship, otj, enrolled: new URL(request.url).searchParams.get("enrolled") };
}

export async function action({ request, params }: Route.ActionArgs) {
  const viewer = await requireViewer(request);
  const formData = await readForm(request);
  const intent = formData.get("intent");
  if (intent === "sign") {
    const party = formData.get("party");
    const form = parseForm(formData, SignForm);
    if (!form.ok) {
      // Someone who cannot sign for that party learns nothing: the same 404 as a stranger.
      const visible = await getApprenticeship(viewer, params.id);
      if (!visible.mySignatureParties.some((p) => p === party)) notFound();
      return data(
        { intent: "sign", party: typeof party === "string" ? party : null, errors: form.errors, notice: null },
        { status: 400 },
      );
    }
    const result = await signTrainingPlan(viewer, params.id, form.data.party);
    return {
      intent: "sign",
      party: form.data.party,
      errors: null,
      notice: result.fullySigned
        ? "Thank you. The training plan is now signed by all three parties."
        : "Thank you. Your signature has been recorded.",
    };
  }
  if (intent === "change-plan") {
    const form = parseForm(formData, ChangeForm);
    if (!form.ok) {
      if (!(await getApprenticeship(viewer, params.id)).canEdit) notFound();
      return data({ intent: "change-plan", party: null, errors: form.errors, notice: null }, { status: 400 });
    }
    const { intent: _intent, ...input } = form.data;
    const result = await changePlanDetails(viewer, params.id, input);
    if (!result.ok)
      return data({ intent: "change-plan", party: null, errors: result.errors, notice: null }, { status: 400 });
    return {
      intent: "change-plan",
      party: null,
      errors: null,
      notice:
        "The plan has been updated and the planned off-the-job hours recalculated. Everyone needs to sign it again.",
    };
  }
  throw new Response("Bad request", { status: 400 });
}

export default function ApprenticeshipPage() {
  const { a, otj, enrolled } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const plan = a.plan;
  const c = plan?.content;
  const signErrors = actionData?.intent === "sign" ? (actionData.errors ?? undefined) : undefined;
  const changeErrors = actionData?.intent === "change-plan" ? (actionData.errors ?? undefined) : undefined;
  return (
    <div className="stack">
      <h1>
        {a.apprenticeName}: {a.standard}
      </h1>
      {enrolled === "1" ? (
        <Notice tone="success">Enrolled. {a.apprenticeName} can sign the plan with their existing account.</Notice>
      ) : null}
      {actionData?.notice ? <Notice tone="success">{actionData.notice}</Notice> : null}
      {a.learningBeforeSignature > 0 ? (
        <Notice tone="warning">
          <strong>Learning logged before the training plan was agreed:</strong> {a.learningBeforeSignature} learning
          record{a.learningBeforeSignature === 1 ? " was" : "s were"} logged{" "}
          {plan?.fullySigned
            ? "before all three parties signed the plan"
            : "while the plan is not yet signed by all three parties"}
          . Training should start only once the plan is agreed.
        </Notice>
      ) : null}
      <dl className="summary-list">
        <div>
          <dt>Status</dt>
          <dd>{a.statusLabel}</dd>
        </div>
        <div>
          <dt>Employer</dt>
          <dd>{a.employerName}</dd>
        </div>
        <div>
          <dt>Training provider</dt>
          <dd>{a.providerName}</dd>
        </div>
        <div>
          <dt>Tutor</dt>
          <dd>{a.tutorName ?? "None yet"}</dd>
        </div>
        <div>
          <dt>Workplace supervisor</dt>
          <dd>{a.supervisorName ?? "None yet"}</dd>
        </div>
        <div>
          <dt>Training plan</dt>
          <dd>{a.state.label}</dd>
        </div>
        {/* Progress reviews and the EPA gateway checklist */}
        <div>
          <dt>Progress reviews</dt>
          <dd>
            <a href={`/apprenticeships/${a.id}/reviews`}>Review schedule and signatures</a> ·{" "}
            <a href={`/apprenticeships/${a.id}/gateway`}>EPA gateway checklist</a>
          </dd>
        </div>
      </dl>

      <section aria-labelledby="otj-title">
        <h2 id="otj-title">Off-the-job training</h2>
        <p>
          <RagTag rag={otj.status.rag} /> {otj.status.reason}
        </p>
        <OtjChart id="otj" series={otj.series} planned={otj.status.plannedTotal} summary={otj.status.reason} />
        <p>
          <a href={`/apprenticeships/${a.id}/otj-history`}>Every change to the off-the-job hours</a>
        </p>
      </section>

      {plan && c ? (
        <section aria-labelledby="plan-title" className="training-plan">
          <h2 id="plan-title">Training plan</h2>
          {plan.fullySigned ? (
            <Notice tone="success">
              Agreed by all three parties on {formatLongDateTime(plan.fullySignedAt!)}. The plan is locked.
            </Notice>
          ) : (
            <p>
              The apprentice, the employer and the training provider each agree to this plan before training starts.
            </p>
          )}
          <dl className="summary-list">
            <div>
              <dt>Standard</dt>
              <dd>
                {c.standard.reference} {c.standard.title}, level {c.standard.level}
              </dd>
            </div>
            <div>
              <dt>Start date</dt>
              <dd>{formatShortDate(c.startDate)}</dd>
            </div>
            <div>
              <dt>Planned end date</dt>
              <dd>{formatShortDate(c.plannedEndDate)}</dd>
            </div>
            <div>
              <dt>Contracted weekly hours</dt>
              <dd>{c.contractedWeeklyHours}</dd>
            </div>
            <div>
              <dt>Prior learning (RPL)</dt>
              <dd>{c.priorLearningHours} hours</dd>
            </div>
            <div>
              <dt>Planned off-the-job training</dt>
              <dd>
                <strong>{c.otj.hours} hours</strong>. {c.otj.regimeLabel}.<br />
                How it was worked out: {c.otj.explanation}
              </dd>
            </div>
            <div>
              <dt>English and maths</dt>
              <dd>{c.englishMaths.reason}</dd>
            </div>
            <div>
              <dt>Apprentice</dt>
              <dd>{c.parties.apprentice.name}</dd>
            </div>
            <div>
              <dt>Employer</dt>
              <dd>
                {c.parties.employer.name}, workplace supervisor {c.parties.supervisor.name}
              </dd>
            </div>
            <div>
              <dt>Training provider</dt>
              <dd>
                {c.parties.provider.name}, tutor {c.parties.tutor.name}
              </dd>
            </div>
            {c.pathway ? (
              <div>
                <dt>Learning pathway</dt>
                <dd>{c.pathway.title}</dd>
              </div>
            ) : null}
          </dl>
          <h3>Knowledge, skills and behaviours to be learned</h3>
          <ul className="ksb-list">
            {c.ksbs.map((k) => (
              <li key={k.code}>
                <strong>{k.code}</strong> {k.text}
              </li>
            ))}
          </ul>
          <p>
            Off-the-job training is new learning of these knowledge, skills and behaviours in paid hours. English and
            maths up to level 2 do not count towards it.
          </p>

          <ScrollTable caption="Signatures">
            <thead>
              <tr>
                <th scope="col">Party</th>
                <th scope="col">Signed by</th>
                <th scope="col">When</th>
              </tr>
            </thead>
            <tbody>
              {plan.signatures.map((s) => (
                <tr key={s.party}>
                  <th scope="row">{s.label}</th>
                  <td>{s.signedBy ?? <span className="tag tag--amber">Not signed yet</span>}</td>
                  <td>{s.signedAt ? formatLongDateTime(s.signedAt) : "–"}</td>
                </tr>
              ))}
            </tbody>
          </ScrollTable>

          {a.mySignatureParties.map((party) => {
            const signature = plan.signatures.find((s) => s.party === party)!;
            if (signature.signedAt) return null;
            const errors = actionData?.intent === "sign" && actionData.party === party ? signErrors : undefined;
            return (
              <Form method="post" key={party} className="sign-box" noValidate>
                <h3>Sign as {signature.label.toLowerCase()}</h3>
                <ErrorSummary
                  errors={
                    errors
                      ? Object.fromEntries(
                          Object.entries(errors).map(([k, v]) => [k === "agree" ? `agree-${party}` : k, v]),
                        )
                      : undefined
                  }
                />
                <input type="hidden" name="intent" value="sign" />
                <input type="hidden" name="party" value={party} />
                <div className={`field checkbox${errors?.agree ? " field--error" : ""}`}>
                  {errors?.agree ? (
                    <p className="error-message" id={`field-agree-${party}-error`}>
                      <span className="visually-hidden">Error: </span>
                      {errors.agree}
                    </p>
                  ) : null}
                  <input
                    type="checkbox"
                    id={`field-agree-${party}`}
                    name="agree"
                    value="yes"
                    aria-describedby={errors?.agree ? `field-agree-${party}-error` : undefined}
                  />
                  <label htmlFor={`field-agree-${party}`}>
                    I agree to this training plan ({signature.label.toLowerCase()})
                  </label>
                </div>
                <p className="hint">Your name and the date and time are recorded as your signature.</p>
                <button type="submit">Sign the training plan</button>
              </Form>
            );
          })}

          {a.canEdit ? (
            plan.fullySigned ? (
              <p>
                Dates and hours cannot be changed now the plan is agreed: a change needs a new version of the plan,
                agreed by all three.
              </p>
            ) : (
              <details open={Boolean(changeErrors)}>
                <summary>Change dates or hours before the plan is agreed</summary>
                <ErrorSummary errors={changeErrors} />
                <Form method="post" noValidate>
                  <input type="hidden" name="intent" value="change-plan" />
                  <Field
                    name="plannedEndDate"
                    label="Planned end date"
                    type="date"
                    defaultValue={c.plannedEndDate}
                    error={changeErrors?.plannedEndDate}
                    required
                  />
                  <Field
                    name="contractedWeeklyHours"
                    label="Contracted weekly hours"
                    inputMode="decimal"
                    defaultValue={String(c.contractedWeeklyHours)}
                    error={changeErrors?.contractedWeeklyHours}
                    required
                  />
                  <Field
                    name="priorLearningHours"
                    label="Prior learning, in hours"
                    inputMode="numeric"
                    defaultValue={String(c.priorLearningHours)}
                    error={changeErrors?.priorLearningHours}
                    required
                  />
                  <p className="hint">
                    The planned off-the-job hours are recalculated, and any signatures already given are cleared.
                  </p>
                  <button type="submit" className="secondary">
                    Save changes
                  </button>
                </Form>
              </details>
            )
          ) : null}
        </section>
      ) : (
        <p>There is no training plan for this apprenticeship.</p>
      )}
    </div>
  );
}
