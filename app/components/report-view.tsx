/**
 * The outcome report on a page: headline figures, three charts a committee paper would use
 * (progress to targets, trends by month, areas side by side) and every table.
 *
 * Charts are inline SVG rendered on the server: no chart library and no client script. Each one
 * is role="img" with a title (aria-labelledby) and a text summary (aria-describedby), and its
 * data table sits beside it, so nothing is only in the picture. A hidden figure (`c`) draws no
 * bar and is labelled "c" on the chart and in the table.
 */
import { useId } from "react";
import {
  describeCell,
  type Cell,
  type ColumnKind,
  type FigureTable,
  type ReportFigures,
} from "~/domain/report-figures.ts";
import { ScrollTable } from "~/components/table-scroll.tsx";

const SYMBOL_TITLES: Record<string, string> = {
  c: "confidential: hidden to protect individuals",
  x: "not available",
  z: "not applicable",
};

export function CellText({ cell, kind }: { cell: Cell; kind: ColumnKind }) {
  if (typeof cell === "string") return <abbr title={SYMBOL_TITLES[cell]}>{cell}</abbr>;
  return <>{kind === "percentage" ? `${cell}%` : cell.toLocaleString("en-GB")}</>;
}

export function FigureTableView({
  table,
  caption,
  headingLevel = 3,
}: {
  table: FigureTable;
  caption?: string;
  headingLevel?: 2 | 3;
}) {
  const Heading = headingLevel === 2 ? "h2" : "h3";
  return (
    <section className="report-table" aria-labelledby={`t-${table.id}`}>
      <Heading id={`t-${table.id}`}>{table.title}</Heading>
      <ScrollTable caption={caption ?? table.title}>
        <thead>
          <tr>
            <th scope="col">{table.dimensionLabel}</th>
            {table.columns.map((c) => (
              <th scope="col" key={c.key} className="num">
                {c.label}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {table.rows.map((r) => (
            <tr key={r.key}>
              <th scope="row">{r.label}</th>
              {r.cells.map((cell, j) => (
                <td key={table.columns[j].key} className="num">
                  <CellText cell={cell} kind={table.columns[j].kind} />
                </td>
              ))}
            </tr>
          ))}
        </tbody>
        <tfoot>
          <tr>
            <th scope="row">{table.total.label}</th>
            {table.total.cells.map((cell, j) => (
              <td key={table.columns[j].key} className="num">
                <CellText cell={cell} kind={table.columns[j].kind} />
              </td>
            ))}
          </tr>
        </tfoot>
      </ScrollTable>
    </section>
  );
}

type BarItem = { label: string; value: Cell };

/** Horizontal bars: one per item, value printed at the end of the bar. */
export function BarChart({
  title,
  summary,
  items,
  kind,
  max,
}: {
  title: string;
  summary: string;
  items: BarItem[];
  kind: ColumnKind;
  max?: number;
}) {
  const id = useId();
  const numbers = items.map((i) => (typeof i.value === "number" ? i.value : 0));
  const top = Math.max(max ?? 0, ...numbers, 1);
  const rowH = 28;
  const labelW = 210;
  const barW = 330;
  const height = items.length * rowH + 8;
  return (
    <figure className="chart">
      <svg
        role="img"
        aria-labelledby={`${id}-title`}
        aria-describedby={`${id}-desc`}
        viewBox={`0 0 ${labelW + barW + 70} ${height}`}
        width="100%"
        preserveAspectRatio="xMinYMin meet"
      >
        <title id={`${id}-title`}>{title}</title>
        <desc id={`${id}-desc`}>{summary}</desc>
        {items.map((item, i) => {
          const y = i * rowH + 4;
          const w = typeof item.value === "number" ? Math.max(item.value > 0 ? 2 : 0, (item.value / top) * barW) : 0;
          const text =
            typeof item.value === "number"
              ? kind === "percentage"
                ? `${item.value}%`
                : item.value.toLocaleString("en-GB")
              : item.value;
          return (
            <g key={item.label}>
              <text x={labelW - 8} y={y + 18} textAnchor="end" className="chart__label">
                {item.label.length > 30 ? `${item.label.slice(0, 29)}…` : item.label}
              </text>
              <rect x={labelW} y={y + 4} width={w} height={rowH - 10} className="chart__bar" />
              <text x={labelW + w + 6} y={y + 18} className="chart__value">
                {text}
              </text>
            </g>
          );
        })}
      </svg>
      <figcaption id={`${id}-caption`} className="chart__summary">
        {summary}
      </figcaption>
    </figure>
  );
}

/** Vertical columns over time (months). */
export function ColumnChart({ title, summary, items }: { title: string; summary: string; items: BarItem[] }) {
  const id = useId();
  const numbers = items.map((i) => (typeof i.value === "number" ? i.value : 0));
  const top = Math.max(...numbers, 1);
  const colW = 44;
  const plotH = 180;
  const width = Math.max(items.length * colW + 20, 200);
  return (
    <figure className="chart">
      <svg
        role="img"
        aria-labelledby={`${id}-title`}
        aria-describedby={`${id}-desc`}
        viewBox={`0 0 ${width} ${plotH + 50}`}
        width="100%"
        preserveAspectRatio="xMinYMin meet"
      >
        <title id={`${id}-title`}>{title}</title>
        <desc id={`${id}-desc`}>{summary}</desc>
        <line x1={10} x2={width - 10} y1={plotH + 20} y2={plotH + 20} className="chart__axis" />
        {items.map((item, i) => {
          const x = 10 + i * colW;
          const h = typeof item.value === "number" ? (item.value / top) * plotH : 0;
          const text = typeof item.value === "number" ? item.value.toLocaleString("en-GB") : item.value;
          return (
            <g key={item.label}>
              <rect x={x + 6} y={plotH + 20 - h} width={colW - 12} height={h} className="chart__bar" />
              <text x={x + colW / 2} y={plotH + 14 - h} textAnchor="middle" className="chart__value">
                {text}
              </text>
              <text x={x + colW / 2} y={plotH + 38} textAnchor="middle" className="chart__label chart__label--small">
                {item.label.slice(0, 3)}
              </text>
            </g>
          );
        })}
      </svg>
      <figcaption className="chart__summary">{summary}</figcaption>
    </figure>
  );
}

function columnOf(table: FigureTable, key: string) {
  const j = table.columns.findIndex((c) => c.key === key);
  return {
    column: table.columns[j],
    items: table.rows.map((r) => ({ label: r.label, value: r.cells[j] })),
    total: table.total.cells[j],
  };
}

function listInWords(items: BarItem[], kind: ColumnKind) {
  return items.map((i) => `${i.label} ${describeCell(i.value, kind)}`).join("; ");
}

export function ReportView({ figures }: { figures: ReportFigures }) {
  const areas = figures.tables.find((t) => t.id === "area-learning")!;
  const areaStarts = columnOf(areas, "starts");
  const trendStarts = columnOf(figures.trend, "starts");
  const targetItems = figures.targets.map((t) => ({ label: t.label, value: t.percent }));
  const shownAreas = areaStarts.items
    .filter((i) => typeof i.value === "number")
    .sort((a, b) => (b.value as number) - (a.value as number));
  const peakMonth = trendStarts.items
    .filter((i) => typeof i.value === "number")
    .sort((a, b) => (b.value as number) - (a.value as number))[0];

  return (
    <div className="report stack">
      {figures.rule ? (
        <div className="notice" role="note" aria-labelledby="rule-heading">
          <h2 id="rule-heading" className="notice__title">
            How figures are protected
          </h2>
          <p>{figures.rule}</p>
        </div>
      ) : (
        <div className="notice notice--warning" role="note">
          <p>
            <strong>Unrounded figures for your own organisation.</strong> They are not disclosure-controlled: use them
            to manage your own learners and do not publish them.
          </p>
        </div>
      )}

      <section aria-labelledby="headline-heading">
        <h2 id="headline-heading">Headline figures</h2>
        <dl className="headline-figures">
          {figures.headline.map((h) => (
            <div key={h.key} className="headline-figures__item">
              <dt>{h.label}</dt>
              <dd>
                <CellText cell={h.value} kind={h.kind} />
              </dd>
            </div>
          ))}
        </dl>
      </section>

      <section aria-labelledby="targets-heading" className="chart-with-table">
        <h2 id="targets-heading">Progress against the partnership's targets</h2>
        <BarChart
          title="Progress against targets, per cent of target reached"
          kind="percentage"
          max={100}
          items={targetItems}
          summary={`Per cent of each five-year target reached by the end of the period: ${listInWords(targetItems, "percentage")}.`}
        />
        <ScrollTable caption="Progress against targets (data for the chart)">
          <thead>
            <tr>
              <th scope="col">Target</th>
              <th scope="col" className="num">
                Target value
              </th>
              <th scope="col" className="num">
                Progress to date
              </th>
              <th scope="col" className="num">
                Per cent of target
              </th>
              <th scope="col">Target date</th>
            </tr>
          </thead>
          <tbody>
            {figures.targets.map((t) => (
              <tr key={t.key}>
                <th scope="row">{t.label}</th>
                <td className="num">{t.targetValue.toLocaleString("en-GB")}</td>
                <td className="num">
                  <CellText cell={t.achieved} kind="count" />
                </td>
                <td className="num">
                  <CellText cell={t.percent} kind="percentage" />
                </td>
                <td>{t.endsOn}</td>
              </tr>
            ))}
          </tbody>
        </ScrollTable>
      </section>

      <section aria-labelledby="trend-heading" className="chart-with-table">
        <h2 id="trend-heading">Starts by month</h2>
        <ColumnChart
          title="Starts on pathways by month"
          items={trendStarts.items}
          summary={`Starts on pathways in each month of the period, ${describeCell(trendStarts.total, "count")} in total${peakMonth ? `; the most in ${peakMonth.label} (${describeCell(peakMonth.value, "count")})` : ""}. Month by month: ${listInWords(trendStarts.items, "count")}.`}
        />
        <FigureTableView
          table={figures.trend}
          caption="Starts and verified learning hours by month (data for the chart)"
        />
      </section>

      <section aria-labelledby="areas-heading" className="chart-with-table">
        <h2 id="areas-heading">Areas side by side</h2>
        <BarChart
          title="Starts on pathways by area"
          kind="count"
          items={areaStarts.items}
          summary={`Starts on pathways in each of the nine areas${shownAreas[0] ? `; the most in ${shownAreas[0].label} (${describeCell(shownAreas[0].value, "count")})` : ""}. By area: ${listInWords(areaStarts.items, "count")}.`}
        />
        <FigureTableView table={areas} caption="Learning by area (data for the chart)" />
      </section>

      <section aria-labelledby="tables-heading">
        <h2 id="tables-heading">All breakdowns</h2>
        <FigureTableView table={figures.crossTab} caption="Starts by area and learner type" />
        {figures.tables
          .filter((t) => t.id !== "area-learning")
          .map((t) => (
            <FigureTableView key={t.id} table={t} />
          ))}
      </section>

      <section aria-labelledby="definitions-heading">
        <h2 id="definitions-heading">Definitions</h2>
        <ul>
          <li>Only verified records count, and only the latest version of a corrected record.</li>
          <li>Terms are fixed blocks: autumn August to December, spring January to March, summer April to July.</li>
          <li>
            Off-the-job (OTJ) hours are cumulative to the end of the period for apprentices in learning during it;
            "expected to date" is the planned hours in proportion to the planned programme elapsed.
          </li>
          <li>
            A review is on time when it is held on or before its due date (at most 3 calendar months after the previous
            one, paused for breaks in learning).
          </li>
          <li>
            Gatsby benchmark 5: a pupil attended an employer encounter, or completed a pathway that counts as one, this
            academic year. Gatsby 6 by 16: a year 11 pupil completed a work-experience placement.
          </li>
          <li>Work experience is measured for years 7 to 11 against the 50-hour entitlement.</li>
          <li>Age bands: apprentices by age at the start; pupils by year group.</li>
        </ul>
      </section>
    </div>
  );
}
