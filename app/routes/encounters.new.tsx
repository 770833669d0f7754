import { data, Form, Link, useActionData, useLoaderData } from "react-router";
import { z } from "zod";
import type { Route } from "./+types/encounters.new";
import { requirePermission } from "~/auth/auth.server.ts";
import { ErrorSummary, Field, Notice, SelectField } from "~/components/form.tsx";
import { todayInEngland } from "~/domain/dates.ts";
import { EncounterFields, encounterOptions, logEncounter } from "~/models/encounters.server.ts";
import { PlacementError } from "~/models/placements.server.ts";
import { ENCOUNTER_KIND_LABELS, ENCOUNTER_KINDS } from "~/models/placements.shared.ts";
import { parseForm, readForm } from "~/utils/forms.ts";

export const meta: Route.MetaFunction = () => [{ title: "Log an employer encounter – Staffordshire Digital Skills" }];

const EncounterForm = z.object(EncounterFields);

export async function loader({ request }: Route.LoaderArgs) {
  const viewer = await requirePermission(request, "placement:manage");
  return { ...(await encounterOptions(viewer)), today: todayInEngland() };
}

export async function action({ request }: Route.ActionArgs) {
  const viewer = await requirePermission(request, "placement:manage");
  const form = parseForm(await readForm(request), EncounterForm);
  if (!form.ok) return data({ errors: form.errors, notice: null }, { status: 400 });
  try {
    const result = await logEncounter(viewer, form.data);
    return {
      errors: null,
      notice: `Encounter logged for ${result.attendees} pupil${result.attendees === 1 ? "" : "s"}.`,
    };
  } catch (error) {
    if (error instanceof PlacementError) return data({ errors: error.errors, notice: null }, { status: 400 });
    throw error;
  }
}

export default function NewEncounter() {
  const { classes, employers, today } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const errors = actionData?.errors ?? undefined;
  return (
    <div className="stack">
      <p>
        <Link to="/placements">Placements</Link>
      </p>
      <h1>Log an employer encounter</h1>
      <p>
        Record a talk, visit, workshop, mentoring or project for a whole class at once. Every pupil in the class is
        recorded as attending; it counts towards Gatsby benchmark 5.
      </p>
      {actionData?.notice ? <Notice tone="success">{actionData.notice}</Notice> : null}
      <ErrorSummary errors={errors} />
      {classes.length === 0 ? (
        <p>
          You have no classes this academic year. <Link to="/classes">Set up a class</Link> first.
        </p>
      ) : (
        <Form method="post" noValidate className="narrow-form">
          <SelectField
            name="cohortId"
            label="Class"
            options={classes.map((c) => ({ value: c.id, label: c.label }))}
            error={errors?.cohortId}
          />
          <SelectField
            name="kind"
            label="Kind of encounter"
            options={ENCOUNTER_KINDS.map((k) => ({ value: k, label: ENCOUNTER_KIND_LABELS[k] }))}
            error={errors?.kind}
          />
          <Field
            name="title"
            label="What was it?"
            hint="For example: Careers talk on software support roles"
            error={errors?.title}
          />
          <SelectField
            name="employerId"
            label="Employer (optional)"
            options={[
              { value: "", label: "No employer from the partnership" },
              ...employers.map((e) => ({ value: e.id, label: e.name })),
            ]}
            error={errors?.employerId}
          />
          <Field
            name="occurredOn"
            label="Date"
            type="date"
            max={today}
            defaultValue={today}
            error={errors?.occurredOn}
          />
          <button type="submit">Log encounter</button>
        </Form>
      )}
    </div>
  );
}
