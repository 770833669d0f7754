import { Link, redirect, useLoaderData } from "react-router";
import type { Route } from "./+types/placements._index";
import { requireViewer } from "~/auth/auth.server.ts";
import { can } from "~/auth/permissions.ts";
import { formatShortDate } from "~/domain/dates.ts";
import { listPlacements } from "~/models/placements.server.ts";
import { ScrollTable } from "~/components/table-scroll.tsx";
import { notFound } from "~/utils/http-errors.ts";

export const meta: Route.MetaFunction = () => [{ title: "Work experience placements – Staffordshire Digital Skills" }];

export async function loader({ request }: Route.LoaderArgs) {
  const viewer = await requireViewer(request);
  const school = can(viewer, "placement:manage");
  if (!school && !can(viewer, "placement:host")) {
    if (can(viewer, "placement:reflect")) throw redirect("/placements/mine");
    notFound();
  }
  return { school, placements: await listPlacements(viewer) };
}

export default function Placements() {
  const { school, placements } = useLoaderData<typeof loader>();
  return (
    <div className="stack">
      <h1>Work experience placements</h1>
      {school ? (
        <ul className="actions link-list">
          <li>
            <Link className="button" to="/placements/new">
              Set up a placement
            </Link>
          </li>
          <li>
            <Link to="/encounters/new">Log an employer encounter for a class</Link>
          </li>
          <li>
            <Link to="/placements/gatsby">Gatsby benchmarks by year group</Link>
          </li>
          <li>
            <Link to="/placements/hosts">Host employer pool</Link>
          </li>
        </ul>
      ) : (
        <p>
          Placements your organisation hosts{school ? "" : " (a supervisor sees the placements naming them)"}. Things
          waiting on you are also in your <Link to="/employer/inbox">inbox</Link>.
        </p>
      )}
      {placements.length === 0 ? (
        <p>No placements yet.</p>
      ) : (
        <ScrollTable
          caption={
            <>
              {placements.length} placement{placements.length === 1 ? "" : "s"}
            </>
          }
        >
          <thead>
            <tr>
              <th scope="col">Placement</th>
              <th scope="col">{school ? "Employer" : "School"}</th>
              <th scope="col">Dates</th>
              <th scope="col">Pupils</th>
              <th scope="col">Status</th>
            </tr>
          </thead>
          <tbody>
            {placements.map((p) => (
              <tr key={p.id}>
                <td>
                  <Link to={`/placements/${p.id}`}>{p.title}</Link>
                </td>
                <td>{school ? p.employerName : p.schoolName}</td>
                <td>
                  {formatShortDate(p.startDate)} to {formatShortDate(p.endDate)}
                </td>
                <td>{p.pupilCount}</td>
                <td>
                  {p.statusLabel}
                  {p.missing > 0 ? (
                    <>
                      {" "}
                      <span className="tag tag--amber">
                        {p.missing} thing{p.missing === 1 ? "" : "s"} missing
                      </span>
                    </>
                  ) : null}
                </td>
              </tr>
            ))}
          </tbody>
        </ScrollTable>
      )}
    </div>
  );
}
