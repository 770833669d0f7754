import { Link, useLoaderData } from "react-router";
import type { Route } from "./+types/employer.apprentices._index";
import { requirePermission } from "~/auth/auth.server.ts";
import { can } from "~/auth/permissions.ts";
import { ApprenticeshipTable } from "~/components/apprenticeship-table.tsx";
import { listEmployerApprentices } from "~/models/apprenticeships.server.ts";

export const meta: Route.MetaFunction = () => [{ title: "Apprentices – Staffordshire Digital Skills" }];

export async function loader({ request }: Route.LoaderArgs) {
  const viewer = await requirePermission(request, "apprentice:list");
  const apprentices = await listEmployerApprentices(viewer);
  const isAdmin = viewer.memberships.some((m) => m.role === "EMPLOYER_ADMIN");
  return { apprentices, canEnrol: can(viewer, "apprentice:enrol"), isAdmin, enrolled: new URL(request.url).searchParams.get("enrolled") === "1" };
}

export default function EmployerApprentices() {
  const { apprentices, canEnrol, isAdmin, enrolled } = useLoaderData<typeof loader>();
  const waiting = apprentices.filter((a) => a.plan.signed < 3).length;
  return (
    <div className="stack">
      <h1>Apprentices</h1>
      <p>{isAdmin ? "Everyone on an apprenticeship with your organisation." : "The apprentices you supervise."} {waiting > 0 ? `${waiting} training plan${waiting === 1 ? " is" : "s are"} waiting for signatures.` : null}</p>
      {enrolled ? <div className="notice notice--success" role="status">The apprentice has been enrolled. Their training plan is ready to sign.</div> : null}
      {canEnrol ? <p><Link className="button" to="/employer/apprentices/new">Enrol an apprentice</Link></p> : null}
      <ApprenticeshipTable caption={`${apprentices.length} apprentice${apprentices.length === 1 ? "" : "s"}`} rows={apprentices} show={{ employer: false, tutor: true, supervisor: true }} />
    </div>
  );
}
