import { Link, useLoaderData } from "react-router";
import type { Route } from "./+types/_index";
import { getViewer } from "~/auth/auth.server.ts";
import { navigationFor } from "~/auth/navigation.ts";
import { ROLE_LABELS } from "~/auth/permissions.ts";

export const meta: Route.MetaFunction = () => [{ title: "Staffordshire Digital Skills" }];

export async function loader({ request }: Route.LoaderArgs) {
  const viewer = await getViewer(request);
  if (!viewer) return { viewer: null };
  return {
    viewer: {
      displayName: viewer.displayName,
      memberships: viewer.memberships.map((m) => ({
        organisationId: m.organisationId,
        organisationName: m.organisationName,
        role: ROLE_LABELS[m.role],
      })),
      links: navigationFor(viewer).filter((item) => item.to !== "/"),
    },
  };
}

export default function Home() {
  const { viewer } = useLoaderData<typeof loader>();
  if (!viewer) {
    return (
      <div className="stack">
        <h1>Staffordshire Digital Skills</h1>
        <p>
          Track the Microsoft Digital Skills programme and digital apprenticeships across Staffordshire and
          Stoke-on-Trent: enrolment, learning, off-the-job training, work experience and the partnership's outcome
          reports.
        </p>
        <p>
          <Link className="button" to="/login">
            Sign in
          </Link>
        </p>
      </div>
    );
  }
  return (
    <div className="stack">
      <h1>Welcome, {viewer.displayName}</h1>
      <h2>Your roles</h2>
      <ul className="cards">
        {viewer.memberships.map((m) => (
          <li className="card" key={`${m.organisationId}-${m.role}`}>
            <h3>{m.role}</h3>
            <p>{m.organisationName}</p>
          </li>
        ))}
      </ul>
      {viewer.links.length ? (
        <>
          <h2>Go to</h2>
          <ul>
            {viewer.links.map((l) => (
              <li key={l.to}>
                <Link to={l.to}>{l.label}</Link>
              </li>
            ))}
          </ul>
        </>
      ) : null}
    </div>
  );
}
