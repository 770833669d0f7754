/**
 * Subject access, readable: one person's whole record as a page that prints to PDF (the print
 * styles in app.css hide navigation). Same reach and audit as the JSON export.
 */
import { Link, useLoaderData } from "react-router";
import type { Route } from "./+types/people.$userId_.record";
import { requireViewer } from "~/auth/auth.server.ts";
import { can } from "~/auth/permissions.ts";
import { isPlanFullySigned } from "~/domain/training-plan.ts";
import { exportSubjectAccess } from "~/models/data-rights.server.ts";
import { ScrollTable } from "~/components/table-scroll.tsx";

export const meta: Route.MetaFunction = () => [{ title: "Personal record – Staffordshire Digital Skills" }];

export async function loader({ request, params }: Route.LoaderArgs) {
  const viewer = await requireViewer(request);
  const record = await exportSubjectAccess(viewer, params.userId, "page");
  return {
    record,
    canErase: can(viewer, "person:erase") && viewer.userId !== params.userId && !record.person.erasedAt,
  };
}

function show(value: unknown): string {
  if (value === null || value === undefined || value === "") return "–";
  if (typeof value === "string" && /^\d{4}-\d{2}-\d{2}T/.test(value))
    return value.endsWith("T00:00:00.000Z")
      ? value.slice(0, 10)
      : new Date(value).toLocaleString("en-GB", { timeZone: "Europe/London" });
  if (Array.isArray(value)) return value.map(show).join(", ") || "–";
  if (typeof value === "object") return JSON.stringify(value);
  return String(value);
}

function Section({ title, rows }: { title: string; rows: Record<string, unknown>[] }) {
  if (rows.length === 0) {
    return (
      <section className="stack">
        <h2>{title}</h2>
        <p>None.</p>
      </section>
    );
  }
  const columns = [...new Set(rows.flatMap((r) => Object.keys(r)))];
  return (
    <section className="stack">
      <h2>{title}</h2>
      <ScrollTable
        caption={
          <>
            {title} ({rows.length})
          </>
        }
      >
        <thead>
          <tr>
            {columns.map((c) => (
              <th scope="col" key={c}>
                {c}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((row, i) => (
            <tr key={i}>
              {columns.map((c) => (
                <td key={c}>{show(row[c])}</td>
              ))}
            </tr>
          ))}
        </tbody>
      </ScrollTable>
    </section>
  );
}

export default function PersonalRecord() {
  const { record, canErase } = useLoaderData<typeof loader>();
  const p = record.person;
  return (
    <div className="stack subject-access">
      <h1>
        Personal record: {p.firstName} {p.lastName}
      </h1>
      <p>
        {record.about} Produced {show(record.exportedAt)}. To keep a copy, print this page or save it as a PDF.
      </p>
      <p className="no-print">
        <Link to={`/people/${p.id}/export.json`} reloadDocument>
          Download as JSON
        </Link>
        {canErase ? (
          <>
            {" "}
            · <Link to={`/people/${p.id}/erase`}>Erase this person's record</Link>
          </>
        ) : null}
      </p>
      <section className="stack">
        <h2>Personal details</h2>
        <dl>
          {Object.entries(p).map(([key, value]) => (
            <div key={key}>
              <dt>{key}</dt>
              <dd>{show(value)}</dd>
            </div>
          ))}
        </dl>
      </section>
      <Section title="Roles" rows={record.roles} />
      <Section title="Classes" rows={record.classes} />
      <Section title="Enrolments" rows={record.enrolments} />
      <Section title="Learning and off-the-job records" rows={record.progressEntries} />
      <Section
        title="Apprenticeships"
        rows={record.apprenticeships.map(({ reviews, breaks, trainingPlan, ...a }) => ({
          ...a,
          reviews: reviews.length,
          breaks: breaks.length,
          trainingPlanSigned: isPlanFullySigned(trainingPlan),
        }))}
      />
      <Section title="Progress reviews" rows={record.apprenticeships.flatMap((a) => a.reviews)} />
      <Section title="Work experience" rows={record.placements} />
      <Section title="Employer encounters" rows={record.employerEncounters} />
      <Section title="Review addenda written" rows={record.reviewAddenda} />
      <Section title="Emails sent" rows={record.emailsSent} />
      <Section title="Audit trail: about this person" rows={record.auditTrail.aboutThisPerson} />
      <Section title="Audit trail: by this person" rows={record.auditTrail.byThisPerson} />
    </div>
  );
}
