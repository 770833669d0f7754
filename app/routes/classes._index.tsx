import { Link, useLoaderData } from "react-router";
import type { Route } from "./+types/classes._index";
import { requirePermission } from "~/auth/auth.server.ts";
import { currentAcademicYear, formatAcademicYear, listClasses } from "~/models/classes.server.ts";
import { ScrollTable } from "~/components/table-scroll.tsx";

export const meta: Route.MetaFunction = () => [{ title: "Classes – Staffordshire Digital Skills" }];

export async function loader({ request }: Route.LoaderArgs) {
  const viewer = await requirePermission(request, "class:manage");
  const year = currentAcademicYear();
  return { classes: await listClasses(viewer, year), academicYear: formatAcademicYear(year) };
}

export default function Classes() {
  const { classes, academicYear } = useLoaderData<typeof loader>();
  return (
    <div className="stack">
      <h1>Classes</h1>
      <p className="actions">
        <Link className="button" to="/classes/new">
          Create a class
        </Link>
      </p>
      {classes.length === 0 ? (
        <p>
          Your school has no classes for {academicYear} yet. Create one, then upload its class list from your school's
          system.
        </p>
      ) : (
        <ScrollTable caption={<>Your school's classes in {academicYear}</>}>
          <thead>
            <tr>
              <th scope="col">Class</th>
              <th scope="col">Year group</th>
              <th scope="col">Pupils</th>
              <th scope="col">Pathways</th>
              <th scope="col">Teacher</th>
            </tr>
          </thead>
          <tbody>
            {classes.map((c) => (
              <tr key={c.id}>
                <th scope="row">
                  <Link to={`/classes/${c.id}`}>{c.name}</Link>
                </th>
                <td>Year {c.yearGroup}</td>
                <td>{c.pupils}</td>
                <td>{c.pathways.length === 0 ? "None yet" : c.pathways.join(", ")}</td>
                <td>{c.teacherName ?? "—"}</td>
              </tr>
            ))}
          </tbody>
        </ScrollTable>
      )}
    </div>
  );
}
