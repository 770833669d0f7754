import { Form, useLoaderData } from "react-router";
import { z } from "zod";
import type { Route } from "./+types/admin.organisations";
import { requirePermission } from "~/auth/auth.server.ts";
import { listOrganisations, setOrganisationStatus } from "~/models/organisation.server.ts";
import { parseForm, readForm } from "~/utils/forms.ts";
import { ScrollTable } from "~/components/table-scroll.tsx";

export const meta: Route.MetaFunction = () => [{ title: "Organisations – Staffordshire Digital Skills" }];

const StatusForm = z.object({ organisationId: z.string().uuid(), status: z.enum(["APPROVED", "SUSPENDED"]) });

export async function loader({ request }: Route.LoaderArgs) {
  const viewer = await requirePermission(request, "org:approve");
  return { organisations: await listOrganisations(viewer) };
}

export async function action({ request }: Route.ActionArgs) {
  const viewer = await requirePermission(request, "org:approve");
  const form = parseForm(await readForm(request), StatusForm);
  if (!form.ok) throw new Response("Bad request", { status: 400 });
  await setOrganisationStatus(viewer, form.data.organisationId, form.data.status);
  return { ok: true };
}

const KIND_LABEL = { SCHOOL: "School", EMPLOYER: "Employer", PROVIDER: "Provider", COUNCIL: "Council" } as const;
const STATUS_TONE = { PENDING: "tag--amber", APPROVED: "tag--green", SUSPENDED: "tag--red" } as const;

export default function Organisations() {
  const { organisations } = useLoaderData<typeof loader>();
  const pending = organisations.filter((o) => o.status === "PENDING").length;
  return (
    <div className="stack">
      <h1>Organisations</h1>
      <p>
        {pending === 0
          ? "No organisations are waiting for approval."
          : `${pending} organisation${pending === 1 ? " is" : "s are"} waiting for approval.`}
      </p>
      <ScrollTable caption="All organisations, waiting for approval first">
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">Kind</th>
            <th scope="col">Area</th>
            <th scope="col">Status</th>
            <th scope="col">Action</th>
          </tr>
        </thead>
        <tbody>
          {organisations.map((o) => (
            <tr key={o.id}>
              <td>{o.name}</td>
              <td>{KIND_LABEL[o.kind]}</td>
              <td>{o.district.name}</td>
              <td>
                <span className={`tag ${STATUS_TONE[o.status]}`}>{o.status.toLowerCase()}</span>
              </td>
              <td>
                <Form method="post">
                  <input type="hidden" name="organisationId" value={o.id} />
                  {o.status === "APPROVED" ? (
                    <button type="submit" name="status" value="SUSPENDED" className="secondary">
                      Suspend<span className="visually-hidden"> {o.name}</span>
                    </button>
                  ) : (
                    <button type="submit" name="status" value="APPROVED">
                      Approve<span className="visually-hidden"> {o.name}</span>
                    </button>
                  )}
                </Form>
              </td>
            </tr>
          ))}
        </tbody>
      </ScrollTable>
    </div>
  );
}
