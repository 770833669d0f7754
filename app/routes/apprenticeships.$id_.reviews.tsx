import { Link, useLoaderData } from "react-router";
import type { Route } from "./+types/apprenticeships.$id_.reviews";
import { requireViewer } from "~/auth/auth.server.ts";
import { formatShortDate } from "~/domain/dates.ts";
import { listApprenticeshipReviews } from "~/models/reviews.server.ts";
import { ScrollTable } from "~/components/table-scroll.tsx";

export const meta: Route.MetaFunction = () => [{ title: "Progress reviews – Staffordshire Digital Skills" }];

export async function loader({ request, params }: Route.LoaderArgs) {
  const viewer = await requireViewer(request);
  return listApprenticeshipReviews(viewer, params.id);
}

export default function ApprenticeshipReviews() {
  const { apprenticeship: a, reviews, canOpen, nextScheduledId } = useLoaderData<typeof loader>();
  return (
    <div className="stack">
      <p>
        <Link to={`/apprenticeships/${a.id}`}>Back to the apprenticeship</Link>
      </p>
      <h1>Progress reviews: {a.apprenticeName}</h1>
      <p>
        {a.standard}, {a.employerName}. From {formatShortDate(a.startDate)} to {formatShortDate(a.plannedEndDate)}.
      </p>
      <p>
        A review is due by the end of the third calendar month after the start or the last review. Holding a review
        early, or a break in learning, moves the later dates.
      </p>
      {canOpen && nextScheduledId ? (
        <p>
          <Link className="button" to={`/reviews/${nextScheduledId}`}>
            Open the next review
          </Link>
        </p>
      ) : null}
      <p>
        <Link to={`/apprenticeships/${a.id}/gateway`}>End-point assessment gateway checklist</Link>
      </p>
      {reviews.length === 0 ? (
        <p>No reviews are scheduled.</p>
      ) : (
        <ScrollTable caption="Review schedule">
          <thead>
            <tr>
              <th scope="col">Review</th>
              <th scope="col">Due by</th>
              <th scope="col">Held</th>
              <th scope="col">Status</th>
              <th scope="col">Days unsigned</th>
              <th scope="col">Still to sign</th>
            </tr>
          </thead>
          <tbody>
            {reviews.map((r) => (
              <tr key={r.id}>
                <td>
                  <Link to={`/reviews/${r.id}`}>Review {r.sequence}</Link>
                </td>
                <td>
                  {formatShortDate(r.dueOn)}
                  {r.overdueDays > 0 ? (
                    <>
                      {" "}
                      <span className="tag tag--red">{r.overdueDays} days overdue</span>
                    </>
                  ) : null}
                </td>
                <td>{r.heldOn ? formatShortDate(r.heldOn) : "Not yet"}</td>
                <td>{r.statusLabel}</td>
                <td>{r.daysUnsigned ?? "–"}</td>
                <td>{r.waitingLabel}</td>
              </tr>
            ))}
          </tbody>
        </ScrollTable>
      )}
    </div>
  );
}
