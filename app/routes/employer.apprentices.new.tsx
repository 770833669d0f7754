import { data, Form, Link, redirect, useActionData, useLoaderData } from "react-router";
import { z } from "zod";
import type { Route } from "./+types/employer.apprentices.new";
import { requirePermission } from "~/auth/auth.server.ts";
import { formatShortDate } from "~/domain/dates.ts";
import { ErrorSummary, Field, Notice, SelectField } from "~/components/form.tsx";
import { EnrolmentFields } from "~/models/apprenticeship-fields.ts";
import {
  checkEnrolment,
  enrollingEmployer,
  enrolmentOptions,
  type EnrolmentPreview,
} from "~/models/apprenticeship-enrolment.server.ts";
import { enrolApprentice } from "~/models/enrolment-invitations.server.ts";
import { parseForm, readForm } from "~/utils/forms.ts";
import { fullName } from "~/domain/names.ts";

export const meta: Route.MetaFunction = () => [{ title: "Enrol an apprentice – Staffordshire Digital Skills" }];

const FIELD_NAMES = Object.keys(EnrolmentFields) as (keyof typeof EnrolmentFields)[];
const PreviewForm = z.object({ intent: z.literal("preview"), ...EnrolmentFields });
const ConfirmForm = z.object({ intent: z.literal("confirm"), ...EnrolmentFields });

function orgParam(request: Request) {
  return new URL(request.url).searchParams.get("org") ?? undefined;
}

export async function loader({ request }: Route.LoaderArgs) {
  const viewer = await requirePermission(request, "apprentice:enrol");
  const employer = await enrollingEmployer(viewer, orgParam(request));
  const options = employer.status === "APPROVED" ? await enrolmentOptions(viewer, employer.id) : null;
  return { employer, options };
}

type Values = Record<string, string>;
type ActionResult =
  | { stage: "form"; errors: Record<string, string> | null; values: Values }
  | { stage: "preview"; preview: EnrolmentPreview; values: Values };

export async function action({ request }: Route.ActionArgs) {
  const viewer = await requirePermission(request, "apprentice:enrol");
  const employer = await enrollingEmployer(viewer, orgParam(request));
  const formData = await readForm(request);
  const intent = formData.get("intent");
  const values: Values = {};
  for (const name of FIELD_NAMES) {
    const v = formData.get(name);
    if (typeof v === "string") values[name] = v;
  }
  if (intent === "change") return { stage: "form", errors: null, values } satisfies ActionResult;
  if (intent === "preview") {
    const form = parseForm(formData, PreviewForm);
    if (!form.ok) return data({ stage: "form", errors: form.errors, values } satisfies ActionResult, { status: 400 });
    const { intent: _intent, ...input } = form.data;
    const checked = await checkEnrolment(viewer, employer.id, input);
    if (!checked.ok)
      return data({ stage: "form", errors: checked.errors, values } satisfies ActionResult, { status: 400 });
    return { stage: "preview", preview: checked.preview, values } satisfies ActionResult;
  }
  if (intent === "confirm") {
    const form = parseForm(formData, ConfirmForm);
    if (!form.ok) return data({ stage: "form", errors: form.errors, values } satisfies ActionResult, { status: 400 });
    const { intent: _intent, ...input } = form.data;
    const result = await enrolApprentice(viewer, employer.id, input);
    if (!result.ok)
      return data({ stage: "form", errors: result.errors, values } satisfies ActionResult, { status: 400 });
    if (result.kind === "invited") return redirect(`/employer/apprentices?invited=${result.pendingEnrolmentId}`);
    return redirect(`/apprenticeships/${result.apprenticeshipId}?enrolled=1`);
  }
  throw new Response("Bad request", { status: 400 });
}

export default function EnrolApprentice() {
  const { employer, options } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>() as ActionResult | undefined;
  if (!options) {
    return (
      <div className="stack">
        <h1>Enrol an apprentice</h1>
        <Notice tone="warning">
          {employer.name} is waiting for approval by the partnership. You can enrol apprentices once it is approved.
        </Notice>
      </div>
    );
  }
  if (actionData?.stage === "preview") return <CheckAnswers preview={actionData.preview} values={actionData.values} />;
  const errors = actionData?.errors ?? undefined;
  const v = actionData?.values ?? {};
  const noTutors = options.tutors.length === 0;
  const noSupervisors = options.supervisors.length === 0;
  return (
    <div className="stack narrow-form">
      <h1>Enrol an apprentice</h1>
      <p>
        With {employer.name}. You will see the planned off-the-job hours, and how they were worked out, before anything
        is saved.
      </p>
      {noSupervisors ? (
        <Notice tone="warning">
          Your organisation has no workplace supervisor yet. <Link to={`/org/${employer.id}/people`}>Invite one</Link>{" "}
          first.
        </Notice>
      ) : null}
      {noTutors ? (
        <Notice tone="warning">The training provider has no tutors set up yet. Ask the partnership.</Notice>
      ) : null}
      <ErrorSummary errors={errors} />
      <Form method="post" noValidate>
        <fieldset>
          <legend>The apprentice</legend>
          <Field
            name="email"
            label="Email address"
            type="email"
            autoComplete="off"
            defaultValue={v.email}
            error={errors?.email}
            hint="Someone already in your organisation is enrolled at once. Anyone else is emailed an invitation, and the apprenticeship starts when they accept it (with their existing account, if they have one)."
            required
          />
          <Field
            name="firstName"
            label="First name"
            defaultValue={v.firstName}
            error={errors?.firstName}
            hint="Not needed for someone already in your organisation."
          />
          <Field
            name="lastName"
            label="Last name"
            defaultValue={v.lastName}
            error={errors?.lastName}
            hint="Not needed for someone already in your organisation."
          />
          <Field
            name="upn"
            label="Unique pupil number (UPN), optional"
            defaultValue={v.upn}
            error={errors?.upn}
            hint="From their school, if they have it. With their full name it finds someone already in your organisation; otherwise the partnership uses it to link their school record."
          />
          <Field
            name="dateOfBirth"
            label="Date of birth"
            type="date"
            defaultValue={v.dateOfBirth}
            error={errors?.dateOfBirth}
            hint="Used for the age band at the start and whether English and maths are required."
            required
          />
        </fieldset>
        <fieldset>
          <legend>The apprenticeship</legend>
          <SelectField
            name="standardId"
            label="Apprenticeship standard"
            defaultValue={v.standardId}
            error={errors?.standardId}
            options={[
              { value: "", label: "Choose a standard" },
              ...options.standards.map((s) => ({
                value: s.id,
                label: `${s.reference} ${s.title}, level ${s.level}, minimum ${s.otjMinimumHours ?? "not published"} OTJ hours (starts from Aug 2025)`,
              })),
            ]}
          />
          <details>
            <summary>Knowledge, skills and behaviours (KSBs) of each standard</summary>
            {options.standards.map((s) => (
              <div key={s.id}>
                <h3>
                  {s.reference} {s.title} (level {s.level})
                </h3>
                <ul className="ksb-list">
                  {s.ksbs.map((k) => (
                    <li key={k.code}>
                      <strong>{k.code}</strong> {k.text}
                    </li>
                  ))}
                </ul>
              </div>
            ))}
          </details>
          <Field
            name="startDate"
            label="Start date"
            type="date"
            defaultValue={v.startDate}
            error={errors?.startDate}
            required
          />
          <Field
            name="plannedEndDate"
            label="Planned end date"
            type="date"
            defaultValue={v.plannedEndDate}
            error={errors?.plannedEndDate}
            hint="The last day of the practical period. At least 8 months after the start for starts from 1 August 2025."
            required
          />
          <Field
            name="contractedWeeklyHours"
            label="Contracted weekly hours"
            inputMode="decimal"
            defaultValue={v.contractedWeeklyHours}
            error={errors?.contractedWeeklyHours}
            hint="Between 1 and 48, for example 37.5."
            required
          />
          <Field
            name="priorLearningHours"
            label="Prior learning, in hours"
            inputMode="numeric"
            defaultValue={v.priorLearningHours ?? "0"}
            error={errors?.priorLearningHours}
            hint="Evidenced recognition of prior learning (RPL). 0 if none."
            required
          />
          <SelectField
            name="englishMaths"
            label="English and maths"
            defaultValue={v.englishMaths ?? "auto"}
            error={errors?.englishMaths}
            options={[
              { value: "auto", label: "Decide from age at start (required for 16 to 18, optional from 19)" },
              { value: "required", label: "Required" },
              { value: "not-required", label: "Not required (19 or over at the start only)" },
            ]}
          />
        </fieldset>
        <fieldset>
          <legend>Who supports them</legend>
          <SelectField
            name="tutorId"
            label="Tutor from the training provider"
            defaultValue={v.tutorId}
            error={errors?.tutorId}
            options={[
              { value: "", label: "Choose a tutor" },
              ...options.tutors.map((t) => ({ value: t.id, label: `${t.name} (${t.providerName})` })),
            ]}
          />
          <SelectField
            name="supervisorId"
            label="Workplace supervisor"
            defaultValue={v.supervisorId}
            error={errors?.supervisorId}
            options={[
              { value: "", label: "Choose a supervisor" },
              ...options.supervisors.map((s) => ({ value: s.id, label: s.name })),
            ]}
          />
          <SelectField
            name="pathwayId"
            label="Microsoft learning pathway (optional)"
            defaultValue={v.pathwayId}
            error={errors?.pathwayId}
            options={[
              { value: "", label: "None for now" },
              ...options.pathways.map((p) => ({ value: p.id, label: p.title })),
            ]}
          />
        </fieldset>
        <div className="actions">
          <button type="submit" name="intent" value="preview">
            Continue to check your answers
          </button>
          <Link to="/employer/apprentices">Cancel</Link>
        </div>
      </Form>
    </div>
  );
}

function CheckAnswers({ preview: p, values }: { preview: EnrolmentPreview; values: Values }) {
  const hidden = FIELD_NAMES.map((name) => <input key={name} type="hidden" name={name} value={values[name] ?? ""} />);
  const invite = p.person.kind === "invite";
  const person =
    p.person.kind === "held"
      ? `${p.person.name} (already in your organisation)`
      : `${fullName(p.person)}, ${p.person.email} (we will email them an invitation; the apprenticeship starts when they accept it)`;
  return (
    <div className="stack">
      <h1>Check your answers before enrolling</h1>
      {p.warnings.map((w) => (
        <Notice key={w} tone="warning">
          {w}
        </Notice>
      ))}
      <section aria-labelledby="otj-title" className="otj-summary">
        <h2 id="otj-title">Planned off-the-job training: {p.otj.hours} hours</h2>
        <p>
          <strong>Rule:</strong> {p.otj.regimeLabel}.
        </p>
        <p>
          <strong>How it was worked out:</strong> {p.otj.explanation}
        </p>
      </section>
      <dl className="summary-list">
        <div>
          <dt>Apprentice</dt>
          <dd>{person}</dd>
        </div>
        <div>
          <dt>Date of birth</dt>
          <dd>
            {formatShortDate(p.dateOfBirth)} (aged {p.ageAtStart} at the start)
          </dd>
        </div>
        <div>
          <dt>Employer</dt>
          <dd>{p.employer.name}</dd>
        </div>
        <div>
          <dt>Standard</dt>
          <dd>
            {p.standard.reference} {p.standard.title}, level {p.standard.level}
          </dd>
        </div>
        <div>
          <dt>Start date</dt>
          <dd>{formatShortDate(p.startDate)}</dd>
        </div>
        <div>
          <dt>Planned end date</dt>
          <dd>{formatShortDate(p.plannedEndDate)}</dd>
        </div>
        <div>
          <dt>Contracted weekly hours</dt>
          <dd>{p.contractedWeeklyHours}</dd>
        </div>
        <div>
          <dt>Prior learning</dt>
          <dd>{p.priorLearningHours} hours</dd>
        </div>
        <div>
          <dt>English and maths</dt>
          <dd>{p.englishMaths.reason}</dd>
        </div>
        <div>
          <dt>Tutor</dt>
          <dd>
            {p.tutor.name} ({p.tutor.providerName})
          </dd>
        </div>
        <div>
          <dt>Workplace supervisor</dt>
          <dd>{p.supervisor.name}</dd>
        </div>
        <div>
          <dt>Learning pathway</dt>
          <dd>{p.pathway?.title ?? "None"}</dd>
        </div>
      </dl>
      <details>
        <summary>The standard's {p.standard.ksbs.length} knowledge, skills and behaviours</summary>
        <ul className="ksb-list">
          {p.standard.ksbs.map((k) => (
            <li key={k.code}>
              <strong>{k.code}</strong> {k.text}
            </li>
          ))}
        </ul>
      </details>
      <Form method="post" className="actions">
        {hidden}
        <button type="submit" name="intent" value="confirm">
          {invite ? "Confirm and send the invitation" : "Confirm and enrol"}
        </button>
        <button type="submit" name="intent" value="change" className="secondary">
          Change answers
        </button>
      </Form>
    </div>
  );
}
