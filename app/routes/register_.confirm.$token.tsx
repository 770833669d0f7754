import { data, Form, Link, useActionData, useLoaderData } from "react-router";
import { z } from "zod";
import type { Route } from "./+types/register_.confirm.$token";
import { startSession } from "~/auth/auth.server.ts";
import { AccountError } from "~/auth/account.server.ts";
import { ErrorSummary } from "~/components/form.tsx";
import { confirmRegistration, describeRegistration } from "~/models/registration.server.ts";
import { parseForm, readForm } from "~/utils/forms.ts";

export const meta: Route.MetaFunction = () => [
  { title: "Confirm your request to join – Staffordshire Digital Skills" },
];

const ConfirmForm = z.object({});

// Opening the link only shows the request: mail scanners open links, so only the button acts.
export async function loader({ params }: Route.LoaderArgs) {
  return { registration: await describeRegistration(params.token) };
}

export async function action({ request, params }: Route.ActionArgs) {
  const form = parseForm(await readForm(request), ConfirmForm);
  if (!form.ok) return data({ errors: form.errors }, { status: 400 });
  try {
    const created = await confirmRegistration(params.token);
    return startSession(created.userId, created.roles, "/?registered=1", request);
  } catch (error) {
    if (error instanceof AccountError)
      return data({ errors: { form: error.message } as Record<string, string> }, { status: 400 });
    throw error;
  }
}

export default function ConfirmRegistration() {
  const { registration } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  if (!registration) {
    return (
      <div className="stack">
        <h1>This link has expired</h1>
        <p>
          Links to confirm a request to join work once, for one day. <Link to="/register">Ask to join again</Link>.
        </p>
      </div>
    );
  }
  return (
    <div className="stack" style={{ maxWidth: "36rem" }}>
      <h1>Confirm your request to join</h1>
      <ErrorSummary errors={actionData?.errors} />
      <dl>
        <dt>{registration.kind === "SCHOOL" ? "School" : "Employer"}</dt>
        <dd>{registration.name}</dd>
        <dt>Area</dt>
        <dd>{registration.districtName}</dd>
        {registration.urn ? (
          <>
            <dt>URN</dt>
            <dd>{registration.urn}</dd>
          </>
        ) : null}
        {registration.companyNumber ? (
          <>
            <dt>Company number</dt>
            <dd>{registration.companyNumber}</dd>
          </>
        ) : null}
        <dt>Its first admin</dt>
        <dd>
          {registration.firstName} {registration.lastName} ({registration.email})
        </dd>
      </dl>
      <p>
        Confirming creates your account with the password you chose and sends the request to the partnership, which
        checks it before staff can be invited.
      </p>
      <Form method="post">
        <button type="submit">Confirm and send the request</button>
      </Form>
      <p>If these are not your details, close this page: nothing is created unless you confirm.</p>
    </div>
  );
}
