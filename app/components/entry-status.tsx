/** The status of a progress entry in words (and colour): pending, verified, awaiting supervisor, not accepted. */
export function EntryStatusTag({
  e,
}: {
  e: { status: string; atWork: boolean; kind: string; supervisorConfirmedAt?: Date | string | null };
}) {
  if (e.status === "REJECTED") return <span className="tag tag--red">not accepted</span>;
  if (e.status === "VERIFIED" && e.kind === "OTJ_ACTIVITY" && e.atWork && !e.supervisorConfirmedAt)
    return <span className="tag tag--amber">verified, awaiting supervisor</span>;
  if (e.status === "VERIFIED") return <span className="tag tag--green">verified</span>;
  return <span className="tag tag--amber">pending</span>;
}
