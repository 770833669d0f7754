import { data, Form, Link, redirect, useActionData, useLoaderData } from "react-router";
import { z } from "zod";
import type { Route } from "./+types/placements.new";
import { requirePermission } from "~/auth/auth.server.ts";
import { ErrorSummary, Field, SelectField } from "~/components/form.tsx";
import { todayInEngland } from "~/domain/dates.ts";
import { createPlacement, newPlacementOptions, PlacementError, PlacementFields } from "~/models/placements.server.ts";
import { parseForm, readForm } from "~/utils/forms.ts";

export const meta: Route.MetaFunction = () => [{ title: "Set up a placement – Staffordshire Digital Skills" }];

const CreateForm = z.object({ ...PlacementFields, pupilId: z.string().optional() });

export async function loader({ request }: Route.LoaderArgs) {
  const viewer = await requirePermission(request, "placement:manage");
  const url = new URL(request.url);
  const year = Number(url.searchParams.get("year") ?? "");
  const options = await newPlacementOptions(viewer, {
    q: url.searchParams.get("q") ?? undefined,
    employerId: url.searchParams.get("employerId") ?? undefined,
    schoolId: url.searchParams.get("schoolId") ?? undefined,
    yearGroup: Number.isInteger(year) && year >= 7 && year <= 13 ? year : undefined,
  });
  return {
    ...options,
    q: url.searchParams.get("q") ?? "",
    year: Number.isInteger(year) && year >= 7 ? year : null,
    today: todayInEngland(),
  };
}

export async function action({ request }: Route.ActionArgs) {
  const viewer = await requirePermission(request, "placement:manage");
  const formData = await readForm(request);
  const form = parseForm(formData, CreateForm);
  if (!form.ok) return data({ errors: form.errors, values: form.values }, { status: 400 });
  const pupilIds = formData.getAll("pupilId").map(String);
  try {
    const { pupilId: _p, ...fields } = form.data;
    const placement = await createPlacement(viewer, { ...fields, pupilIds });
    return redirect(`/placements/${placement.id}`);
  } catch (error) {
    if (error instanceof PlacementError)
      return data({ errors: error.errors, values: form.data as Record<string, unknown> }, { status: 400 });
    throw error;
  }
}

export default function NewPlacement() {
  const o = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const errors = actionData?.errors;
  const v = (actionData?.values ?? {}) as Record<string, string | undefined>;
  return (
    <div className="stack">
      <p>
        <Link to="/placements">All placements</Link>
      </p>
      <h1>Set up a placement</h1>
      <ErrorSummary errors={errors} />
      {!o.employer ? (
        <section aria-labelledby="employer-title" className="narrow-form">
          <h2 id="employer-title">Step 1: choose the employer</h2>
          <Form method="get" role="search" aria-label="Find an employer">
            <Field name="q" label="Search approved employers by name" type="search" defaultValue={o.q} />
            <button type="submit" className="secondary">
              Search
            </button>
          </Form>
          {o.employers.length ? (
            <Form method="get">
              {o.q ? <input type="hidden" name="q" value={o.q} /> : null}
              <SelectField
                name="employerId"
                label="Employer"
                options={o.employers.map((e) => ({
                  value: e.id,
                  label: `${e.name}${e.detail ? ` (${e.detail})` : ""}`,
                }))}
              />
              {o.schools.length > 1 ? (
                <SelectField
                  name="schoolId"
                  label="School"
                  options={o.schools.map((s) => ({ value: s.id, label: s.name }))}
                />
              ) : null}
              <button type="submit">Continue</button>
            </Form>
          ) : (
            <p>No approved employer matches “{o.q}”.</p>
          )}
        </section>
      ) : (
        <>
          <p>
            Employer: <strong>{o.employer.name}</strong> (<Link to="/placements/new">choose another</Link>)
          </p>
          <Form method="get" className="inline-form" aria-label="Filter pupils by year group">
            <input type="hidden" name="employerId" value={o.employer.id} />
            <input type="hidden" name="schoolId" value={o.schoolId} />
            <SelectField
              name="year"
              label="Show pupils in year group"
              defaultValue={o.year ? String(o.year) : ""}
              options={[
                { value: "", label: "All year groups" },
                ...[7, 8, 9, 10, 11, 12, 13].map((y) => ({ value: String(y), label: `Year ${y}` })),
              ]}
            />
            <button type="submit" className="secondary">
              Show pupils
            </button>
          </Form>
          <Form method="post" noValidate className="narrow-form">
            <input type="hidden" name="employerId" value={o.employer.id} />
            <input type="hidden" name="schoolId" value={o.schoolId} />
            <Field
              name="title"
              label="Placement title"
              hint="For example: Digital support work experience"
              defaultValue={v.title ?? ""}
              error={errors?.title}
            />
            <fieldset className={errors?.pupilId ? "field--error" : undefined}>
              <legend id="field-pupilId">Pupils</legend>
              {errors?.pupilId ? (
                <p className="error-message">
                  <span className="visually-hidden">Error: </span>
                  {errors.pupilId}
                </p>
              ) : null}
              {o.pupils.length === 0 ? <p>No pupils to show.</p> : null}
              {o.pupils.map((p) => (
                <div className="field checkbox" key={p.id}>
                  <input type="checkbox" id={`pupil-${p.id}`} name="pupilId" value={p.id} />
                  <label htmlFor={`pupil-${p.id}`}>
                    {p.name}
                    {p.yearGroup ? `, year ${p.yearGroup}` : ""}
                  </label>
                </div>
              ))}
            </fieldset>
            <SelectField
              name="supervisorId"
              label="Workplace supervisor (optional)"
              defaultValue={v.supervisorId ?? ""}
              options={[
                { value: "", label: "Not named yet" },
                ...o.supervisors.map((s) => ({ value: s.id, label: s.name })),
              ]}
              error={errors?.supervisorId}
            />
            <Field
              name="startDate"
              label="Start date"
              type="date"
              min={o.today}
              defaultValue={v.startDate ?? ""}
              error={errors?.startDate}
            />
            <Field
              name="endDate"
              label="End date"
              type="date"
              min={o.today}
              defaultValue={v.endDate ?? ""}
              error={errors?.endDate}
            />
            <Field
              name="hours"
              label="Planned hours"
              type="number"
              inputMode="numeric"
              min={1}
              max={400}
              defaultValue={v.hours !== undefined ? String(v.hours) : "30"}
              error={errors?.hours}
            />
            <button type="submit">Create placement</button>
          </Form>
        </>
      )}
    </div>
  );
}
