/**
 * The outcome report's shape, and the step that turns unrounded aggregates into it. Pure.
 *
 * Input: grouped, unrounded figures per measure family (from report-measures.server.ts, passed
 * in as plain data). Output: `ReportFigures`, the JSON a snapshot stores and a page renders.
 * In protected mode every figure goes through app/domain/disclosure.ts:
 * - count columns: `protectSeries` per breakdown column (cells + total as one equation); the
 *   published total is the protected unrounded grand total, hidden too if the series hid it;
 * - rates: `protectRate` from the PUBLISHED numerator and denominator cells of the same row, so a
 *   rate adds nothing to what the counts say (never from the unrounded counts);
 * - statistics (hours, median days): `protectStatistic`, hidden where the published count of
 *   people behind them is hidden or too small (10 for a median, 5 otherwise); hours rounded to
 *   the nearest 10;
 * - the area × learner-type table: `protectTable`, and its margins REPLACE the starts figures
 *   in the area and learner-type tables, so one set of published margins serves all three and
 *   no table reveals a margin another one hid;
 * - targets: progress protected as a count; the percentage of target from the published
 *   progress (`protectTargetShare`).
 * In unrounded mode (an organisation's own report) figures are shown as they are.
 */
import {
  CONFIDENTIAL,
  DISCLOSURE_RULE_TEXT,
  MIN_MEDIAN_BASIS,
  NOT_APPLICABLE,
  UNAVAILABLE,
  protectCount,
  protectRate,
  protectSeries,
  protectStatistic,
  protectTable,
  protectTargetShare,
  type ProtectedCell,
} from "./disclosure.ts";
import type { ReportPeriod } from "./report-period.ts";
import { monthsOf } from "./report-period.ts";
import { DISTRICTS } from "./tidy-csv.ts";

export type Cell = ProtectedCell;
export type ColumnKind = "count" | "percentage" | "statistic";

export interface FigureColumn {
  key: string;
  label: string;
  kind: ColumnKind;
  /** A percentage that may pass 100 (share of a target). */
  mayExceed100?: boolean;
}

export interface FigureRow {
  key: string;
  label: string;
  cells: Cell[];
}

export interface FigureTable {
  id: string;
  title: string;
  /** What the rows are, e.g. "Area". */
  dimensionLabel: string;
  /** The CSV breakdown_topic; "area" tables become local-authority-district rows instead. */
  topic: string;
  columns: FigureColumn[];
  rows: FigureRow[];
  total: FigureRow;
}

export interface HeadlineFigure {
  key: string;
  label: string;
  kind: ColumnKind;
  value: Cell;
}

export interface TargetFigure {
  key: string;
  label: string;
  targetValue: number;
  endsOn: string;
  achieved: Cell;
  percent: Cell;
}

export interface ReportFigures {
  schema: 1;
  /** true: disclosure-controlled (safe to publish); false: one organisation's unrounded figures. */
  protected: boolean;
  rule: string | null;
  scopeLabel: string;
  period: ReportPeriod;
  headline: HeadlineFigure[];
  targets: TargetFigure[];
  /** Rows: months of the period. */
  trend: FigureTable;
  /** Areas × learner type, starts. */
  crossTab: FigureTable;
  tables: FigureTable[];
}

// ───────────────────────────── input ─────────────────────────────

export interface Grouped {
  dimension: string;
  key: string;
  values: Record<string, number>;
}

export interface MeasureInput {
  families: Record<FamilyName, Grouped[]>;
  credentials: { code: string; name: string; learners: number }[];
  targets: { key: string; label: string; targetValue: number; endsOn: string; achieved: number | null }[];
  pathwayTitles: Record<string, string>;
}

export type FamilyName = "enrolments" | "ledger" | "apprenticeships" | "reviews" | "pupils" | "placements";

// ───────────────────────────── column specs ─────────────────────────────

type Ref = { family: FamilyName; measure: string };
type ColumnSpec =
  | ({ key: string; label: string; kind: "count" } & Ref)
  | { key: string; label: string; kind: "percentage"; family: FamilyName; num: string; den: string }
  | ({
      key: string;
      label: string;
      kind: "statistic";
      basis: string;
      scale?: number;
      minBasis?: number;
      roundTo?: number;
    } & Ref);

const c = (family: FamilyName, measure: string, label: string, key = measure): ColumnSpec => ({
  key,
  label,
  kind: "count",
  family,
  measure,
});
const pct = (family: FamilyName, key: string, label: string, num: string, den: string): ColumnSpec => ({
  key,
  label,
  kind: "percentage",
  family,
  num,
  den,
});
const hours = (
  family: FamilyName,
  measure: string,
  key: string,
  label: string,
  basis: string,
  scale = 1,
): ColumnSpec => ({ key, label, kind: "statistic", family, measure, basis, scale, roundTo: 10 });

const COL = {
  starts: c("enrolments", "starts", "Starts"),
  active: c("enrolments", "active_learners", "Active learners"),
  activeOnPathway: c("enrolments", "active_enrolments", "Learners active on the pathway"),
  completions: c("enrolments", "completions", "Completions"),
  leavers: c("enrolments", "leavers", "Leavers"),
  achievementRate: pct("enrolments", "achievement_rate", "Achievement rate (%)", "completions", "leavers"),
  cpd: c("enrolments", "teacher_cpd_completions", "Teachers' CPD completions"),
  learningHours: hours(
    "ledger",
    "learning_minutes",
    "learning_hours",
    "Verified learning hours",
    "learners_with_hours",
    1 / 60,
  ),
  learnersWithHours: c("ledger", "learners_with_hours", "Learners with verified hours"),
  appStarts: c("apprenticeships", "apprenticeship_starts", "Apprenticeship starts"),
  appAchievements: c("apprenticeships", "apprenticeship_achievements", "Apprenticeship achievements"),
  appLeavers: c("apprenticeships", "apprenticeship_leavers", "Apprenticeship leavers"),
  appRate: pct(
    "apprenticeships",
    "apprenticeship_achievement_rate",
    "Apprenticeship achievement rate (%)",
    "apprenticeship_achievements",
    "apprenticeship_leavers",
  ),
  inLearning: c("apprenticeships", "apprentices_in_learning", "Apprentices in learning"),
  otjPlanned: hours(
    "apprenticeships",
    "otj_planned_hours",
    "otj_planned_hours",
    "OTJ hours planned",
    "apprentices_in_learning",
  ),
  otjExpected: hours(
    "apprenticeships",
    "otj_expected_hours",
    "otj_expected_hours",
    "OTJ hours expected to date",
    "apprentices_in_learning",
  ),
  otjActual: hours(
    "apprenticeships",
    "otj_actual_minutes",
    "otj_actual_hours",
    "OTJ hours verified to date",
    "apprentices_in_learning",
    1 / 60,
  ),
  otjOnTrack: c("apprenticeships", "otj_on_track", "Apprentices at or above OTJ expected to date", "otj_on_track"),
  otjRate: pct(
    "apprenticeships",
    "otj_on_track_rate",
    "At or above OTJ expected (%)",
    "otj_on_track",
    "apprentices_in_learning",
  ),
  reviewsDue: c("reviews", "reviews_due", "Reviews due"),
  reviewsOnTime: c("reviews", "reviews_on_time", "Reviews held on time"),
  reviewsRate: pct("reviews", "reviews_on_time_rate", "Reviews held on time (%)", "reviews_on_time", "reviews_due"),
  reviewsSigned: c("reviews", "reviews_fully_signed", "Reviews signed by all three"),
  medianDays: {
    key: "median_days_to_sign",
    label: "Median days to all three signatures",
    kind: "statistic",
    family: "reviews",
    measure: "median_days_to_sign",
    basis: "reviews_fully_signed",
    minBasis: MIN_MEDIAN_BASIS,
    roundTo: 1,
  } as ColumnSpec,
  pupils: c("pupils", "pupils", "Pupils"),
  g5: c("pupils", "gatsby5_met", "Pupils meeting Gatsby 5 this year"),
  g5Rate: pct("pupils", "gatsby5_rate", "Gatsby 5 this year (%)", "gatsby5_met", "pupils"),
  y11: c("pupils", "year11_pupils", "Year 11 pupils"),
  g6: c("pupils", "gatsby6_met", "Year 11 pupils with a workplace experience (Gatsby 6 by 16)"),
  g6Rate: pct("pupils", "gatsby6_rate", "Gatsby 6 by 16 (%)", "gatsby6_met", "year11_pupils"),
  ks34: c("pupils", "ks34_pupils", "Pupils in years 7 to 11"),
  wexHours: hours(
    "pupils",
    "work_experience_hours",
    "work_experience_hours",
    "Work-experience hours (years 7 to 11)",
    "pupils_with_work_experience",
  ),
  wex50: c("pupils", "pupils_50_hours", "Pupils with 50 hours or more"),
  wexRate: pct(
    "pupils",
    "work_experience_entitlement_rate",
    "Reached the 50-hour entitlement (%)",
    "pupils_50_hours",
    "ks34_pupils",
  ),
  plStarted: c("placements", "placements_started", "Placements started"),
  plCompleted: c("placements", "placements_completed", "Placements completed"),
  pupilsPlaced: c("placements", "pupils_placed", "Pupils placed"),
  hosts: c("placements", "host_employers", "Host employers (would host again)"),
  engaged: c("placements", "businesses_engaged", "Businesses engaged"),
} as const;

const LEARNER_TYPES: Record<string, string> = {
  pupil: "Pupil",
  teacher: "Teacher",
  apprentice: "Apprentice",
  other: "Other learner",
};
const ORG_KINDS: Record<string, string> = {
  SCHOOL: "School",
  EMPLOYER: "Employer",
  PROVIDER: "Training provider",
  COUNCIL: "Council",
};
const LEVELS: Record<string, string> = {
  "level-2": "Level 2",
  "level-3": "Level 3",
  "level-4-plus": "Level 4 and above",
};
const AGE_BANDS: Record<string, string> = {
  ...Object.fromEntries([7, 8, 9, 10, 11, 12, 13].map((y) => [`year-${y}`, `Year ${y}`])),
  "under-19": "Under 19",
  "19-24": "19 to 24",
  "25-plus": "25 and over",
  "not-recorded": "Not recorded",
};
const YEAR_GROUPS: Record<string, string> = {
  ...Object.fromEntries([7, 8, 9, 10, 11, 12, 13].map((y) => [`year-${y}`, `Year ${y}`])),
  "not-recorded": "Not recorded",
};
const DISTRICT_LABELS: Record<string, string> = Object.fromEntries(
  Object.entries(DISTRICTS).map(([code, d]) => [code, d.name]),
);

interface TableSpec {
  id: string;
  title: string;
  dimension: string;
  dimensionLabel: string;
  topic: string;
  /** Fixed categories (shown even at zero); others found in the data are appended. */
  categories: Record<string, string>;
  /** Only these categories (e.g. months of the period). */
  only?: boolean;
  columns: ColumnSpec[];
}

function tableSpecs(input: MeasureInput, period: ReportPeriod): TableSpec[] {
  const pathways = { ...input.pathwayTitles, apprenticeship: "Apprenticeship (off-the-job and programme learning)" };
  return [
    {
      id: "area-learning",
      title: "Learning by area",
      dimension: "district",
      dimensionLabel: "Area",
      topic: "area",
      categories: DISTRICT_LABELS,
      columns: [COL.starts, COL.active, COL.completions, COL.leavers, COL.achievementRate, COL.learningHours, COL.cpd],
    },
    {
      id: "area-apprenticeships",
      title: "Apprenticeships by area",
      dimension: "district",
      dimensionLabel: "Area",
      topic: "area",
      categories: DISTRICT_LABELS,
      columns: [
        COL.appStarts,
        COL.appAchievements,
        COL.appLeavers,
        COL.appRate,
        COL.inLearning,
        COL.otjPlanned,
        COL.otjExpected,
        COL.otjActual,
        COL.otjOnTrack,
        COL.otjRate,
      ],
    },
    {
      id: "area-reviews",
      title: "Progress reviews by area",
      dimension: "district",
      dimensionLabel: "Area",
      topic: "area",
      categories: DISTRICT_LABELS,
      columns: [COL.reviewsDue, COL.reviewsOnTime, COL.reviewsRate, COL.reviewsSigned, COL.medianDays],
    },
    {
      id: "area-pupils",
      title: "Pupils: employer encounters and work experience by area",
      dimension: "district",
      dimensionLabel: "Area",
      topic: "area",
      categories: DISTRICT_LABELS,
      columns: [
        COL.pupils,
        COL.g5,
        COL.g5Rate,
        COL.y11,
        COL.g6,
        COL.g6Rate,
        COL.ks34,
        COL.wexHours,
        COL.wex50,
        COL.wexRate,
      ],
    },
    {
      id: "area-placements",
      title: "Placements and employers by area",
      dimension: "district",
      dimensionLabel: "Area",
      topic: "area",
      categories: DISTRICT_LABELS,
      columns: [COL.plStarted, COL.plCompleted, COL.pupilsPlaced, COL.hosts, COL.engaged],
    },
    {
      id: "pathway",
      title: "Learning by pathway",
      dimension: "pathway",
      dimensionLabel: "Pathway",
      topic: "Pathway",
      categories: pathways,
      columns: [COL.starts, COL.activeOnPathway, COL.completions, COL.leavers, COL.achievementRate, COL.learningHours],
    },
    {
      id: "organisation-kind",
      title: "Learning by organisation type",
      dimension: "organisation_kind",
      dimensionLabel: "Organisation type",
      topic: "Organisation type",
      categories: ORG_KINDS,
      columns: [COL.starts, COL.active, COL.completions, COL.leavers, COL.achievementRate, COL.learningHours],
    },
    {
      id: "learner-type",
      title: "Learning by learner type",
      dimension: "learner_type",
      dimensionLabel: "Learner type",
      topic: "Learner type",
      categories: LEARNER_TYPES,
      columns: [COL.starts, COL.active, COL.completions, COL.leavers, COL.achievementRate, COL.learningHours, COL.cpd],
    },
    {
      id: "age-band",
      title: "Learning by age band (pupils by year group)",
      dimension: "age_band",
      dimensionLabel: "Age band",
      topic: "Age band",
      categories: AGE_BANDS,
      columns: [COL.starts, COL.active, COL.completions, COL.leavers, COL.achievementRate],
    },
    {
      id: "apprenticeship-level",
      title: "Apprenticeships by level",
      dimension: "level",
      dimensionLabel: "Level",
      topic: "Level",
      categories: LEVELS,
      columns: [
        COL.appStarts,
        COL.appAchievements,
        COL.appLeavers,
        COL.appRate,
        COL.inLearning,
        COL.otjOnTrack,
        COL.otjRate,
      ],
    },
    {
      id: "apprenticeship-age",
      title: "Apprenticeships by age band at start",
      dimension: "age_band",
      dimensionLabel: "Age band",
      topic: "Apprentice age band",
      categories: {
        "under-19": "Under 19",
        "19-24": "19 to 24",
        "25-plus": "25 and over",
        "not-recorded": "Not recorded",
      },
      columns: [COL.appStarts, COL.appAchievements, COL.appLeavers, COL.appRate, COL.inLearning],
    },
    {
      id: "review-level",
      title: "Progress reviews by apprenticeship level",
      dimension: "level",
      dimensionLabel: "Level",
      topic: "Level",
      categories: LEVELS,
      columns: [COL.reviewsDue, COL.reviewsOnTime, COL.reviewsRate, COL.reviewsSigned, COL.medianDays],
    },
    {
      id: "year-group",
      title: "Pupils by year group",
      dimension: "year_group",
      dimensionLabel: "Year group",
      topic: "Year group",
      categories: YEAR_GROUPS,
      columns: [COL.pupils, COL.g5, COL.g5Rate, COL.y11, COL.g6, COL.g6Rate, COL.wexHours, COL.wex50],
    },
    {
      id: "trend",
      title: "Starts by month",
      dimension: "month",
      dimensionLabel: "Month",
      topic: "Month",
      only: true,
      categories: Object.fromEntries(monthsOf(period).map((m) => [m.key, m.label])),
      columns: [
        { ...COL.starts, key: "starts" },
        {
          key: "apprenticeship_starts",
          label: "Apprenticeship starts",
          kind: "count",
          family: "apprenticeships",
          measure: "apprenticeship_starts",
        },
        COL.learningHours,
      ],
    },
  ];
}

/** Which grouped dimension a family uses for a table dimension (the trend's month differs). */
function familyDimension(family: FamilyName, dimension: string): string {
  if (dimension === "month" && (family === "enrolments" || family === "apprenticeships")) return "start_month";
  return dimension;
}

// ───────────────────────────── building ─────────────────────────────

type Lookup = (family: FamilyName, dimension: string, key: string | null, measure: string) => number;

function lookupFor(input: MeasureInput): Lookup {
  const index = new Map<string, Record<string, number>>();
  for (const [family, rows] of Object.entries(input.families)) {
    for (const r of rows) index.set(`${family}|${r.dimension}|${r.key}`, r.values);
  }
  return (family, dimension, key, measure) => {
    const values =
      key === null
        ? index.get(`${family}|total|all`)
        : index.get(`${family}|${familyDimension(family, dimension)}|${key}`);
    return values?.[measure] ?? 0;
  };
}

function categoriesFor(spec: TableSpec, input: MeasureInput): { key: string; label: string }[] {
  const keys = new Map(Object.entries(spec.categories));
  if (!spec.only) {
    for (const col of spec.columns) {
      for (const r of input.families[col.family]) {
        if (r.dimension === familyDimension(col.family, spec.dimension) && !keys.has(r.key)) keys.set(r.key, r.key);
      }
    }
  }
  return [...keys].map(([key, label]) => ({ key, label }));
}

function buildTable(spec: TableSpec, input: MeasureInput, look: Lookup, protect: boolean): FigureTable {
  const cats = categoriesFor(spec, input);
  const keys = cats.map((c) => c.key);
  const rowCount = keys.length;
  // Protected count series, per (family, measure), for counts and for the bases of rates/stats.
  const series = new Map<string, { cells: Cell[]; total: Cell; raw: number[]; rawTotal: number }>();
  const countSeries = (family: FamilyName, measure: string) => {
    const id = `${family}|${measure}`;
    let s = series.get(id);
    if (!s) {
      const raw = keys.map((k) => look(family, spec.dimension, k, measure));
      const rawTotal = look(family, spec.dimension, null, measure);
      if (protect) {
        const p = protectSeries({ keys, counts: raw });
        const total = p.total === CONFIDENTIAL ? CONFIDENTIAL : protectCount(rawTotal);
        s = { cells: p.cells, total, raw, rawTotal };
      } else {
        s = { cells: raw, total: rawTotal, raw, rawTotal };
      }
      series.set(id, s);
    }
    return s;
  };
  const columnCells = (col: ColumnSpec): { cells: Cell[]; total: Cell } => {
    if (col.kind === "count") {
      const s = countSeries(col.family, col.measure);
      return { cells: s.cells, total: s.total };
    }
    if (col.kind === "percentage") {
      const num = countSeries(col.family, col.num);
      const den = countSeries(col.family, col.den);
      if (!protect) {
        const one = (n: number, d: number): Cell => (d === 0 ? NOT_APPLICABLE : Math.round((100 * n) / d));
        return { cells: num.raw.map((n, i) => one(n, den.raw[i])), total: one(num.rawTotal, den.rawTotal) };
      }
      return { cells: num.cells.map((n, i) => protectRate(n, den.cells[i])), total: protectRate(num.total, den.total) };
    }
    const basis = countSeries(col.family, col.basis);
    const scale = col.scale ?? 1;
    const isMedian = col.measure === "median_days_to_sign";
    const one = (key: string | null, basisCell: Cell): Cell => {
      const v = look(col.family, spec.dimension, key, col.measure) * scale;
      if (!protect) return Math.round(v * 10) / 10;
      return protectStatistic(v, basisCell, {
        minBasis: col.minBasis ?? 5,
        roundTo: col.roundTo ?? 1,
        whenEmpty: isMedian ? NOT_APPLICABLE : 0,
      });
    };
    return { cells: keys.map((k, i) => one(k, basis.cells[i])), total: one(null, basis.total) };
  };
  const columns = spec.columns.map((col) => ({ spec: col, ...columnCells(col) }));
  return {
    id: spec.id,
    title: spec.title,
    dimensionLabel: spec.dimensionLabel,
    topic: spec.topic,
    columns: spec.columns.map((col) => ({ key: col.key, label: col.label, kind: col.kind })),
    rows: Array.from({ length: rowCount }, (_, i) => ({
      key: cats[i].key,
      label: cats[i].label,
      cells: columns.map((col) => col.cells[i]),
    })),
    total: { key: "total", label: "Total", cells: columns.map((col) => col.total) },
  };
}

function buildCrossTab(input: MeasureInput, protect: boolean): FigureTable {
  const areas = Object.keys(DISTRICT_LABELS);
  const types = [...Object.keys(LEARNER_TYPES)];
  const composite = new Map<string, number>();
  for (const r of input.families.enrolments) {
    if (r.dimension === "area_learner_type") composite.set(r.key, r.values.starts ?? 0);
  }
  for (const key of composite.keys()) {
    const [area, type] = key.split("|");
    if (!areas.includes(area)) areas.push(area);
    if (!types.includes(type)) types.push(type);
  }
  const cells = areas.map((a) => types.map((t) => composite.get(`${a}|${t}`) ?? 0));
  const columns = types.map((t) => ({ key: t, label: LEARNER_TYPES[t] ?? t, kind: "count" as const }));
  const columnsWithTotal = [...columns, { key: "total", label: "All learners", kind: "count" as const }];
  if (!protect) {
    const rowTotals = cells.map((row) => row.reduce((a, b) => a + b, 0));
    return {
      id: "area-learner-type",
      title: "Starts by area and learner type",
      dimensionLabel: "Area",
      topic: "Learner type",
      columns: columnsWithTotal,
      rows: areas.map((a, i) => ({ key: a, label: DISTRICT_LABELS[a] ?? a, cells: [...cells[i], rowTotals[i]] })),
      total: {
        key: "total",
        label: "Total",
        cells: [...types.map((_, j) => cells.reduce((s, row) => s + row[j], 0)), rowTotals.reduce((a, b) => a + b, 0)],
      },
    };
  }
  const p = protectTable({ rowKeys: areas, columnKeys: types, cells });
  return {
    id: "area-learner-type",
    title: "Starts by area and learner type",
    dimensionLabel: "Area",
    topic: "Learner type",
    columns: columnsWithTotal,
    rows: areas.map((a, i) => ({ key: a, label: DISTRICT_LABELS[a] ?? a, cells: [...p.cells[i], p.rowTotals[i]] })),
    total: { key: "total", label: "Total", cells: [...p.columnTotals, p.grandTotal] },
  };
}

/** Make `table`'s `column` agree with the cross tab's margins (rows by area, or columns by type). */
function adoptMargins(table: FigureTable, column: string, crossTab: FigureTable, axis: "rows" | "columns") {
  const j = table.columns.findIndex((c) => c.key === column);
  if (j < 0) return;
  const totalIndex = crossTab.columns.length - 1;
  for (const row of table.rows) {
    if (axis === "rows") {
      const match = crossTab.rows.find((r) => r.key === row.key);
      if (match) row.cells[j] = match.cells[totalIndex];
    } else {
      const k = crossTab.columns.findIndex((c) => c.key === row.key);
      if (k >= 0) row.cells[j] = crossTab.total.cells[k];
    }
  }
  table.total.cells[j] = crossTab.total.cells[totalIndex];
}

const HEADLINE: { table: string; column: string; label?: string }[] = [
  { table: "area-learning", column: "starts", label: "Starts on pathways" },
  { table: "area-learning", column: "active_learners" },
  { table: "area-learning", column: "completions", label: "Pathway completions" },
  { table: "area-learning", column: "achievement_rate" },
  { table: "area-learning", column: "learning_hours" },
  { table: "credentials", column: "credentials_awarded", label: "Credentials awarded" },
  { table: "area-learning", column: "teacher_cpd_completions" },
  { table: "area-apprenticeships", column: "apprenticeship_starts" },
  { table: "area-apprenticeships", column: "apprenticeship_achievements" },
  { table: "area-apprenticeships", column: "apprenticeship_achievement_rate" },
  { table: "area-apprenticeships", column: "otj_planned_hours" },
  { table: "area-apprenticeships", column: "otj_actual_hours" },
  { table: "area-apprenticeships", column: "otj_on_track_rate" },
  { table: "area-reviews", column: "reviews_on_time_rate" },
  { table: "area-reviews", column: "median_days_to_sign" },
  { table: "area-placements", column: "placements_started" },
  { table: "area-placements", column: "placements_completed" },
  { table: "area-pupils", column: "gatsby5_rate" },
  { table: "area-pupils", column: "gatsby6_rate" },
  { table: "area-pupils", column: "work_experience_hours" },
  { table: "area-pupils", column: "work_experience_entitlement_rate" },
  { table: "area-placements", column: "host_employers" },
];

export interface BuildOptions {
  protect: boolean;
  scopeLabel: string;
}

/** Turn unrounded aggregates into the report's figures (protected unless told otherwise). */
export function buildFigures(period: ReportPeriod, input: MeasureInput, options: BuildOptions): ReportFigures {
  const look = lookupFor(input);
  const { protect } = options;
  const specs = tableSpecs(input, period);
  const built = specs.map((spec) => buildTable(spec, input, look, protect));
  const trend = built.find((t) => t.id === "trend")!;
  const tables = built.filter((t) => t.id !== "trend");

  // Credentials by exam code: one count series.
  const codes = input.credentials.map((r) => r.code);
  const raw = input.credentials.map((r) => r.learners);
  const cred = protect
    ? protectSeries({ keys: codes, counts: raw })
    : { cells: raw as Cell[], total: raw.reduce((a, b) => a + b, 0) as Cell };
  tables.push({
    id: "credentials",
    title: "Credentials awarded by exam code",
    dimensionLabel: "Exam code",
    topic: "Exam code",
    columns: [{ key: "credentials_awarded", label: "Learners awarded", kind: "count" }],
    rows: input.credentials.map((r, i) => ({ key: r.code, label: `${r.code} ${r.name}`, cells: [cred.cells[i]] })),
    total: { key: "total", label: "Total", cells: [cred.total] },
  });

  const crossTab = buildCrossTab(input, protect);
  adoptMargins(
    tables.find((t) => t.id === "area-learning")!,
    "starts",
    crossTab,
    "rows",
  );
  adoptMargins(
    tables.find((t) => t.id === "learner-type")!,
    "starts",
    crossTab,
    "columns",
  );
  if (crossTab.total.cells[crossTab.total.cells.length - 1] === CONFIDENTIAL) {
    // The cross tab hid its grand total to protect a cell: no other table may publish it.
    for (const t of [...tables, trend]) {
      const j = t.columns.findIndex((col) => col.key === "starts");
      if (j >= 0) t.total.cells[j] = CONFIDENTIAL;
    }
  }

  const headline: HeadlineFigure[] = HEADLINE.map(({ table, column, label }) => {
    const t = tables.find((x) => x.id === table)!;
    const j = t.columns.findIndex((c) => c.key === column);
    return { key: column, label: label ?? t.columns[j].label, kind: t.columns[j].kind, value: t.total.cells[j] };
  });

  const targets: TargetFigure[] = input.targets.map((t) => {
    if (t.achieved === null)
      return {
        key: t.key,
        label: t.label,
        targetValue: t.targetValue,
        endsOn: t.endsOn,
        achieved: UNAVAILABLE,
        percent: UNAVAILABLE,
      };
    const achieved = protect ? protectCount(t.achieved) : t.achieved;
    const percent: Cell = protect
      ? protectTargetShare(achieved, t.targetValue)
      : t.targetValue <= 0
        ? NOT_APPLICABLE
        : Math.floor((100 * t.achieved) / t.targetValue);
    return { key: t.key, label: t.label, targetValue: t.targetValue, endsOn: t.endsOn, achieved, percent };
  });

  return {
    schema: 1,
    protected: protect,
    rule: protect ? DISCLOSURE_RULE_TEXT : null,
    scopeLabel: options.scopeLabel,
    period,
    headline,
    targets,
    trend,
    crossTab,
    tables,
  };
}

/** Plain-language text for a cell (charts' summaries, screen readers). */
export function describeCell(cell: Cell, kind: ColumnKind): string {
  if (cell === CONFIDENTIAL) return "hidden to protect individuals";
  if (cell === UNAVAILABLE) return "not available";
  if (cell === NOT_APPLICABLE) return "not applicable";
  return kind === "percentage" ? `${cell}%` : cell.toLocaleString("en-GB");
}
