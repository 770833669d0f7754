import { data, Form, Link, redirect, useActionData, useLoaderData } from "react-router";
import { z } from "zod";
import type { Route } from "./+types/apprenticeships.$id_.gateway";
import { requireViewer } from "~/auth/auth.server.ts";
import { formatShortDate } from "~/domain/dates.ts";
import { ErrorSummary, Notice } from "~/components/form.tsx";
import { confirmGateway, GatewayError, getGateway } from "~/models/gateway.server.ts";
import { parseForm, readForm } from "~/utils/forms.ts";
import { safeRedirect } from "~/utils/safe-redirect.ts";
import { notFound } from "~/utils/http-errors.ts";

export const meta: Route.MetaFunction = () => [{ title: "EPA gateway – Staffordshire Digital Skills" }];

const ConfirmForm = z.object({
  intent: z.literal("confirm"),
  party: z.enum(["employer", "tutor"]),
  competent: z.literal("yes", { message: "Tick the box to confirm the apprentice is occupationally competent." }),
  englishMaths: z.literal("yes").optional(),
  returnTo: z.string().optional(),
});

export async function loader({ request, params }: Route.LoaderArgs) {
  const viewer = await requireViewer(request);
  return getGateway(viewer, params.id);
}

export async function action({ request, params }: Route.ActionArgs) {
  const viewer = await requireViewer(request);
  const formData = await readForm(request);
  const form = parseForm(formData, ConfirmForm);
  if (!form.ok) {
    const g = await getGateway(viewer, params.id);
    if (!g.myParties.length) notFound();
    return data({ errors: form.errors, notice: null }, { status: 400 });
  }
  try {
    const result = await confirmGateway(viewer, params.id, form.data.party, {
      englishMathsMet: form.data.englishMaths === "yes",
    });
    if (form.data.returnTo) return redirect(safeRedirect(form.data.returnTo, `/apprenticeships/${params.id}/gateway`));
    return {
      errors: null,
      notice: result.complete
        ? "Everything is in: the gateway date has been recorded."
        : "Your confirmation has been recorded.",
    };
  } catch (error) {
    if (error instanceof GatewayError)
      return data({ errors: { form: error.message } as Record<string, string>, notice: null }, { status: 400 });
    throw error;
  }
}

const yesNo = (ok: boolean) => (
  <span className={`tag ${ok ? "tag--green" : "tag--amber"}`}>{ok ? "Met" : "Not yet"}</span>
);

export default function Gateway() {
  const g = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const a = g.apprenticeship;
  return (
    <div className="stack">
      <p>
        <Link to={`/apprenticeships/${a.id}/reviews`}>Reviews for {a.apprenticeName}</Link>
      </p>
      <h1>End-point assessment gateway: {a.apprenticeName}</h1>
      <p>{a.standard}</p>
      {actionData?.notice ? <Notice tone="success">{actionData.notice}</Notice> : null}
      <ErrorSummary
        errors={
          actionData?.errors
            ? Object.fromEntries(
                Object.entries(actionData.errors).map(([k, v]) => [
                  k === "competent" && g.myParties[0] ? `competent-${g.myParties[0]}` : k,
                  v,
                ]),
              )
            : undefined
        }
      />
      {g.gatewayDate ? <Notice tone="success">Gateway reached on {formatShortDate(g.gatewayDate)}.</Notice> : null}
      <dl className="summary-list">
        <div>
          <dt>Occupational competence (employer)</dt>
          <dd>{g.employer.confirmedAt ? `Confirmed by ${g.employer.by ?? "the employer"}` : "Not confirmed yet"}</dd>
        </div>
        <div>
          <dt>Occupational competence (tutor)</dt>
          <dd>{g.tutor.confirmedAt ? `Confirmed by ${g.tutor.by ?? "the tutor"}` : "Not confirmed yet"}</dd>
        </div>
        <div>
          <dt>English and maths</dt>
          <dd>{g.englishMathsRequired ? yesNo(g.englishMathsMet) : "Not required for this apprenticeship"}</dd>
        </div>
        <div>
          <dt>Minimum duration ({g.minDurationMonths} months in learning)</dt>
          <dd>
            {yesNo(g.minimumDuration.met)}{" "}
            {g.minimumDuration.met ? "" : `Reached on ${formatShortDate(g.minimumDuration.earliest)}.`}
          </dd>
        </div>
        <div>
          <dt>Off-the-job hours</dt>
          <dd>
            {yesNo(g.otjMet)} {g.otj ? `${g.otj.actual} verified of ${g.otj.planned ?? "unknown"} planned hours.` : ""}
          </dd>
        </div>
      </dl>
      {!g.gatewayDate && g.missing.length ? (
        <section aria-labelledby="missing-title">
          <h2 id="missing-title">Still needed before the gateway</h2>
          <ul>
            {g.missing.map((m) => (
              <li key={m}>{m}</li>
            ))}
          </ul>
        </section>
      ) : null}
      {g.canConfirm
        ? g.myParties.map((party) => (
            <Form method="post" noValidate className="sign-box" key={party}>
              <h2>Confirm as {party === "tutor" ? "tutor" : "employer"}</h2>
              <input type="hidden" name="intent" value="confirm" />
              <input type="hidden" name="party" value={party} />
              <div className={`field checkbox${actionData?.errors?.competent ? " field--error" : ""}`}>
                <input type="checkbox" id={`field-competent-${party}`} name="competent" value="yes" />
                <label htmlFor={`field-competent-${party}`}>{a.apprenticeName} is occupationally competent</label>
              </div>
              {g.englishMathsRequired && !g.englishMathsMet ? (
                <div className="field checkbox">
                  <input type="checkbox" id={`field-englishMaths-${party}`} name="englishMaths" value="yes" />
                  <label htmlFor={`field-englishMaths-${party}`}>English and maths requirements are met</label>
                </div>
              ) : null}
              <button type="submit">Confirm</button>
            </Form>
          ))
        : null}
    </div>
  );
}
