import { data, Form, Link, useActionData, useLoaderData } from "react-router";
import { z } from "zod";
import type { Route } from "./+types/reports._index";
import { requireViewer } from "~/auth/auth.server.ts";
import { can } from "~/auth/permissions.ts";
import { offeredPeriods, parsePeriod, PERIOD_TYPE_LABELS } from "~/domain/report-period.ts";
import { ownReportOrganisationsOf } from "~/auth/reach.server.ts";
import { latestSnapshots, listBuildRequests, listSnapshots, requestReportBuild } from "~/models/reports.server.ts";
import { todayInEngland } from "~/domain/dates.ts";
import { parseForm, readForm } from "~/utils/forms.ts";
import { ScrollTable } from "~/components/table-scroll.tsx";
import { notFound } from "~/utils/http-errors.ts";

export const meta: Route.MetaFunction = () => [{ title: "Outcome reports – Staffordshire Digital Skills" }];

const BuildForm = z.object({ period: z.string().regex(/^[a-z-]+:[0-9a-z/-]{4,20}$/, "Choose a period.") });

function periodLabel(type: string, key: string) {
  return parsePeriod(type, key)?.label ?? `${type} ${key}`;
}

export async function loader({ request }: Route.LoaderArgs) {
  const viewer = await requireViewer(request);
  const protectedAccess = can(viewer, "report:protected");
  const ownOrgs = ownReportOrganisationsOf(viewer);
  if (!protectedAccess && ownOrgs.length === 0) notFound();
  const today = todayInEngland();
  const periods = offeredPeriods(today).map((p) => ({ type: p.type, key: p.key, label: p.label }));
  const snapshots = protectedAccess ? await listSnapshots(viewer) : [];
  const latest = protectedAccess ? await latestSnapshots(viewer) : [];
  const canBuild = can(viewer, "report:build");
  const builds = canBuild ? await listBuildRequests(viewer) : [];
  return {
    protectedAccess,
    canBuild,
    ownOrgs,
    periods,
    latest: latest.map((s) => ({
      ...s,
      label: periodLabel(s.periodType, s.periodKey),
      builtAt: s.builtAt.toISOString(),
    })),
    snapshots: snapshots.map((s) => ({
      ...s,
      label: periodLabel(s.periodType, s.periodKey),
      builtAt: s.builtAt.toISOString(),
    })),
    builds: builds.map((b) => ({
      ...b,
      label: periodLabel(b.periodType, b.periodKey),
      requestedAt: b.requestedAt.toISOString(),
    })),
  };
}

export async function action({ request }: Route.ActionArgs) {
  const viewer = await requireViewer(request);
  if (!can(viewer, "report:build")) notFound();
  const form = parseForm(await readForm(request), BuildForm);
  if (!form.ok)
    return data(
      { ok: false as const, error: form.errors.period ?? form.errors.form ?? "Choose a period." },
      { status: 400 },
    );
  const [type, key] = form.data.period.split(/:(.*)/s);
  const period = parsePeriod(type, key);
  if (!period) return data({ ok: false as const, error: "Choose a period from the list." }, { status: 400 });
  await requestReportBuild(viewer, period);
  return { ok: true as const, label: period.label };
}

const when = (iso: string) =>
  new Date(iso).toLocaleString("en-GB", { timeZone: "Europe/London", dateStyle: "medium", timeStyle: "short" });
const STATUS_TEXT = {
  queued: "Waiting to start",
  building: "Building",
  retrying: "Failed, will retry",
  done: "Done",
} as const;
const STATUS_TONE = { queued: "tag--amber", building: "tag--amber", retrying: "tag--red", done: "tag--green" } as const;

export default function Reports() {
  const data = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  return (
    <div className="stack">
      <h1>Outcome reports</h1>
      {data.protectedAccess ? (
        <>
          <p>
            Reports for the whole partnership: every figure is protected before it leaves the server, so they can be
            shared and published.
          </p>
          <h2>Latest report for each period</h2>
          {data.latest.length === 0 ? (
            <p>
              No reports have been built yet.
              {data.canBuild ? " Build one below." : " The first one is built on the 1st of next month."}
            </p>
          ) : (
            <ul className="report-list">
              {data.latest.map((s) => (
                <li key={s.id}>
                  <Link to={`/reports/${s.id}`}>{s.label}</Link>{" "}
                  <span className="hint">
                    (version {s.version}, built {when(s.builtAt)})
                  </span>
                </li>
              ))}
            </ul>
          )}

          {data.canBuild ? (
            <section aria-labelledby="build-heading" className="stack">
              <h2 id="build-heading">Build a report</h2>
              {result?.ok ? (
                <div className="notice notice--success" role="status">
                  <p>Build requested for {result.label}. It appears below; refresh the page to see its progress.</p>
                </div>
              ) : null}
              {result && !result.ok ? (
                <div className="error-summary" role="alert">
                  <h2>There is a problem</h2>
                  <p>{result.error}</p>
                </div>
              ) : null}
              <Form method="post" className="stack">
                <div className="field">
                  <label htmlFor="period">Period</label>
                  <p className="hint" id="period-hint">
                    A new version is added; earlier versions stay available.
                  </p>
                  <select id="period" name="period" aria-describedby="period-hint">
                    {data.periods.map((p) => (
                      <option key={`${p.type}:${p.key}`} value={`${p.type}:${p.key}`}>
                        {PERIOD_TYPE_LABELS[p.type]}: {p.label}
                      </option>
                    ))}
                  </select>
                </div>
                <button type="submit">Build now</button>
              </Form>
              {data.builds.length ? (
                <ScrollTable caption="Recent build requests">
                  <thead>
                    <tr>
                      <th scope="col">Period</th>
                      <th scope="col">Requested</th>
                      <th scope="col">Progress</th>
                      <th scope="col">Report</th>
                    </tr>
                  </thead>
                  <tbody>
                    {data.builds.map((b) => (
                      <tr key={b.id}>
                        <td>{b.label}</td>
                        <td>{when(b.requestedAt)}</td>
                        <td>
                          <span className={`tag ${STATUS_TONE[b.status]}`}>{STATUS_TEXT[b.status]}</span>
                        </td>
                        <td>
                          {b.snapshotId ? (
                            <Link to={`/reports/${b.snapshotId}`}>
                              Version {b.version}
                              <span className="visually-hidden"> of {b.label}</span>
                            </Link>
                          ) : (
                            "—"
                          )}
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </ScrollTable>
              ) : null}
              <p>
                <Link to="/reports">Refresh progress</Link>
              </p>
            </section>
          ) : null}

          {data.snapshots.length > data.latest.length ? (
            <section aria-labelledby="all-heading">
              <h2 id="all-heading">All versions</h2>
              <ScrollTable caption="Every stored report, newest first">
                <thead>
                  <tr>
                    <th scope="col">Period</th>
                    <th scope="col" className="num">
                      Version
                    </th>
                    <th scope="col">Built</th>
                    <th scope="col">Data version</th>
                  </tr>
                </thead>
                <tbody>
                  {data.snapshots.map((s) => (
                    <tr key={s.id}>
                      <td>
                        <Link to={`/reports/${s.id}`}>
                          {s.label}
                          <span className="visually-hidden">, version {s.version}</span>
                        </Link>
                      </td>
                      <td className="num">{s.version}</td>
                      <td>{when(s.builtAt)}</td>
                      <td>
                        <code>{s.dataVersion}</code>
                      </td>
                    </tr>
                  ))}
                </tbody>
              </ScrollTable>
            </section>
          ) : null}
        </>
      ) : null}

      {data.ownOrgs.length ? (
        <section aria-labelledby="own-heading" className="stack">
          <h2 id="own-heading">Your organisation's figures</h2>
          <p>The same measures for your own learners, unrounded.</p>
          {data.ownOrgs.map((org) => (
            <div key={org.id}>
              <h3>{org.name}</h3>
              <ul>
                {data.periods.map((p) => (
                  <li key={`${p.type}:${p.key}`}>
                    <Link
                      to={`/reports/org/${org.id}?type=${encodeURIComponent(p.type)}&key=${encodeURIComponent(p.key)}`}
                    >
                      {p.label}
                      <span className="visually-hidden"> for {org.name}</span>
                    </Link>
                  </li>
                ))}
              </ul>
            </div>
          ))}
        </section>
      ) : null}
    </div>
  );
}
