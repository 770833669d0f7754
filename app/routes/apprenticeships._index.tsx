import { useLoaderData } from "react-router";
import type { Route } from "./+types/apprenticeships._index";
import { requireViewer } from "~/auth/auth.server.ts";
import { ApprenticeshipTable } from "~/components/apprenticeship-table.tsx";
import { listOwnApprenticeships } from "~/models/apprenticeships.server.ts";

export const meta: Route.MetaFunction = () => [{ title: "My apprenticeship – Staffordshire Digital Skills" }];

export async function loader({ request }: Route.LoaderArgs) {
  const viewer = await requireViewer(request);
  return { apprenticeships: await listOwnApprenticeships(viewer) };
}

export default function MyApprenticeships() {
  const { apprenticeships } = useLoaderData<typeof loader>();
  return (
    <div className="stack">
      <h1>My apprenticeship</h1>
      {apprenticeships.length === 0 ? (
        <p>You have no apprenticeship yet. Your employer enrols you.</p>
      ) : (
        <ApprenticeshipTable
          caption="Your apprenticeships"
          rows={apprenticeships}
          show={{ employer: true, tutor: true, supervisor: true }}
        />
      )}
    </div>
  );
}
