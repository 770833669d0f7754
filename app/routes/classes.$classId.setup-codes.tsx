import { useEffect, useState } from "react";
import { Form, Link, useActionData, useLoaderData } from "react-router";
import type { Route } from "./+types/classes.$classId.setup-codes";
import { requirePermission } from "~/auth/auth.server.ts";
import { Notice } from "~/components/form.tsx";
import { generateSetupCodes, pupilsAwaitingSetup } from "~/models/setup-codes.server.ts";
import { readForm } from "~/utils/forms.ts";

export const meta: Route.MetaFunction = () => [{ title: "Setup codes – Staffordshire Digital Skills" }];

export async function loader({ request, params }: Route.LoaderArgs) {
  const viewer = await requirePermission(request, "class:manage");
  const { cohort, pupils } = await pupilsAwaitingSetup(viewer, params.classId);
  return { cohort: { id: cohort.id, name: cohort.name, schoolName: cohort.organisation.name }, waiting: pupils.length };
}

export async function action({ request, params }: Route.ActionArgs) {
  const viewer = await requirePermission(request, "class:manage");
  const form = await readForm(request);
  if (form.get("intent") !== "generate" || [...form.keys()].some((k) => k !== "intent"))
    throw new Response("Bad request", { status: 400 });
  const { lines } = await generateSetupCodes(viewer, params.classId);
  return { lines, generatedAt: new Date().toISOString() };
}

export default function SetupCodes() {
  const { cohort, waiting } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const [canPrint, setCanPrint] = useState(false);
  useEffect(() => setCanPrint(true), []);
  const lines = actionData?.lines;

  if (lines) {
    return (
      <div className="stack">
        <h1>Setup codes for {cohort.name}</h1>
        <div className="no-print stack">
          <Notice tone="success">
            <p>
              {lines.length === 0
                ? "Every pupil in this class has already chosen a password."
                : `${lines.length} new setup ${lines.length === 1 ? "code" : "codes"} made. Any earlier codes for these pupils no longer work.`}
            </p>
            <p>These codes are shown only now. Print the sheet, cut it up and hand each pupil their slip.</p>
          </Notice>
          <p className="actions">
            {canPrint ? (
              <button type="button" onClick={() => window.print()}>
                Print this sheet
              </button>
            ) : (
              <span>Use your browser's Print command to print this sheet.</span>
            )}
            <Link to={`/classes/${cohort.id}`}>Back to the class</Link>
          </p>
        </div>
        <ul className="setup-codes" aria-label="Setup code slips">
          {lines.map((l) => (
            <li className="setup-code" key={l.username}>
              <p>
                <strong>{l.name}</strong> · {cohort.name}
              </p>
              <p>
                Username: <strong>{l.username}</strong>
              </p>
              <p>
                Setup code: <code>{l.code}</code>
              </p>
              <p className="hint">
                Go to the Digital Skills site, choose "Set up my account", and enter your username and this code to
                choose a password. The code works once and lasts 30 days.
              </p>
            </li>
          ))}
        </ul>
      </div>
    );
  }

  return (
    <div className="stack">
      <h1>Setup codes for {cohort.name}</h1>
      <p>
        Pupils without an email address sign in with a username. A one-time setup code on paper lets each of them choose
        their own password.
      </p>
      {waiting === 0 ? (
        <p>Every pupil in this class has already chosen a password.</p>
      ) : (
        <Form method="post">
          <input type="hidden" name="intent" value="generate" />
          <p>
            {waiting} {waiting === 1 ? "pupil has" : "pupils have"} not chosen a password yet. Making the sheet gives
            each of them a new code; any earlier codes stop working.
          </p>
          <button type="submit">Make the setup code sheet</button>
        </Form>
      )}
      <p>
        <Link to={`/classes/${cohort.id}`}>Back to the class</Link>
      </p>
    </div>
  );
}
