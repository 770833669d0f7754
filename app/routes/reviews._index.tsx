import { Link, useLoaderData } from "react-router";
import type { Route } from "./+types/reviews._index";
import { requirePermission } from "~/auth/auth.server.ts";
import { formatShortDate } from "~/domain/dates.ts";
import { listReviewsForActor } from "~/models/reviews.server.ts";
import { ScrollTable } from "~/components/table-scroll.tsx";

export const meta: Route.MetaFunction = () => [{ title: "Progress reviews – Staffordshire Digital Skills" }];

export async function loader({ request }: Route.LoaderArgs) {
  const viewer = await requirePermission(request, "review:sign");
  return listReviewsForActor(viewer);
}

export default function Reviews() {
  const { awaitingSignatures, due } = useLoaderData<typeof loader>();
  const overdue = due.filter((r) => r.overdueDays > 0).length;
  return (
    <div className="stack">
      <h1>Progress reviews</h1>
      <p>
        Reviews are due at least every three calendar months. {overdue > 0 ? <strong>{overdue} overdue.</strong> : null}
      </p>

      <h2>Awaiting signatures</h2>
      {awaitingSignatures.length === 0 ? (
        <p>No reviews are waiting for signatures.</p>
      ) : (
        <ScrollTable
          caption={
            <>
              {awaitingSignatures.length} review{awaitingSignatures.length === 1 ? "" : "s"} awaiting signatures,
              longest waiting first
            </>
          }
        >
          <thead>
            <tr>
              <th scope="col">Apprentice</th>
              <th scope="col">Review</th>
              <th scope="col">Held</th>
              <th scope="col">Days unsigned</th>
              <th scope="col">Still to sign</th>
            </tr>
          </thead>
          <tbody>
            {awaitingSignatures.map((r) => (
              <tr key={r.id}>
                <td>
                  {r.apprenticeName}
                  <br />
                  <span className="hint">
                    {r.employerName}, {r.standardReference}
                  </span>
                </td>
                <td>
                  <Link to={`/reviews/${r.id}`}>
                    Review {r.sequence}
                    <span className="visually-hidden"> for {r.apprenticeName}</span>
                  </Link>
                </td>
                <td>{r.heldOn ? formatShortDate(r.heldOn) : "–"}</td>
                <td>{r.daysUnsigned}</td>
                <td>{r.waitingLabel}</td>
              </tr>
            ))}
          </tbody>
        </ScrollTable>
      )}

      <h2>Next reviews due</h2>
      {due.length === 0 ? (
        <p>No reviews are scheduled.</p>
      ) : (
        <ScrollTable caption="The next review of each apprenticeship, soonest first">
          <thead>
            <tr>
              <th scope="col">Apprentice</th>
              <th scope="col">Review</th>
              <th scope="col">Due by</th>
              <th scope="col">Overdue</th>
            </tr>
          </thead>
          <tbody>
            {due.map((r) => (
              <tr key={r.id}>
                <td>
                  <Link to={`/apprenticeships/${r.apprenticeshipId}/reviews`}>{r.apprenticeName}</Link>
                  <br />
                  <span className="hint">
                    {r.employerName}, {r.standardReference}
                  </span>
                </td>
                <td>
                  <Link to={`/reviews/${r.id}`}>
                    Review {r.sequence}
                    <span className="visually-hidden"> for {r.apprenticeName}</span>
                  </Link>
                </td>
                <td>{formatShortDate(r.dueOn)}</td>
                <td>{r.overdueDays > 0 ? <span className="tag tag--red">{r.overdueDays} days overdue</span> : "No"}</td>
              </tr>
            ))}
          </tbody>
        </ScrollTable>
      )}
    </div>
  );
}
