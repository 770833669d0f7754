import { Link, useLoaderData } from "react-router";
import type { Route } from "./+types/admin.catalogue._index";
import { requirePermission } from "~/auth/auth.server.ts";
import { ScrollTable } from "~/components/table-scroll.tsx";
import { creditedCredential } from "~/domain/credentials.ts";
import { formatLongDate } from "~/domain/dates.ts";
import { AUDIENCE_LABELS, getCatalogue } from "~/models/catalogue.server.ts";

export const meta: Route.MetaFunction = () => [{ title: "Catalogue – Staffordshire Digital Skills" }];

export async function loader({ request }: Route.LoaderArgs) {
  const viewer = await requirePermission(request, "catalogue:manage");
  const { pathways, credentials } = await getCatalogue(viewer);
  const audiences = (Object.keys(AUDIENCE_LABELS) as (keyof typeof AUDIENCE_LABELS)[])
    .map((audience) => ({
      audience,
      label: AUDIENCE_LABELS[audience],
      pathways: pathways.filter((p) => p.audience === audience),
    }))
    .filter((a) => a.pathways.length > 0);
  const retired = credentials
    .filter((c) => c.retiredOn)
    .map((c) => ({
      code: c.code,
      name: c.name,
      retiredOn: c.retiredOn!.toISOString().slice(0, 10),
      successorCode: c.successorCode,
      creditedAs: creditedCredential(c.code, credentials),
    }));
  return { audiences, retired };
}

const hours = (minutes: number) => (minutes < 60 ? `${minutes} min` : `${Math.round((minutes / 60) * 10) / 10} h`);

export default function Catalogue() {
  const { audiences, retired } = useLoaderData<typeof loader>();
  return (
    <div className="stack">
      <h1>Catalogue</h1>
      <p>
        Pathways by audience, with their Microsoft Learn modules and the credential each leads to. Module durations come
        from the Microsoft Learn catalogue.
      </p>
      <p className="actions">
        <Link className="button" to="/admin/catalogue/import">
          Import modules from a Learn catalogue file
        </Link>
      </p>

      {audiences.map((a) => (
        <section key={a.audience} aria-labelledby={`aud-${a.audience}`}>
          <h2 id={`aud-${a.audience}`}>{a.label}</h2>
          {a.pathways.map((p) => (
            <ScrollTable
              caption={
                <>
                  {p.title}: {p.modules.length} {p.modules.length === 1 ? "module" : "modules"}, {hours(p.totalMinutes)}{" "}
                  of content (planned {p.hoursMin}–{p.hoursMax} h). Outcome:{" "}
                  {p.credential ? `${p.credential.code} ${p.credential.name}` : p.outcome}
                  {p.countsAsEncounter ? "; counts as a Gatsby 5 employer encounter" : ""}.
                </>
              }
              key={p.id}
            >
              <thead>
                <tr>
                  <th scope="col">Module</th>
                  <th scope="col">Minutes</th>
                  <th scope="col">Level</th>
                  <th scope="col">Learn uid</th>
                </tr>
              </thead>
              <tbody>
                {p.modules.map((m) => (
                  <tr key={m.id}>
                    <th scope="row">
                      <a href={m.url}>{m.title}</a>
                      {m.retiredAt ? (
                        <>
                          {" "}
                          <span className="tag tag--amber">retired</span>
                        </>
                      ) : null}
                    </th>
                    <td>{m.durationMinutes}</td>
                    <td>{m.levels.join(", ")}</td>
                    <td>
                      <code>{m.uid}</code>
                    </td>
                  </tr>
                ))}
              </tbody>
            </ScrollTable>
          ))}
        </section>
      ))}

      <section aria-labelledby="retired-title">
        <h2 id="retired-title">Retired exam codes</h2>
        <p>Achievements under a retired code keep counting as its successor.</p>
        <ScrollTable caption="Retired codes and the code they count as">
          <thead>
            <tr>
              <th scope="col">Retired code</th>
              <th scope="col">Name</th>
              <th scope="col">Retired on</th>
              <th scope="col">Successor</th>
              <th scope="col">Counts as</th>
            </tr>
          </thead>
          <tbody>
            {retired.map((c) => (
              <tr key={c.code}>
                <th scope="row">{c.code}</th>
                <td>{c.name}</td>
                <td>{formatLongDate(c.retiredOn)}</td>
                <td>{c.successorCode ?? "—"}</td>
                <td>{c.creditedAs}</td>
              </tr>
            ))}
          </tbody>
        </ScrollTable>
      </section>
    </div>
  );
}
