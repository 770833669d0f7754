import { Link, useLoaderData } from "react-router";
import type { Route } from "./+types/people.$userId";
import { requirePermission } from "~/auth/auth.server.ts";
import { ROLE_LABELS } from "~/auth/permissions.ts";
import { dataRightsOver } from "~/models/data-rights.server.ts";
import { getPerson } from "~/models/organisation.server.ts";
import { isUuid } from "~/domain/ids.ts";
import { notFound } from "~/utils/http-errors.ts";
import { fullName } from "~/domain/names.ts";

export const meta: Route.MetaFunction = () => [{ title: "Person – Staffordshire Digital Skills" }];

// A person outside the viewer's organisations answers 404, exactly like one that does not exist.
export async function loader({ request, params }: Route.LoaderArgs) {
  const viewer = await requirePermission(request, "people:read");
  if (!isUuid(params.userId)) notFound();
  const person = await getPerson(viewer, params.userId);
  return {
    person: {
      ...person,
      memberships: person.memberships.map((m) => ({ role: ROLE_LABELS[m.role], organisation: m.organisation.name })),
    },
    rights: dataRightsOver(viewer, person),
  };
}

export default function Person() {
  const { person, rights } = useLoaderData<typeof loader>();
  const name = fullName(person);
  return (
    <div className="stack">
      <h1>{name}</h1>
      {person.disabledAt ? <p className="tag tag--red">Account disabled</p> : null}
      <dl>
        {person.email ? (
          <>
            <dt>Email</dt>
            <dd>{person.email}</dd>
          </>
        ) : null}
        {person.username ? (
          <>
            <dt>Username</dt>
            <dd>{person.username}</dd>
          </>
        ) : null}
        {person.yearGroup ? (
          <>
            <dt>Year group</dt>
            <dd>Year {person.yearGroup}</dd>
          </>
        ) : null}
      </dl>
      <h2>Roles</h2>
      <ul>
        {person.memberships.map((m) => (
          <li key={`${m.organisation}-${m.role}`}>
            {m.role}, {m.organisation}
          </li>
        ))}
      </ul>
      {rights.mayExport || rights.mayErase ? (
        <section aria-labelledby="data-rights-title" className="stack">
          <h2 id="data-rights-title">Their personal data</h2>
          <p>For a subject access or erasure request. Each opening of the record is written to the audit log.</p>
          <ul>
            {rights.mayExport ? (
              <>
                <li>
                  <Link to={`/people/${person.id}/record`}>Everything held about {name}</Link> (a page to print or save
                  as a PDF)
                </li>
                <li>
                  <Link to={`/people/${person.id}/export.json`} reloadDocument>
                    Download everything held about {name} as JSON
                  </Link>
                </li>
              </>
            ) : null}
            {rights.mayErase ? (
              <li>
                <Link to={`/people/${person.id}/erase`}>Erase {name}'s record</Link> (you see what changes before
                confirming)
              </li>
            ) : null}
          </ul>
        </section>
      ) : null}
    </div>
  );
}
