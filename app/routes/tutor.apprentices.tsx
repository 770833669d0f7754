import { useLoaderData } from "react-router";
import type { Route } from "./+types/tutor.apprentices";
import { requirePermission } from "~/auth/auth.server.ts";
import { ApprenticeshipTable } from "~/components/apprenticeship-table.tsx";
import { listCaseload } from "~/models/apprenticeships.server.ts";

export const meta: Route.MetaFunction = () => [{ title: "Caseload – Staffordshire Digital Skills" }];

export async function loader({ request }: Route.LoaderArgs) {
  const viewer = await requirePermission(request, "caseload:read");
  return { apprentices: await listCaseload(viewer) };
}

export default function Caseload() {
  const { apprentices } = useLoaderData<typeof loader>();
  const waiting = apprentices.filter((a) => a.plan.waitingFor.includes("tutor")).length;
  return (
    <div className="stack">
      <h1>Your caseload</h1>
      <p>
        The apprentices you are the tutor for.{" "}
        {waiting > 0 ? `${waiting} training plan${waiting === 1 ? " is" : "s are"} waiting for your signature.` : null}
      </p>
      <ApprenticeshipTable
        caption={`${apprentices.length} apprentice${apprentices.length === 1 ? "" : "s"} on your caseload`}
        rows={apprentices}
        show={{ employer: true, tutor: false, supervisor: true }}
      />
    </div>
  );
}
