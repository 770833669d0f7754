import { useLoaderData } from "react-router";
import type { Route } from "./+types/people.$userId";
import { requirePermission } from "~/auth/auth.server.ts";
import { ROLE_LABELS } from "~/auth/permissions.ts";
import { getPerson } from "~/models/organisation.server.ts";

export const meta: Route.MetaFunction = () => [{ title: "Person – Staffordshire Digital Skills" }];

// A person outside the viewer's organisations answers 404, exactly like one that does not exist.
export async function loader({ request, params }: Route.LoaderArgs) {
  const viewer = await requirePermission(request, "people:read");
  if (!/^[0-9a-f-]{36}$/i.test(params.userId)) throw new Response("Not found", { status: 404 });
  const person = await getPerson(viewer, params.userId);
  return { person: { ...person, memberships: person.memberships.map((m) => ({ role: ROLE_LABELS[m.role], organisation: m.organisation.name })) } };
}

export default function Person() {
  const { person } = useLoaderData<typeof loader>();
  return (
    <div className="stack">
      <h1>{person.firstName} {person.lastName}</h1>
      {person.disabledAt ? <p className="tag tag--red">Account disabled</p> : null}
      <dl>
        {person.email ? (<><dt>Email</dt><dd>{person.email}</dd></>) : null}
        {person.username ? (<><dt>Username</dt><dd>{person.username}</dd></>) : null}
        {person.yearGroup ? (<><dt>Year group</dt><dd>Year {person.yearGroup}</dd></>) : null}
      </dl>
      <h2>Roles</h2>
      <ul>{person.memberships.map((m) => <li key={`${m.organisation}-${m.role}`}>{m.role}, {m.organisation}</li>)}</ul>
    </div>
  );
}
