import { data, Form, Link, useActionData, useLoaderData } from "react-router";
import { z } from "zod";
import type { Route } from "./+types/classes.$classId._index";
import { requirePermission } from "~/auth/auth.server.ts";
import { Notice, SelectField } from "~/components/form.tsx";
import { enrolClassInPathway, formatAcademicYear, loadClassGrid } from "~/models/classes.server.ts";
import { parseForm, readForm } from "~/utils/forms.ts";
import { can } from "~/auth/permissions.ts";
import { STUCK_AFTER_DAYS } from "~/domain/progress-log.ts";
import { ScrollTable } from "~/components/table-scroll.tsx";
import { fullName } from "~/domain/names.ts";

export const meta: Route.MetaFunction = ({ loaderData }) => [
  { title: `${loaderData?.cohort.name ?? "Class"} – Staffordshire Digital Skills` },
];

const EnrolForm = z.object({ intent: z.literal("enrol"), pathwayId: z.string().uuid("Choose a pathway.") });

export async function loader({ request, params }: Route.LoaderArgs) {
  const viewer = await requirePermission(request, "class:manage");
  // One statement: the grid, stuck flags, the pending count and the pathways still to enrol in.
  const grid = await loadClassGrid(viewer, params.classId);
  return {
    cohort: { ...grid.cohort, academicYear: formatAcademicYear(grid.cohort.academicYear) },
    pathwayTitles: grid.pathwayTitles,
    modules: grid.modules.map((m) => ({ id: m.id, title: m.title, durationMinutes: m.durationMinutes })),
    // Only what the page shows, each pupil's row of the grid as one string ("1" done, "0" not
    // yet) in module order: the page carries this data again for hydration.
    pupils: grid.pupils.map((p) => ({
      id: p.id,
      name: fullName(p),
      stuck: p.stuck,
      completedCount: p.completedCount,
      percent: p.percent,
      row: grid.modules.map((m) => (p.completed.includes(m.id) ? "1" : "0")).join(""),
    })),
    enrollable: grid.enrollable,
    stuckCount: grid.pupils.filter((p) => p.stuck).length,
    pendingCount: grid.pendingCount,
    canVerify: can(viewer, "progress:verify"),
  };
}

export async function action({ request, params }: Route.ActionArgs) {
  const viewer = await requirePermission(request, "class:manage");
  const form = parseForm(await readForm(request), EnrolForm);
  if (!form.ok) return data({ error: form.errors.pathwayId ?? "Choose a pathway.", notice: null }, { status: 400 });
  const { pathwayTitle, enrolmentsCreated } = await enrolClassInPathway(viewer, params.classId, form.data.pathwayId);
  return {
    error: null,
    notice: `The class is enrolled in ${pathwayTitle}. ${enrolmentsCreated} ${enrolmentsCreated === 1 ? "pupil was" : "pupils were"} newly enrolled; pupils who join the class later are enrolled too.`,
  };
}

export default function ClassGrid() {
  const { cohort, pathwayTitles, modules, pupils, enrollable, stuckCount, pendingCount, canVerify } =
    useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  return (
    <div className="stack">
      <h1>{cohort.name}</h1>
      <p>
        Year {cohort.yearGroup}, {cohort.academicYear}, {cohort.schoolName}. {pupils.length}{" "}
        {pupils.length === 1 ? "pupil" : "pupils"}.
      </p>
      {actionData?.notice ? <Notice tone="success">{actionData.notice}</Notice> : null}
      <p className="actions">
        <Link className="button" to={`/classes/${cohort.id}/import`}>
          Upload a class list
        </Link>
        <Link className="button secondary" to={`/classes/${cohort.id}/setup-codes`}>
          Print setup codes
        </Link>
      </p>

      <section aria-labelledby="pathways-title">
        <h2 id="pathways-title">Pathways</h2>
        <p>
          {pathwayTitles.length === 0
            ? "This class is not enrolled in a pathway yet."
            : `Enrolled in: ${pathwayTitles.join(", ")}.`}
        </p>
        {enrollable.length > 0 ? (
          <Form method="post" noValidate className="inline-form">
            <input type="hidden" name="intent" value="enrol" />
            <SelectField
              name="pathwayId"
              label="Enrol the whole class in a pathway"
              options={enrollable}
              error={actionData?.error ?? undefined}
            />
            <button type="submit">Enrol class</button>
          </Form>
        ) : null}
      </section>

      <section aria-labelledby="grid-title">
        <h2 id="grid-title">Progress</h2>
        {/* The class's verification queue and stuck pupils */}
        <p className="grid-flags">
          {canVerify ? (
            pendingCount > 0 ? (
              <Link to={`/verify?class=${cohort.id}`}>
                {pendingCount} {pendingCount === 1 ? "entry is" : "entries are"} waiting for verification
              </Link>
            ) : (
              "No entries are waiting for verification."
            )
          ) : (
            `${pendingCount} ${pendingCount === 1 ? "entry is" : "entries are"} waiting for a teacher to verify.`
          )}
          {stuckCount > 0
            ? ` ${stuckCount} ${stuckCount === 1 ? "pupil has" : "pupils have"} had no verified progress in ${STUCK_AFTER_DAYS} days.`
            : ""}
        </p>
        {pupils.length === 0 ? (
          <p>
            No pupils yet. <Link to={`/classes/${cohort.id}/import`}>Upload the class list</Link> from your school's
            system.
          </p>
        ) : modules.length === 0 ? (
          <p>Enrol the class in a pathway to see pupils' progress through its modules.</p>
        ) : (
          <ScrollTable
            caption={
              <>
                Verified module completions: {pupils.length} pupils × {modules.length} modules
              </>
            }
            className="class-grid"
          >
            <thead>
              <tr>
                <th scope="col">Pupil</th>
                <th scope="col">Progress</th>
                {modules.map((m) => (
                  <th scope="col" key={m.id}>
                    {m.title}
                    <span className="hint-inline"> ({m.durationMinutes} min)</span>
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {pupils.map((p) => (
                <tr key={p.id}>
                  <th scope="row">
                    {p.name}
                    {p.stuck ? (
                      <>
                        {" "}
                        <span className="tag tag--amber stuck-flag">
                          Stuck
                          <span className="visually-hidden">: no verified progress in {STUCK_AFTER_DAYS} days</span>
                        </span>
                      </>
                    ) : null}
                  </th>
                  <td className="progress-cell">
                    <progress
                      max={modules.length}
                      value={p.completedCount}
                      aria-label={`${p.name}: ${p.completedCount} of ${modules.length} modules`}
                    />
                    <span>{`${p.completedCount} of ${modules.length} (${p.percent}%)`}</span>
                  </td>
                  {/* One element per cell: 600 cells are most of this page's rendering time. */}
                  {modules.map((m, i) =>
                    p.row[i] === "1" ? (
                      <td key={m.id} className="grid-done">
                        Done
                      </td>
                    ) : (
                      <td key={m.id} className="muted">
                        Not yet
                      </td>
                    ),
                  )}
                </tr>
              ))}
            </tbody>
          </ScrollTable>
        )}
      </section>
    </div>
  );
}
