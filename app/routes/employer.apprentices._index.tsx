import { Form, Link, useActionData, useLoaderData } from "react-router";
import { z } from "zod";
import type { Route } from "./+types/employer.apprentices._index";
import { requirePermission } from "~/auth/auth.server.ts";
import { can } from "~/auth/permissions.ts";
import { formatShortDate } from "~/domain/dates.ts";
import { ApprenticeshipTable } from "~/components/apprenticeship-table.tsx";
import { Notice } from "~/components/form.tsx";
import { ScrollTable } from "~/components/table-scroll.tsx";
import { listEmployerApprentices } from "~/models/apprenticeships.server.ts";
import {
  cancelPendingEnrolment,
  invitedEmail,
  listPendingEnrolments,
  resendPendingEnrolment,
  type PendingEnrolmentItem,
} from "~/models/enrolment-invitations.server.ts";
import { parseForm, readForm } from "~/utils/forms.ts";

export const meta: Route.MetaFunction = () => [{ title: "Apprentices – Staffordshire Digital Skills" }];

const InvitationForm = z.object({ intent: z.enum(["cancel", "resend"]), pendingEnrolmentId: z.string().uuid() });

export async function loader({ request }: Route.LoaderArgs) {
  const viewer = await requirePermission(request, "apprentice:list");
  const url = new URL(request.url);
  const invitedId = url.searchParams.get("invited");
  const [apprentices, pending, invited] = await Promise.all([
    listEmployerApprentices(viewer),
    listPendingEnrolments(viewer),
    invitedId ? invitedEmail(viewer, invitedId) : null,
  ]);
  const isAdmin = viewer.memberships.some((m) => m.role === "EMPLOYER_ADMIN");
  return {
    apprentices,
    pending,
    invited,
    canEnrol: can(viewer, "apprentice:enrol"),
    isAdmin,
    enrolled: url.searchParams.get("enrolled") === "1",
  };
}

export async function action({ request }: Route.ActionArgs) {
  const viewer = await requirePermission(request, "apprentice:enrol");
  const form = parseForm(await readForm(request), InvitationForm);
  if (!form.ok) throw new Response("Bad request", { status: 400 });
  if (form.data.intent === "cancel") {
    await cancelPendingEnrolment(viewer, form.data.pendingEnrolmentId);
    return { notice: "The invitation has been cancelled. Its link no longer works." };
  }
  await resendPendingEnrolment(viewer, form.data.pendingEnrolmentId);
  return { notice: "A new invitation has been sent. The earlier link no longer works." };
}

export default function EmployerApprentices() {
  const { apprentices, pending, invited, canEnrol, isAdmin, enrolled } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const waiting = apprentices.filter((a) => a.plan.signed < 3).length;
  return (
    <div className="stack">
      <h1>Apprentices</h1>
      <p>
        {isAdmin ? "Everyone on an apprenticeship with your organisation." : "The apprentices you supervise."}{" "}
        {waiting > 0 ? `${waiting} training plan${waiting === 1 ? " is" : "s are"} waiting for signatures.` : null}
      </p>
      {enrolled ? (
        <div className="notice notice--success" role="status">
          The apprentice has been enrolled. Their training plan is ready to sign.
        </div>
      ) : null}
      {invited ? (
        <Notice tone="success">Invitation sent to {invited}. The apprenticeship starts when they accept it.</Notice>
      ) : null}
      {actionData?.notice ? <Notice tone="success">{actionData.notice}</Notice> : null}
      {canEnrol ? (
        <p>
          <Link className="button" to="/employer/apprentices/new">
            Enrol an apprentice
          </Link>
        </p>
      ) : null}
      <ApprenticeshipTable
        caption={`${apprentices.length} apprentice${apprentices.length === 1 ? "" : "s"}`}
        rows={apprentices}
        show={{ employer: false, tutor: true, supervisor: true }}
      />
      {pending.length ? <PendingInvitations rows={pending} /> : null}
    </div>
  );
}

function PendingInvitations({ rows }: { rows: PendingEnrolmentItem[] }) {
  return (
    <section aria-labelledby="pending-title" className="stack">
      <h2 id="pending-title">Invited, not yet started</h2>
      <p>Each apprenticeship starts when the person accepts the emailed invitation.</p>
      <ScrollTable caption={`${rows.length} invitation${rows.length === 1 ? "" : "s"}`}>
        <thead>
          <tr>
            <th scope="col">Name given</th>
            <th scope="col">Email address</th>
            <th scope="col">Standard</th>
            <th scope="col">Start date</th>
            <th scope="col">Status</th>
            <th scope="col">Actions</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={r.id}>
              <th scope="row">{r.name}</th>
              <td>{r.email}</td>
              <td>{r.standard}</td>
              <td>{r.startDate ? formatShortDate(r.startDate) : ""}</td>
              <td>
                <span className={`tag ${r.state === "waiting" ? "tag--amber" : "tag--red"}`}>{r.stateLabel}</span>
              </td>
              <td>
                <Form method="post" className="actions">
                  <input type="hidden" name="pendingEnrolmentId" value={r.id} />
                  <button
                    type="submit"
                    name="intent"
                    value="resend"
                    className="secondary"
                    aria-label={`Send again: the invitation to ${r.name}`}
                  >
                    Send again
                  </button>
                  <button
                    type="submit"
                    name="intent"
                    value="cancel"
                    className="secondary"
                    aria-label={`Cancel the invitation to ${r.name}`}
                  >
                    Cancel
                  </button>
                </Form>
              </td>
            </tr>
          ))}
        </tbody>
      </ScrollTable>
    </section>
  );
}
