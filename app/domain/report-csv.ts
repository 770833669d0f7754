/**
 * The tidy CSV export of a protected report's figures (app/domain/report-figures.ts), in the
 * layout the tidy writer (app/domain/tidy-csv.ts) produces. Pure.
 */
import { NOT_APPLICABLE } from "./disclosure.ts";
import type { Cell, FigureColumn, ReportFigures } from "./report-figures.ts";
import {
  isDistrictCode,
  toTidyCsv,
  type DistrictCode,
  type Geography,
  type MeasureSpec,
  type TidyReport,
  type TidyRow,
} from "./tidy-csv.ts";

/**
 * The tidy CSV for a protected report. Rows: each table's categories (area tables and the
 * area × learner-type table become local-authority-district rows; other breakdowns are
 * partnership-wide), merged by (geography, breakdown_topic, breakdown) so each observation is
 * one row; a measure a row does not have is `z`. Partnership-wide rows use the Regional level
 * (the West Midlands columns) because the tidy writer has no level for a two-authority
 * partnership; `breakdown_topic`/`breakdown` say what the row covers.
 */
export function figuresToTidyReport(figures: ReportFigures): TidyReport {
  if (!figures.protected) throw new Error("only protected figures can be exported");
  const measures = new Map<string, MeasureSpec>();
  const addMeasure = (col: FigureColumn) => {
    if (!measures.has(col.key))
      measures.set(col.key, { name: col.key, kind: col.kind, label: col.label, mayExceed100: col.mayExceed100 });
  };
  const rows = new Map<string, TidyRow & { measures: Record<string, Cell> }>();
  const rowFor = (geography: Geography, topic: string, breakdown: string) => {
    const id = `${JSON.stringify(geography)}|${topic}|${breakdown}`;
    let row = rows.get(id);
    if (!row) {
      row = { geography, breakdowns: { breakdown_topic: topic, breakdown }, measures: {} };
      rows.set(id, row);
    }
    return row;
  };
  const partnership: Geography = { level: "Regional" };
  const put = (row: { measures: Record<string, Cell> }, columns: FigureColumn[], cells: Cell[]) => {
    columns.forEach((col, j) => {
      addMeasure(col);
      if (!(col.key in row.measures)) row.measures[col.key] = cells[j];
    });
  };
  for (const table of [...figures.tables, figures.trend]) {
    const byArea = table.topic === "area";
    for (const r of table.rows) {
      if (byArea) {
        if (!isDistrictCode(r.key)) continue;
        put(
          rowFor({ level: "Local authority district", ladCode: r.key as DistrictCode }, "Total", "Total"),
          table.columns,
          r.cells,
        );
      } else {
        put(rowFor(partnership, table.topic, r.label), table.columns, r.cells);
      }
    }
    put(rowFor(partnership, "Total", "Total"), table.columns, table.total.cells);
  }
  // Area × learner type (the cross tab's margins already sit in the area and learner-type rows).
  const ct = figures.crossTab;
  const startsColumn: FigureColumn = { key: "starts", label: "Starts", kind: "count" };
  for (const r of ct.rows) {
    if (!isDistrictCode(r.key)) continue;
    ct.columns.slice(0, -1).forEach((col, j) => {
      put(
        rowFor({ level: "Local authority district", ladCode: r.key as DistrictCode }, "Learner type", col.label),
        [startsColumn],
        [r.cells[j]],
      );
    });
  }
  // Targets.
  const targetColumns: FigureColumn[] = [
    { key: "target_value", label: "Target", kind: "statistic" },
    { key: "target_progress", label: "Progress to date", kind: "count" },
    { key: "target_progress_percent", label: "Progress (% of target)", kind: "percentage", mayExceed100: true },
  ];
  for (const t of figures.targets) {
    put(rowFor(partnership, "Target", t.label), targetColumns, [t.targetValue, t.achieved, t.percent]);
  }
  const measureList = [...measures.values()];
  return {
    rule: figures.rule ?? undefined,
    timePeriod: figures.period.timePeriod,
    timeIdentifier: figures.period.timeIdentifier,
    breakdowns: [
      { name: "breakdown_topic", label: "Breakdown topic" },
      { name: "breakdown", label: "Breakdown" },
    ],
    measures: measureList,
    rows: [...rows.values()].map((row) => ({
      geography: row.geography,
      breakdowns: row.breakdowns,
      measures: Object.fromEntries(measureList.map((m) => [m.name, row.measures[m.name] ?? NOT_APPLICABLE])),
    })),
  };
}

export function figuresToCsv(figures: ReportFigures): string {
  return toTidyCsv(figuresToTidyReport(figures));
}
