import { data, Form, Link, useActionData, useLoaderData } from "react-router";
import { z } from "zod";
import type { Route } from "./+types/employer.inbox";
import { requirePermission } from "~/auth/auth.server.ts";
import { formatShortDate } from "~/domain/dates.ts";
import { ErrorSummary, Notice } from "~/components/form.tsx";
import { FeedbackForm, PrerequisitesForm } from "~/components/placement-forms.tsx";
import { inboxCount, inboxItems } from "~/models/inbox.server.ts";
import { ProgressError } from "~/models/progress-entry.server.ts";
import { verifyEntries } from "~/models/verification.server.ts";
import { parseForm, readForm } from "~/utils/forms.ts";

export const meta: Route.MetaFunction = () => [{ title: "Inbox – Staffordshire Digital Skills" }];

const ConfirmOtjForm = z.object({ intent: z.literal("confirm-otj"), entryId: z.string().uuid() });

export async function loader({ request }: Route.LoaderArgs) {
  const viewer = await requirePermission(request, "inbox:read");
  const [items, counts] = await Promise.all([inboxItems(viewer), inboxCount(viewer)]);
  return { items, counts: counts! };
}

export async function action({ request }: Route.ActionArgs) {
  const viewer = await requirePermission(request, "inbox:read");
  const form = parseForm(await readForm(request), ConfirmOtjForm);
  if (!form.ok) throw new Response("Bad request", { status: 400 });
  try {
    // The ledger's own confirmation: scoped to the entries this person may confirm (else 404).
    await verifyEntries(viewer, [form.data.entryId], "approve", "", { as: "supervisor" });
    return { errors: null, notice: "Off-the-job activity confirmed." };
  } catch (error) {
    if (error instanceof ProgressError) return data({ errors: error.fields, notice: null }, { status: 400 });
    throw error;
  }
}

const hours = (minutes: number) => `${Math.floor(minutes / 60)} h${minutes % 60 ? ` ${minutes % 60} min` : ""}`;

export default function Inbox() {
  const { items, counts } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const summary = [
    [counts.otj, "off-the-job activities to confirm"],
    [counts.reviews, "reviews to sign"],
    [counts.placements, "placements to confirm"],
    [counts.feedback, "pupils waiting for feedback"],
    [counts.gateway, "gateway checks"],
  ] as const;
  return (
    <div className="stack inbox">
      <h1>Inbox</h1>
      {actionData?.notice ? <Notice tone="success">{actionData.notice}</Notice> : null}
      <ErrorSummary errors={actionData?.errors ?? undefined} />
      <p>
        {counts.total === 0
          ? "Nothing is waiting for you."
          : `${counts.total} thing${counts.total === 1 ? " is" : "s are"} waiting for you, oldest first.`}
      </p>
      {counts.total > 0 ? (
        <ul className="inbox-counts">
          {summary
            .filter(([n]) => n > 0)
            .map(([n, label]) => (
              <li key={label}>
                {n} {label}
              </li>
            ))}
        </ul>
      ) : null}
      {counts.total > items.length ? (
        <p>Showing the oldest {items.length}. The rest appear here as you deal with these.</p>
      ) : null}
      <ol className="inbox-list">
        {items.map((item) => (
          <li key={item.key} className="card inbox-item">
            {item.kind === "otj" ? (
              <>
                <h2>Confirm off-the-job training: {item.apprenticeName}</h2>
                <p>
                  {formatShortDate(item.occurredOn)}, {hours(item.minutes)}
                  {item.activityType ? `, ${item.activityType}` : ""} at work.
                </p>
                {item.description ? <p>{item.description}</p> : null}
                <Form method="post">
                  <input type="hidden" name="intent" value="confirm-otj" />
                  <input type="hidden" name="entryId" value={item.entryId} />
                  <button type="submit" className="button--wide">
                    Confirm it happened at work
                    <span className="visually-hidden">
                      : {item.apprenticeName}, {formatShortDate(item.occurredOn)}
                    </span>
                  </button>
                </Form>
              </>
            ) : item.kind === "review" ? (
              <>
                <h2>
                  Sign progress review {item.sequence}: {item.apprenticeName}
                </h2>
                <p>
                  {item.heldOn ? `Held on ${formatShortDate(item.heldOn)}. ` : ""}Days unsigned: {item.daysUnsigned}.
                  Still to sign: {item.waitingFor.join(" and ")}.
                </p>
                <p>
                  <Link to={`/reviews/${item.reviewId}`}>
                    Read the review in full<span className="visually-hidden"> for {item.apprenticeName}</span>
                  </Link>
                </p>
                <Form method="post" action={`/reviews/${item.reviewId}`} noValidate className="review-sign">
                  <input type="hidden" name="intent" value="sign" />
                  <input type="hidden" name="party" value="employer" />
                  <input type="hidden" name="returnTo" value="/employer/inbox" />
                  <div className="field">
                    <label htmlFor={`comment-${item.reviewId}`}>Your comments (optional)</label>
                    <textarea id={`comment-${item.reviewId}`} name="comment" rows={2} />
                  </div>
                  <div className="field checkbox">
                    <input type="checkbox" id={`agree-${item.reviewId}`} name="agree" value="yes" />
                    <label htmlFor={`agree-${item.reviewId}`}>
                      I agree this review of {item.apprenticeName} is an accurate record
                    </label>
                  </div>
                  <button type="submit" className="button--wide">
                    Sign review<span className="visually-hidden"> for {item.apprenticeName}</span>
                  </button>
                </Form>
              </>
            ) : item.kind === "placement" ? (
              <>
                <h2>Confirm placement checks: {item.title}</h2>
                <p>
                  {item.schoolName}, {item.pupilCount} pupil{item.pupilCount === 1 ? "" : "s"},{" "}
                  {formatShortDate(item.startDate)} to {formatShortDate(item.endDate)}.{" "}
                  <Link to={`/placements/${item.placementId}`}>
                    Placement details<span className="visually-hidden">: {item.title}</span>
                  </Link>
                </p>
                <PrerequisitesForm
                  placementId={item.placementId}
                  confirmed={item.confirmed}
                  returnTo="/employer/inbox"
                  idPrefix={`${item.placementId}-`}
                />
              </>
            ) : item.kind === "feedback" ? (
              <>
                <h2>Give feedback: {item.pupilName}</h2>
                <p>
                  {item.title}, {item.schoolName}.
                </p>
                <FeedbackForm
                  placementId={item.placementId}
                  pupilId={item.pupilId}
                  pupilName={item.pupilName}
                  returnTo="/employer/inbox"
                />
              </>
            ) : (
              <>
                <h2>End-point assessment gateway: {item.apprenticeName}</h2>
                <p>
                  The tutor has confirmed {item.apprenticeName} is ready.{" "}
                  <Link to={`/apprenticeships/${item.apprenticeshipId}/gateway`}>
                    See the checklist<span className="visually-hidden"> for {item.apprenticeName}</span>
                  </Link>
                </p>
                <Form method="post" action={`/apprenticeships/${item.apprenticeshipId}/gateway`} noValidate>
                  <input type="hidden" name="intent" value="confirm" />
                  <input type="hidden" name="party" value="employer" />
                  <input type="hidden" name="returnTo" value="/employer/inbox" />
                  <div className="field checkbox">
                    <input type="checkbox" id={`competent-${item.apprenticeshipId}`} name="competent" value="yes" />
                    <label htmlFor={`competent-${item.apprenticeshipId}`}>
                      {item.apprenticeName} is occupationally competent
                    </label>
                  </div>
                  {item.englishMathsRequired && !item.englishMathsMet ? (
                    <div className="field checkbox">
                      <input type="checkbox" id={`em-${item.apprenticeshipId}`} name="englishMaths" value="yes" />
                      <label htmlFor={`em-${item.apprenticeshipId}`}>English and maths requirements are met</label>
                    </div>
                  ) : null}
                  <button type="submit">Confirm gateway</button>
                </Form>
              </>
            )}
          </li>
        ))}
      </ol>
    </div>
  );
}
