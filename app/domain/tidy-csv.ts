/**
 * The council's export: a CSV in the DfE "tidy data" shape, so our figures can sit next to
 * national statistics from Explore Education Statistics and be reused without reshaping.
 *
 * What the DfE convention asks, in our words:
 * - one row per observation, one column per variable; no merged headers, no totals-as-columns;
 * - the first columns say when and where: time_period (a 6-digit span such as 202627 for
 *   academic year 2026/27 or financial year 2026-27, with consecutive years; a 4-digit year for
 *   calendar years and for months, where time_identifier names the month, e.g. 2026 + "October"),
 *   time_identifier, geographic_level, then the codes and names for that level (columns for a
 *   lower level are left empty on a higher-level row);
 * - then one column per breakdown ("filters") and one per measure ("indicators");
 * - hidden or missing values use the GSS symbols c / x / z, never blanks.
 *
 * Where the disclosure rule sits: DfE keeps descriptions in a separate metadata file, but our
 * exports must carry the rule inside the file. A comment line or a trailing "notes" row would
 * break the one-row-per-observation shape (a spreadsheet filter or pandas would read it as
 * data), so the rule text is a final constant column, `disclosure_control`, on every row. It
 * survives filtering, sorting and copying a subset of rows, and any tool can drop the column.
 * `toTidyMetaCsv` additionally writes the DfE-style companion metadata file, where the column is
 * declared as a single-valued filter. Because the rule travels on the rows, an export must have
 * at least one row; the report layer sends protected zeros, never an empty file.
 *
 * CSV: RFC 4180 (CRLF after every record, fields quoted when they contain a comma, a quote, CR
 * or LF, quotes doubled). Spreadsheet formula injection is neutralised: a text field that starts
 * with =, +, -, @, tab or CR gets a leading apostrophe. Numbers are written by us from validated
 * non-negative values, so a numeric cell never starts with one of those characters; negative
 * measure values are rejected rather than escaped (an escaped "-3" would no longer be a number).
 *
 * Pure: builds a string. The route that serves it sets the headers and writes the audit log.
 */
import {
  CONFIDENTIAL,
  DISCLOSURE_RULE_TEXT,
  NOT_APPLICABLE,
  ROUNDING_BASE,
  UNAVAILABLE,
  type ProtectedCell,
} from "./disclosure.ts";
import { MONTH_NAMES } from "./dates.ts";

// ---------------------------------------------------------------------------------------------
// Geography

export const ENGLAND = { code: "E92000001", name: "England" } as const;
export const WEST_MIDLANDS = { code: "E12000005", name: "West Midlands" } as const;

export const UPPER_TIER_LAS = {
  E10000028: "Staffordshire",
  E06000021: "Stoke-on-Trent",
} as const;
export type UpperTierLaCode = keyof typeof UPPER_TIER_LAS;

/** The nine areas of the partnership: eight Staffordshire districts and the Stoke unitary. */
export const DISTRICTS = {
  E07000192: { name: "Cannock Chase", laCode: "E10000028" },
  E07000193: { name: "East Staffordshire", laCode: "E10000028" },
  E07000194: { name: "Lichfield", laCode: "E10000028" },
  E07000195: { name: "Newcastle-under-Lyme", laCode: "E10000028" },
  E07000196: { name: "South Staffordshire", laCode: "E10000028" },
  E07000197: { name: "Stafford", laCode: "E10000028" },
  E07000198: { name: "Staffordshire Moorlands", laCode: "E10000028" },
  E07000199: { name: "Tamworth", laCode: "E10000028" },
  // A unitary authority is both the district and the upper tier, with one code for both.
  E06000021: { name: "Stoke-on-Trent", laCode: "E06000021" },
} as const satisfies Record<string, { name: string; laCode: UpperTierLaCode }>;
export type DistrictCode = keyof typeof DISTRICTS;

export function isDistrictCode(code: string): code is DistrictCode {
  return Object.hasOwn(DISTRICTS, code);
}

export type Geography =
  | { level: "National" }
  | { level: "Regional" }
  | { level: "Local authority"; laCode: UpperTierLaCode }
  | { level: "Local authority district"; ladCode: DistrictCode };

export type GeographicLevel = Geography["level"];

export const GEOGRAPHY_COLUMNS = [
  "country_code",
  "country_name",
  "region_code",
  "region_name",
  "new_la_code",
  "la_name",
  "lad_code",
  "lad_name",
] as const;
type GeographyColumn = (typeof GEOGRAPHY_COLUMNS)[number];

/** The geography columns for one row; levels below the row's level stay empty (DfE practice). */
export function geographyFields(geo: Geography): Record<GeographyColumn, string> {
  const fields: Record<GeographyColumn, string> = {
    country_code: ENGLAND.code,
    country_name: ENGLAND.name,
    region_code: "",
    region_name: "",
    new_la_code: "",
    la_name: "",
    lad_code: "",
    lad_name: "",
  };
  if (geo.level === "National") return fields;
  fields.region_code = WEST_MIDLANDS.code;
  fields.region_name = WEST_MIDLANDS.name;
  if (geo.level === "Regional") return fields;
  const laCode = geo.level === "Local authority" ? geo.laCode : DISTRICTS[geo.ladCode]?.laCode;
  if (laCode === undefined || !Object.hasOwn(UPPER_TIER_LAS, laCode)) {
    throw new RangeError(`unknown area code in ${JSON.stringify(geo)}`);
  }
  fields.new_la_code = laCode;
  fields.la_name = UPPER_TIER_LAS[laCode];
  if (geo.level === "Local authority") return fields;
  fields.lad_code = geo.ladCode;
  fields.lad_name = DISTRICTS[geo.ladCode].name;
  return fields;
}

// ---------------------------------------------------------------------------------------------
// Time

const SPAN_IDENTIFIERS = [
  "Academic year",
  "Financial year",
  "Autumn term",
  "Spring term",
  "Summer term",
  "Autumn and spring term",
] as const;
const YEAR_IDENTIFIERS = ["Calendar year", ...MONTH_NAMES] as const;

export type TimeIdentifier = (typeof SPAN_IDENTIFIERS)[number] | (typeof YEAR_IDENTIFIERS)[number];

/** DfE time_period: 6 digits of consecutive years for year spans and terms, 4 digits otherwise. */
export function assertTimePeriod(timePeriod: string, timeIdentifier: TimeIdentifier): void {
  if ((SPAN_IDENTIFIERS as readonly string[]).includes(timeIdentifier)) {
    const m = /^(\d{4})(\d{2})$/.exec(timePeriod);
    if (!m || (Number(m[1]) + 1) % 100 !== Number(m[2])) {
      throw new RangeError(
        `time_period for "${timeIdentifier}" must be 6 digits of consecutive years (e.g. 202627), got "${timePeriod}"`,
      );
    }
    return;
  }
  if ((YEAR_IDENTIFIERS as readonly string[]).includes(timeIdentifier)) {
    if (!/^\d{4}$/.test(timePeriod)) {
      throw new RangeError(
        `time_period for "${timeIdentifier}" must be a 4-digit year (e.g. 2026), got "${timePeriod}"`,
      );
    }
    return;
  }
  throw new RangeError(`unsupported time_identifier "${timeIdentifier}"`);
}

/** Academic year (August to July) starting in `startYear`, e.g. 2026 -> "202627". */
export function academicYearPeriod(startYear: number): string {
  return `${startYear}${String((startYear + 1) % 100).padStart(2, "0")}`;
}

// ---------------------------------------------------------------------------------------------
// The report

/**
 * How a measure is checked before it is written. A "count" must already be protected (0 or a
 * multiple of 5, or a symbol): a raw count reaching the export is a bug, and we refuse it
 * rather than leak it. A "percentage" is 0-100. A "statistic" (hours, median days) is any
 * non-negative finite number.
 */
export type MeasureKind = "count" | "percentage" | "statistic";

export interface MeasureSpec {
  /** Column name, snake_case as DfE asks, e.g. "starts", "achievement_rate". */
  name: string;
  kind: MeasureKind;
  /** Human label for the metadata file. */
  label?: string;
  /** A percentage that may pass 100 (progress against a target that has been exceeded). */
  mayExceed100?: boolean;
}

export interface BreakdownSpec {
  /** Column name, snake_case, e.g. "learner_type". */
  name: string;
  label?: string;
}

export interface TidyRow {
  geography: Geography;
  /** One label per breakdown column, e.g. { learner_type: "Apprentice" }; "Total" for all. */
  breakdowns: Readonly<Record<string, string>>;
  measures: Readonly<Record<string, ProtectedCell>>;
}

export interface TidyReport {
  timePeriod: string;
  timeIdentifier: TimeIdentifier;
  breakdowns: readonly BreakdownSpec[];
  measures: readonly MeasureSpec[];
  rows: readonly TidyRow[];
  /**
   * The rule the figures were protected under, if not today's: a stored snapshot keeps the rule
   * it was built with, so its export must not claim a rule its figures did not follow.
   */
  rule?: string;
}

export interface TidyCsvOptions {
  /**
   * Prefix a UTF-8 byte-order mark. Excel needs it to read non-ASCII text correctly; most data
   * tools (and DfE's upload checks) prefer none. Default false; a "download for Excel" route
   * can turn it on.
   */
  bom?: boolean;
}

export const TIME_COLUMNS = ["time_period", "time_identifier", "geographic_level"] as const;
export const NOTE_COLUMN = "disclosure_control";

const COLUMN_NAME = /^[a-z][a-z0-9_]*$/;

/** The header row, in DfE order, for a report's breakdowns and measures. */
export function tidyColumns(report: Pick<TidyReport, "breakdowns" | "measures">): string[] {
  const columns = [
    ...TIME_COLUMNS,
    ...GEOGRAPHY_COLUMNS,
    ...report.breakdowns.map((b) => b.name),
    ...report.measures.map((m) => m.name),
    NOTE_COLUMN,
  ];
  const seen = new Set<string>();
  for (const name of columns) {
    if (!COLUMN_NAME.test(name)) throw new RangeError(`column name "${name}" is not snake_case`);
    if (seen.has(name)) throw new RangeError(`column "${name}" appears twice`);
    seen.add(name);
  }
  return columns;
}

function formatMeasure(spec: MeasureSpec, value: ProtectedCell | undefined): string {
  if (value === CONFIDENTIAL || value === UNAVAILABLE || value === NOT_APPLICABLE) return value;
  if (typeof value !== "number" || !Number.isFinite(value) || value < 0) {
    throw new RangeError(`measure "${spec.name}" has invalid value ${String(value)}`);
  }
  if (spec.kind === "count" && (!Number.isInteger(value) || value % ROUNDING_BASE !== 0)) {
    throw new RangeError(
      `measure "${spec.name}" is a count but ${value} is not protected (0 or a multiple of ${ROUNDING_BASE})`,
    );
  }
  if (spec.kind === "percentage" && value > 100 && !spec.mayExceed100) {
    throw new RangeError(`measure "${spec.name}" is a percentage but got ${value}`);
  }
  return String(value);
}

const FORMULA_START = /^[=+\-@\t\r]/;

/** Defuse text a spreadsheet would run as a formula (OWASP's "CSV injection" advice). */
export function neutraliseFormula(text: string): string {
  return FORMULA_START.test(text) ? `'${text}` : text;
}

/** RFC 4180 field: quoted only when it has to be, with embedded quotes doubled. */
export function csvField(text: string): string {
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

function textField(text: string): string {
  return csvField(neutraliseFormula(text));
}

/** Write the tidy CSV. Throws on anything that would make a malformed or leaky file. */
export function toTidyCsv(report: TidyReport, options: TidyCsvOptions = {}): string {
  assertTimePeriod(report.timePeriod, report.timeIdentifier);
  if (report.rows.length === 0) {
    // The rule text travels on the rows; a file without rows could not state it.
    throw new RangeError("a tidy export needs at least one row (use protected zeros for no data)");
  }
  const header = tidyColumns(report);
  const lines = [header.map(csvField).join(",")];
  for (const [index, row] of report.rows.entries()) {
    const geo = geographyFields(row.geography);
    const known = new Set(report.breakdowns.map((b) => b.name));
    for (const key of Object.keys(row.breakdowns)) {
      if (!known.has(key)) throw new RangeError(`row ${index} has unknown breakdown "${key}"`);
    }
    const measureNames = new Set(report.measures.map((m) => m.name));
    for (const key of Object.keys(row.measures)) {
      if (!measureNames.has(key)) throw new RangeError(`row ${index} has unknown measure "${key}"`);
    }
    const fields = [
      textField(report.timePeriod),
      textField(report.timeIdentifier),
      textField(row.geography.level),
      ...GEOGRAPHY_COLUMNS.map((c) => textField(geo[c])),
      ...report.breakdowns.map((b) => {
        const label = row.breakdowns[b.name];
        if (label === undefined || label === "") {
          throw new RangeError(`row ${index} has no value for breakdown "${b.name}"`);
        }
        return textField(label);
      }),
      ...report.measures.map((m) => csvField(formatMeasure(m, row.measures[m.name]))),
      textField(report.rule ?? DISCLOSURE_RULE_TEXT),
    ];
    lines.push(fields.join(","));
  }
  return (options.bom ? "\uFEFF" : "") + lines.map((line) => `${line}\r\n`).join("");
}

/**
 * The DfE-style companion metadata file (one row per breakdown and measure), so the export can
 * be screened and loaded like a national statistics release. The disclosure rule is in the
 * note column's label too, so the pair of files states it twice.
 */
export function toTidyMetaCsv(report: Pick<TidyReport, "breakdowns" | "measures" | "rule">): string {
  tidyColumns(report);
  const header = [
    "col_name",
    "col_type",
    "label",
    "indicator_grouping",
    "indicator_unit",
    "indicator_dp",
    "filter_hint",
    "filter_grouping_column",
  ];
  const rows: string[][] = [
    ...report.breakdowns.map((b) => [b.name, "Filter", b.label ?? b.name, "", "", "", "", ""]),
    ...report.measures.map((m) => [
      m.name,
      "Indicator",
      m.label ?? m.name,
      "",
      m.kind === "percentage" ? "%" : "",
      m.kind === "statistic" ? "" : "0",
      "",
      "",
    ]),
    // The rule column is a filter with a single value: valid tidy data, and the hint carries
    // the rule into the release's own metadata.
    [NOTE_COLUMN, "Filter", "Disclosure control", "", "", "", report.rule ?? DISCLOSURE_RULE_TEXT, ""],
  ];
  return [header, ...rows].map((r) => `${r.map(textField).join(",")}\r\n`).join("");
}
