import { data, Form, Link, redirect, useActionData, useLoaderData } from "react-router";
import { z } from "zod";
import type { Route } from "./+types/reviews.$reviewId";
import { requireViewer } from "~/auth/auth.server.ts";
import { ErrorSummary, Field, Notice } from "~/components/form.tsx";
import { todayInEngland, formatShortDate, formatLongDateTime } from "~/domain/dates.ts";
import {
  addReviewAddendum,
  contentFromForm,
  getReview,
  openReview,
  reviewContentSchema,
  ReviewError,
  saveReviewContent,
  signReview,
} from "~/models/reviews.server.ts";
import {
  KSB_RATING_LABELS,
  KSB_RATINGS,
  MAX_ACTIONS,
  REVIEW_PARTIES,
  REVIEW_PARTY_LABELS,
  type ReviewParty,
} from "~/models/reviews.shared.ts";
import { parseForm, readForm } from "~/utils/forms.ts";
import { safeRedirect } from "~/utils/safe-redirect.ts";
import { ScrollTable } from "~/components/table-scroll.tsx";
import { notFound } from "~/utils/http-errors.ts";

export const meta: Route.MetaFunction = () => [{ title: "Progress review – Staffordshire Digital Skills" }];

const OpenForm = z.object({ intent: z.literal("open"), heldOn: z.string() });
const SignForm = z.object({
  intent: z.literal("sign"),
  party: z.enum(["tutor", "employer", "apprentice"]),
  comment: z.string().max(2000, "Keep your comment to 2,000 characters or fewer.").optional(),
  agree: z.literal("yes", { message: "Tick the box to confirm you agree this is an accurate record." }),
  returnTo: z.string().optional(),
});
const AddendumForm = z.object({
  intent: z.literal("addendum"),
  addendum: z.string().max(4000, "Keep the addendum to 4,000 characters or fewer."),
});

export async function loader({ request, params }: Route.LoaderArgs) {
  const viewer = await requireViewer(request);
  const review = await getReview(viewer, params.reviewId);
  return { review, today: todayInEngland() };
}

type ActionResult = { intent: string; party?: string; errors: Record<string, string> | null; notice: string | null };

export async function action({ request, params }: Route.ActionArgs) {
  const viewer = await requireViewer(request);
  const formData = await readForm(request);
  const intent = formData.get("intent");
  const fail = (errors: Record<string, string>, party?: string) =>
    data<ActionResult>({ intent: String(intent), party, errors, notice: null }, { status: 400 });
  try {
    if (intent === "open") {
      const form = parseForm(formData, OpenForm);
      if (!form.ok) return fail(form.errors);
      await openReview(viewer, params.reviewId, form.data.heldOn);
      return {
        intent,
        errors: null,
        notice: "The review is open. The off-the-job figures have been filled in from the ledger.",
      } satisfies ActionResult;
    }
    if (intent === "save") {
      // The form's fields depend on the standard's KSBs: read them (scoped) before parsing.
      const review = await getReview(viewer, params.reviewId);
      if (!review.can.edit && !review.myParties.includes("tutor")) notFound();
      const codes = review.ksbs.map((k) => k.code);
      const form = parseForm(formData, reviewContentSchema(codes));
      if (!form.ok) return fail(form.errors);
      const content = contentFromForm(codes, form.data);
      if (!content.ok) return fail(content.errors);
      await saveReviewContent(viewer, params.reviewId, content.value);
      return { intent, errors: null, notice: "The review has been saved." } satisfies ActionResult;
    }
    if (intent === "sign") {
      const party = formData.get("party");
      const form = parseForm(formData, SignForm);
      if (!form.ok) {
        // Someone who cannot sign for that party learns nothing: the same 404 as a stranger.
        const review = await getReview(viewer, params.reviewId);
        if (!review.myParties.some((p) => p === party)) notFound();
        return fail(form.errors, typeof party === "string" ? party : undefined);
      }
      const result = await signReview(viewer, params.reviewId, form.data.party, form.data.comment ?? "");
      if (form.data.returnTo) return redirect(safeRedirect(form.data.returnTo, `/reviews/${params.reviewId}`));
      return {
        intent,
        party: form.data.party,
        errors: null,
        notice: result.locked
          ? "Thank you. The review is now signed by all three and locked."
          : "Thank you. Your signature has been recorded.",
      } satisfies ActionResult;
    }
    if (intent === "addendum") {
      const form = parseForm(formData, AddendumForm);
      if (!form.ok) return fail(form.errors);
      await addReviewAddendum(viewer, params.reviewId, form.data.addendum);
      return { intent, errors: null, notice: "Your addendum has been added to the review." } satisfies ActionResult;
    }
  } catch (error) {
    if (error instanceof ReviewError)
      return fail(error.errors, typeof formData.get("party") === "string" ? String(formData.get("party")) : undefined);
    throw error;
  }
  throw new Response("Bad request", { status: 400 });
}

const RAG_TONE = { green: "tag--green", amber: "tag--amber", red: "tag--red" } as const;

export default function ReviewPage() {
  const { review: r, today } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const errorsFor = (intent: string) => (actionData?.intent === intent ? (actionData.errors ?? undefined) : undefined);
  const c = r.content;
  const a = r.apprenticeship;
  return (
    <div className="stack review-page">
      <p>
        <Link to={`/apprenticeships/${a.id}/reviews`}>All reviews for {a.apprenticeName}</Link>
      </p>
      <h1>
        Progress review {r.sequence}: {a.apprenticeName}
      </h1>
      {actionData?.notice ? <Notice tone="success">{actionData.notice}</Notice> : null}
      {errorsFor("open") || errorsFor("save") ? <ErrorSummary errors={errorsFor("open") ?? errorsFor("save")} /> : null}

      <dl className="summary-list">
        <div>
          <dt>Status</dt>
          <dd>
            {r.statusLabel}
            {r.lockedAt ? ` on ${formatLongDateTime(r.lockedAt)}` : ""}
          </dd>
        </div>
        <div>
          <dt>Standard</dt>
          <dd>
            {a.standard}, {a.employerName}
          </dd>
        </div>
        <div>
          <dt>Due by</dt>
          <dd>{formatShortDate(r.dueOn)}</dd>
        </div>
        <div>
          <dt>Held on</dt>
          <dd>{r.heldOn ? formatShortDate(r.heldOn) : "Not held yet"}</dd>
        </div>
        {r.status !== "SCHEDULED" ? (
          <div>
            <dt>Signatures</dt>
            <dd>
              {r.waitingLabel}
              {r.daysUnsigned !== null && r.status === "OPEN"
                ? `. Days unsigned: ${r.daysUnsigned}`
                : r.daysUnsigned !== null
                  ? `. Days to all three signatures: ${r.daysUnsigned}`
                  : ""}
            </dd>
          </div>
        ) : null}
      </dl>

      {r.can.open ? (
        <section aria-labelledby="open-title" className="sign-box">
          <h2 id="open-title">Open this review</h2>
          <p>
            Opening the review records the date it was held and fills in the off-the-job hours from the ledger. Later
            reviews are rescheduled from this date.
          </p>
          <Form method="post" noValidate>
            <input type="hidden" name="intent" value="open" />
            <Field
              name="heldOn"
              label="Date the review was held"
              type="date"
              defaultValue={today}
              max={today}
              error={errorsFor("open")?.heldOn}
              required
            />
            <button type="submit">Open review</button>
          </Form>
        </section>
      ) : null}

      {r.status !== "SCHEDULED" ? (
        <>
          <section aria-labelledby="otj-title" className="otj-summary">
            <h2 id="otj-title">Off-the-job training to date</h2>
            {c.otj ? (
              <>
                <p>
                  From the verified ledger as at {formatShortDate(c.otj.asOf)}: <strong>{c.otj.actual} hours</strong> of{" "}
                  {c.otj.plannedTotal ?? "an unknown number of"} planned
                  {c.otj.requiredToDate !== null ? `; ${c.otj.requiredToDate} expected by then` : ""}.{" "}
                  <span className={`tag ${RAG_TONE[c.otj.rag]}`}>{c.otj.rag}</span>
                </p>
                <p>{c.otj.reason}</p>
              </>
            ) : (
              <p>No off-the-job figures were recorded when the review was opened.</p>
            )}
          </section>

          {r.can.edit ? <ContentForm review={r} errors={errorsFor("save")} /> : <ReadOnlyContent review={r} />}

          <section aria-labelledby="signatures-title">
            <h2 id="signatures-title">Signatures</h2>
            <p>
              The tutor completes and signs the review first; the employer and the apprentice then sign in either order.
              The third signature locks the review.
            </p>
            <ul className="signature-list">
              {r.signatures.map((s) => (
                <li key={s.party}>
                  <strong>{s.label}:</strong>{" "}
                  {s.signedAt
                    ? `signed by ${s.signedBy ?? "unknown"} on ${formatLongDateTime(s.signedAt)}`
                    : "not signed yet"}
                  {s.comment ? <p className="signature-comment">Comment: {s.comment}</p> : null}
                </li>
              ))}
            </ul>
            {r.can.sign.map((party) => (
              <SignBox
                key={party}
                party={party}
                errors={
                  actionData?.intent === "sign" && actionData.party === party
                    ? (actionData.errors ?? undefined)
                    : undefined
                }
              />
            ))}
            {r.status === "OPEN" && !r.contentFixed && r.myParties.some((p) => p !== "tutor") ? (
              <Notice>
                The tutor has not finished this review yet. You can sign once the tutor has completed and signed it.
              </Notice>
            ) : null}
          </section>

          <section aria-labelledby="addenda-title">
            <h2 id="addenda-title">Addenda</h2>
            {r.addenda.length ? (
              <ol className="addenda">
                {r.addenda.map((x) => (
                  <li key={x.id}>
                    <p>{x.text}</p>
                    <p className="hint">
                      Added by {x.author ?? "unknown"} on {formatLongDateTime(x.createdAt)}
                    </p>
                  </li>
                ))}
              </ol>
            ) : (
              <p>No addenda.</p>
            )}
            {r.can.addendum ? (
              <Form method="post" noValidate className="narrow-form">
                <ErrorSummary errors={errorsFor("addendum")} />
                <input type="hidden" name="intent" value="addendum" />
                <div className={`field${errorsFor("addendum")?.addendum ? " field--error" : ""}`}>
                  <label htmlFor="field-addendum">Add a correction or addition</label>
                  <p className="hint" id="field-addendum-hint">
                    The signed content cannot change; an addendum is added below it with your name and the time.
                  </p>
                  {errorsFor("addendum")?.addendum ? (
                    <p className="error-message" id="field-addendum-error">
                      <span className="visually-hidden">Error: </span>
                      {errorsFor("addendum")!.addendum}
                    </p>
                  ) : null}
                  <textarea
                    id="field-addendum"
                    name="addendum"
                    rows={4}
                    aria-describedby={`field-addendum-hint${errorsFor("addendum")?.addendum ? " field-addendum-error" : ""}`}
                  />
                </div>
                <button type="submit" className="secondary">
                  Add addendum
                </button>
              </Form>
            ) : null}
          </section>
        </>
      ) : null}
    </div>
  );
}

type ReviewData = ReturnType<typeof useLoaderData<typeof loader>>["review"];

function ReadOnlyContent({ review: r }: { review: ReviewData }) {
  const c = r.content;
  return (
    <>
      <section aria-labelledby="progress-title">
        <h2 id="progress-title">Progress against the training plan</h2>
        <p className="prewrap">{c.progress || "Not recorded yet."}</p>
      </section>
      <ScrollTable caption="Knowledge, skills and behaviours">
        <thead>
          <tr>
            <th scope="col">KSB</th>
            <th scope="col">Description</th>
            <th scope="col">Rating</th>
          </tr>
        </thead>
        <tbody>
          {r.ksbs.map((k) => (
            <tr key={k.code}>
              <th scope="row">{k.code}</th>
              <td>{k.text}</td>
              <td>{KSB_RATING_LABELS[c.ksbRatings?.[k.code] ?? "NOT_STARTED"]}</td>
            </tr>
          ))}
        </tbody>
      </ScrollTable>
      <section aria-labelledby="support-title">
        <h2 id="support-title">Support and wellbeing</h2>
        <p className="prewrap">{c.support || "Nothing recorded."}</p>
      </section>
      <ActionsTable actions={c.actions ?? []} />
    </>
  );
}

function ActionsTable({ actions }: { actions: { text: string; owner: ReviewParty; dueOn: string }[] }) {
  if (!actions.length)
    return (
      <>
        <h2>Agreed actions</h2>
        <p>No actions agreed.</p>
      </>
    );
  return (
    <ScrollTable caption="Agreed actions">
      <thead>
        <tr>
          <th scope="col">Action</th>
          <th scope="col">Owner</th>
          <th scope="col">By</th>
        </tr>
      </thead>
      <tbody>
        {actions.map((x, i) => (
          <tr key={i}>
            <td>{x.text}</td>
            <td>{REVIEW_PARTY_LABELS[x.owner]}</td>
            <td>{formatShortDate(x.dueOn)}</td>
          </tr>
        ))}
      </tbody>
    </ScrollTable>
  );
}

function ContentForm({ review: r, errors }: { review: ReviewData; errors?: Record<string, string> }) {
  const c = r.content;
  const actions = c.actions ?? [];
  const err = (key: string) => errors?.[key];
  const textarea = (name: "progress" | "support", label: string, hint: string) => (
    <div className={`field${err(name) ? " field--error" : ""}`}>
      <label htmlFor={`field-${name}`}>{label}</label>
      <p className="hint" id={`field-${name}-hint`}>
        {hint}
      </p>
      {err(name) ? (
        <p className="error-message" id={`field-${name}-error`}>
          <span className="visually-hidden">Error: </span>
          {err(name)}
        </p>
      ) : null}
      <textarea
        id={`field-${name}`}
        name={name}
        rows={5}
        defaultValue={c[name] ?? ""}
        aria-describedby={`field-${name}-hint${err(name) ? ` field-${name}-error` : ""}`}
      />
    </div>
  );
  return (
    <Form method="post" noValidate className="review-form">
      <input type="hidden" name="intent" value="save" />
      <h2>Review content</h2>
      {textarea(
        "progress",
        "Progress against the training plan",
        "What has been learned since the last review, against the plan's KSBs and timetable.",
      )}
      <fieldset>
        <legend>Knowledge, skills and behaviours</legend>
        {r.ksbs.map((k) => (
          <div className={`field${err(`ksb_${k.code}`) ? " field--error" : ""}`} key={k.code}>
            <label htmlFor={`field-ksb_${k.code}`}>
              {k.code}: {k.text}
            </label>
            <select
              id={`field-ksb_${k.code}`}
              name={`ksb_${k.code}`}
              defaultValue={c.ksbRatings?.[k.code] ?? "NOT_STARTED"}
            >
              {KSB_RATINGS.map((v) => (
                <option key={v} value={v}>
                  {KSB_RATING_LABELS[v]}
                </option>
              ))}
            </select>
          </div>
        ))}
      </fieldset>
      {textarea("support", "Support and wellbeing", "Any support needs, adjustments or wellbeing concerns discussed.")}
      <fieldset>
        <legend>Agreed actions</legend>
        <p className="hint">
          Up to {MAX_ACTIONS} actions, each with an owner and a date. Leave a row empty if not needed.
        </p>
        {Array.from({ length: MAX_ACTIONS }, (_, i) => (
          <div className="action-row" key={i}>
            <Field
              name={`action${i}Text`}
              label={`Action ${i + 1}`}
              defaultValue={actions[i]?.text ?? ""}
              error={err(`action${i}Text`)}
            />
            <div className={`field${err(`action${i}Owner`) ? " field--error" : ""}`}>
              <label htmlFor={`field-action${i}Owner`}>Owner of action {i + 1}</label>
              {err(`action${i}Owner`) ? (
                <p className="error-message" id={`field-action${i}Owner-error`}>
                  <span className="visually-hidden">Error: </span>
                  {err(`action${i}Owner`)}
                </p>
              ) : null}
              <select
                id={`field-action${i}Owner`}
                name={`action${i}Owner`}
                defaultValue={actions[i]?.owner ?? ""}
                aria-describedby={err(`action${i}Owner`) ? `field-action${i}Owner-error` : undefined}
              >
                <option value="">No owner</option>
                {REVIEW_PARTIES.map((p) => (
                  <option key={p} value={p}>
                    {REVIEW_PARTY_LABELS[p]}
                  </option>
                ))}
              </select>
            </div>
            <Field
              name={`action${i}Due`}
              label={`Date for action ${i + 1}`}
              type="date"
              defaultValue={actions[i]?.dueOn ?? ""}
              error={err(`action${i}Due`)}
            />
          </div>
        ))}
      </fieldset>
      <button type="submit">Save review</button>
    </Form>
  );
}

function SignBox({ party, errors }: { party: ReviewParty; errors?: Record<string, string> }) {
  const id = (name: string) => `field-${name}-${party}`;
  return (
    <Form method="post" noValidate className="sign-box review-sign">
      <h3>Sign as {REVIEW_PARTY_LABELS[party].toLowerCase()}</h3>
      <ErrorSummary
        errors={
          errors
            ? Object.fromEntries(Object.entries(errors).map(([k, v]) => [k === "form" ? k : `${k}-${party}`, v]))
            : undefined
        }
      />
      <input type="hidden" name="intent" value="sign" />
      <input type="hidden" name="party" value={party} />
      {party === "tutor" ? <p>Signing fixes the content of the review: after that, corrections are addenda.</p> : null}
      <div className="field">
        <label htmlFor={id("comment")}>Your comments (optional)</label>
        <textarea id={id("comment")} name="comment" rows={3} />
      </div>
      <div className={`field checkbox${errors?.agree ? " field--error" : ""}`}>
        {errors?.agree ? (
          <p className="error-message" id={`${id("agree")}-error`}>
            <span className="visually-hidden">Error: </span>
            {errors.agree}
          </p>
        ) : null}
        <input
          type="checkbox"
          id={id("agree")}
          name="agree"
          value="yes"
          aria-describedby={errors?.agree ? `${id("agree")}-error` : undefined}
        />
        <label htmlFor={id("agree")}>I agree this review is an accurate record</label>
      </div>
      <p className="hint">Your name and the date and time are recorded as your signature.</p>
      <button type="submit" className="button--wide">
        Sign review
      </button>
    </Form>
  );
}
