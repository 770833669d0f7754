/**
 * Off-the-job training: required vs actual vs forecast over time, as a server-rendered SVG (no
 * script, no chart library) with a text summary (aria-describedby) and the same data as a table.
 * Lines are told apart by dash pattern and label as well as colour (WCAG 1.4.1).
 */
import type { OtjRag, OtjSeriesPoint } from "~/domain/otj.ts";
import { formatLongDate } from "~/domain/dates.ts";
import { ScrollTable } from "~/components/table-scroll.tsx";

const RAG_LABEL: Record<OtjRag, string> = { green: "On track", amber: "Behind plan", red: "At risk" };

export function RagTag({ rag }: { rag: OtjRag }) {
  return (
    <span className={`tag tag--${rag}`}>
      {RAG_LABEL[rag]}
      <span className="visually-hidden"> ({rag})</span>
    </span>
  );
}

const fmt = new Intl.NumberFormat("en-GB", { maximumFractionDigits: 1 });
const MONTH_YEAR = new Intl.DateTimeFormat("en-GB", { month: "short", year: "2-digit", timeZone: "UTC" });
const shortDate = (iso: string) => MONTH_YEAR.format(new Date(`${iso}T00:00:00Z`));

export function OtjChart({
  id,
  series,
  planned,
  summary,
}: {
  id: string;
  series: OtjSeriesPoint[];
  planned: number | null;
  summary: string;
}) {
  const width = 640;
  const height = 280;
  const pad = { left: 48, right: 16, top: 16, bottom: 40 };
  const values = series.flatMap((p) => [p.required, p.actual, p.forecast]).filter((v): v is number => v !== null);
  const max = Math.max(planned ?? 0, ...values, 1);
  const n = Math.max(series.length - 1, 1);
  const x = (i: number) => pad.left + (i / n) * (width - pad.left - pad.right);
  const y = (v: number) => height - pad.bottom - (v / max) * (height - pad.top - pad.bottom);
  const line = (pick: (p: OtjSeriesPoint) => number | null) =>
    series
      .map((p, i) => [i, pick(p)] as const)
      .filter(([, v]) => v !== null)
      .map(([i, v]) => `${x(i).toFixed(1)},${y(v as number).toFixed(1)}`)
      .join(" ");
  const ticks = [0, 0.25, 0.5, 0.75, 1].map((f) => Math.round(max * f));
  const labelEvery = Math.max(1, Math.ceil(series.length / 6));
  const asOfIndex = series.findIndex((p) => p.isAsOf);
  return (
    <figure className="otj-chart">
      <svg
        viewBox={`0 0 ${width} ${height}`}
        role="img"
        aria-labelledby={`${id}-title`}
        aria-describedby={`${id}-summary`}
        className="otj-chart__svg"
      >
        <title id={`${id}-title`}>Off-the-job hours: required, actual and forecast</title>
        {ticks.map((t) => (
          <g key={t}>
            <line x1={pad.left} x2={width - pad.right} y1={y(t)} y2={y(t)} className="otj-chart__grid" />
            <text x={pad.left - 6} y={y(t) + 4} textAnchor="end" className="otj-chart__label">
              {t}
            </text>
          </g>
        ))}
        {series.map((p, i) =>
          i % labelEvery === 0 || i === series.length - 1 ? (
            <text key={p.date} x={x(i)} y={height - pad.bottom + 18} textAnchor="middle" className="otj-chart__label">
              {shortDate(p.date)}
            </text>
          ) : null,
        )}
        {asOfIndex >= 0 ? (
          <line
            x1={x(asOfIndex)}
            x2={x(asOfIndex)}
            y1={pad.top}
            y2={height - pad.bottom}
            className="otj-chart__today"
          />
        ) : null}
        <polyline points={line((p) => p.required)} className="otj-chart__required" fill="none" />
        <polyline points={line((p) => p.forecast)} className="otj-chart__forecast" fill="none" />
        <polyline points={line((p) => p.actual)} className="otj-chart__actual" fill="none" />
      </svg>
      <figcaption>
        <ul className="otj-chart__legend" aria-hidden="true">
          <li>
            <span className="swatch swatch--required" /> Required (plan)
          </li>
          <li>
            <span className="swatch swatch--actual" /> Actual (verified)
          </li>
          <li>
            <span className="swatch swatch--forecast" /> Forecast
          </li>
        </ul>
        <p id={`${id}-summary`}>{summary}</p>
      </figcaption>
      <details>
        <summary>The chart's data as a table</summary>
        <ScrollTable caption="Off-the-job hours by date">
          <thead>
            <tr>
              <th scope="col">Date</th>
              <th scope="col">Required</th>
              <th scope="col">Actual</th>
              <th scope="col">Forecast</th>
            </tr>
          </thead>
          <tbody>
            {series.map((p) => (
              <tr key={p.date}>
                <th scope="row">
                  {formatLongDate(p.date)}
                  {p.isAsOf ? " (today)" : ""}
                </th>
                <td>{p.required === null ? "–" : fmt.format(p.required)}</td>
                <td>{p.actual === null ? "–" : fmt.format(p.actual)}</td>
                <td>{p.forecast === null ? "–" : fmt.format(p.forecast)}</td>
              </tr>
            ))}
          </tbody>
        </ScrollTable>
      </details>
    </figure>
  );
}
