import { describe, expect, test } from "vitest";
import { DISCLOSURE_RULE_TEXT, protectCount, protectRate } from "./disclosure.ts";
import {
  DISTRICTS,
  academicYearPeriod,
  csvField,
  geographyFields,
  neutraliseFormula,
  toTidyCsv,
  toTidyMetaCsv,
  type TidyReport,
} from "./tidy-csv.ts";

/** Minimal RFC 4180 reader for the tests: returns records of fields. */
function parseCsv(text: string): string[][] {
  const records: string[][] = [];
  let field = "";
  let record: string[] = [];
  let i = 0;
  let quoted = false;
  while (i < text.length) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        field += '"';
        i += 2;
      } else if (ch === '"') {
        quoted = false;
        i++;
      } else {
        field += ch;
        i++;
      }
    } else if (ch === '"' && field === "") {
      quoted = true;
      i++;
    } else if (ch === ",") {
      record.push(field);
      field = "";
      i++;
    } else if (ch === "\r" && text[i + 1] === "\n") {
      record.push(field);
      records.push(record);
      record = [];
      field = "";
      i += 2;
    } else {
      field += ch;
      i++;
    }
  }
  if (field !== "" || record.length > 0) throw new Error("file does not end with CRLF");
  return records;
}

const baseReport = (over: Partial<TidyReport> = {}): TidyReport => ({
  timePeriod: "202627",
  timeIdentifier: "Academic year",
  breakdowns: [{ name: "learner_type" }],
  measures: [
    { name: "active_learners", kind: "count" },
    { name: "achievement_rate", kind: "percentage" },
  ],
  rows: [
    {
      geography: { level: "Local authority district", ladCode: "E07000195" },
      breakdowns: { learner_type: "Apprentice" },
      measures: {
        active_learners: protectCount(31),
        achievement_rate: protectRate(protectCount(20), protectCount(31)),
      },
    },
    {
      geography: { level: "Local authority district", ladCode: "E07000199" },
      breakdowns: { learner_type: "Apprentice" },
      measures: { active_learners: protectCount(3), achievement_rate: protectRate(protectCount(2), protectCount(3)) },
    },
  ],
  ...over,
});

describe("toTidyCsv", () => {
  test("columns come in DfE order: time, geography, breakdowns, measures, then the rule", () => {
    const [header] = parseCsv(toTidyCsv(baseReport()));
    expect(header).toEqual([
      "time_period",
      "time_identifier",
      "geographic_level",
      "country_code",
      "country_name",
      "region_code",
      "region_name",
      "new_la_code",
      "la_name",
      "lad_code",
      "lad_name",
      "learner_type",
      "active_learners",
      "achievement_rate",
      "disclosure_control",
    ]);
  });

  test("a district row carries its upper-tier authority and UTF-8-safe names", () => {
    const [, newcastle, tamworth] = parseCsv(toTidyCsv(baseReport()));
    expect(newcastle).toEqual([
      "202627",
      "Academic year",
      "Local authority district",
      "E92000001",
      "England",
      "E12000005",
      "West Midlands",
      "E10000028",
      "Staffordshire",
      "E07000195",
      "Newcastle-under-Lyme",
      "Apprentice",
      "30",
      "67", // 20 of 30 as published
      DISCLOSURE_RULE_TEXT,
    ]);
    // small counts and rates arrive as c and are written as c
    expect(tamworth.slice(9, 14)).toEqual(["E07000199", "Tamworth", "Apprentice", "c", "c"]);
  });

  test("every line ends with CRLF and there is no bare LF", () => {
    const csv = toTidyCsv(baseReport());
    expect(csv.endsWith("\r\n")).toBe(true);
    expect(csv.split("\r\n")).toHaveLength(4); // header, two rows, trailing empty
    expect(csv.replaceAll("\r\n", "")).not.toMatch(/[\r\n]/);
  });

  test("the disclosure rule is on every data row, in the same column", () => {
    const records = parseCsv(toTidyCsv(baseReport()));
    const at = records[0].indexOf("disclosure_control");
    for (const row of records.slice(1)) expect(row[at]).toBe(DISCLOSURE_RULE_TEXT);
    // and every record has the same number of fields: still tidy, opens as one table
    expect(new Set(records.map((r) => r.length)).size).toBe(1);
  });

  test("fields with commas, quotes and line breaks are quoted, quotes doubled", () => {
    const report = baseReport({
      breakdowns: [{ name: "organisation" }],
      rows: [
        {
          geography: { level: "Local authority", laCode: "E06000021" },
          breakdowns: { organisation: 'Smith, Jones & "Partners"\r\nLtd' },
          measures: { active_learners: 10, achievement_rate: "z" },
        },
      ],
    });
    const csv = toTidyCsv(report);
    expect(csv).toContain(',"Smith, Jones & ""Partners""\r\nLtd",');
    const [, row] = parseCsv(csv);
    expect(row[11]).toBe('Smith, Jones & "Partners"\r\nLtd');
    // a local-authority row leaves the district columns empty
    expect(row.slice(7, 11)).toEqual(["E06000021", "Stoke-on-Trent", "", ""]);
  });

  test.each(["=", "+", "-", "@", "\t", "\r"])(
    "a text field starting with %j is defused with a leading apostrophe",
    (lead) => {
      const label = `${lead}HYPERLINK("http://evil.example","x")`;
      const report = baseReport({
        rows: [
          {
            geography: { level: "Regional" },
            breakdowns: { learner_type: label },
            measures: { active_learners: 0, achievement_rate: "x" },
          },
        ],
      });
      const [, row] = parseCsv(toTidyCsv(report));
      expect(row[11]).toBe(`'${label}`);
    },
  );

  test("text that merely contains those characters later is left alone", () => {
    expect(neutraliseFormula("Newcastle-under-Lyme")).toBe("Newcastle-under-Lyme");
    expect(neutraliseFormula("a=b")).toBe("a=b");
    expect(csvField("plain")).toBe("plain");
  });

  test("refuses an unprotected count rather than leak it", () => {
    const report = baseReport({
      rows: [
        {
          geography: { level: "National" },
          breakdowns: { learner_type: "Pupil" },
          measures: { active_learners: 3, achievement_rate: 50 },
        },
      ],
    });
    expect(() => toTidyCsv(report)).toThrow(/not protected/);
  });

  test("refuses negative values, so no number we write can start with '-'", () => {
    const report = baseReport({
      measures: [{ name: "median_days", kind: "statistic" }],
      rows: [
        {
          geography: { level: "National" },
          breakdowns: { learner_type: "Pupil" },
          measures: { median_days: -3 },
        },
      ],
    });
    expect(() => toTidyCsv(report)).toThrow(RangeError);
  });

  test("refuses a missing breakdown label, an unknown measure, and an empty export", () => {
    const row = baseReport().rows[0];
    expect(() => toTidyCsv(baseReport({ rows: [{ ...row, breakdowns: {} }] }))).toThrow(/breakdown/);
    expect(() => toTidyCsv(baseReport({ rows: [{ ...row, measures: { ...row.measures, secret: 3 } }] }))).toThrow(
      /unknown measure/,
    );
    expect(() => toTidyCsv(baseReport({ rows: [] }))).toThrow(/at least one row/);
  });

  test("time_period follows DfE: consecutive 6-digit spans, 4-digit years for months", () => {
    expect(academicYearPeriod(2026)).toBe("202627");
    expect(academicYearPeriod(2099)).toBe("209900");
    expect(() => toTidyCsv(baseReport({ timePeriod: "202628" }))).toThrow(/consecutive/);
    expect(() => toTidyCsv(baseReport({ timePeriod: "202610", timeIdentifier: "October" }))).toThrow(/4-digit/);
    const [, row] = parseCsv(toTidyCsv(baseReport({ timePeriod: "2026", timeIdentifier: "October" })));
    expect(row.slice(0, 2)).toEqual(["2026", "October"]);
    expect(() => toTidyCsv(baseReport({ timePeriod: "202627", timeIdentifier: "Autumn term" }))).not.toThrow();
  });

  test("a byte-order mark is added only when asked for", () => {
    expect(toTidyCsv(baseReport()).startsWith("time_period")).toBe(true);
    expect(toTidyCsv(baseReport(), { bom: true }).startsWith("\uFEFFtime_period")).toBe(true);
  });
});

describe("geography", () => {
  test("the nine areas map to their names and upper-tier authority", () => {
    expect(Object.keys(DISTRICTS)).toHaveLength(9);
    const staffordshire = Object.entries(DISTRICTS).filter(([, d]) => d.laCode === "E10000028");
    expect(staffordshire.map(([code]) => code).sort()).toEqual([
      "E07000192",
      "E07000193",
      "E07000194",
      "E07000195",
      "E07000196",
      "E07000197",
      "E07000198",
      "E07000199",
    ]);
    const stoke = geographyFields({ level: "Local authority district", ladCode: "E06000021" });
    expect(stoke).toMatchObject({
      new_la_code: "E06000021",
      la_name: "Stoke-on-Trent",
      lad_code: "E06000021",
      lad_name: "Stoke-on-Trent",
    });
    expect(geographyFields({ level: "Regional" })).toMatchObject({
      region_code: "E12000005",
      region_name: "West Midlands",
      new_la_code: "",
    });
  });

  test("an unknown district code is refused", () => {
    expect(() => geographyFields({ level: "Local authority district", ladCode: "E07000999" as "E07000199" })).toThrow(
      RangeError,
    );
  });
});

describe("toTidyMetaCsv", () => {
  test("declares each breakdown as a filter, each measure as an indicator, and the rule", () => {
    const records = parseCsv(toTidyMetaCsv(baseReport()));
    expect(records[0].slice(0, 3)).toEqual(["col_name", "col_type", "label"]);
    expect(records.slice(1).map((r) => [r[0], r[1]])).toEqual([
      ["learner_type", "Filter"],
      ["active_learners", "Indicator"],
      ["achievement_rate", "Indicator"],
      ["disclosure_control", "Filter"],
    ]);
    expect(records[3][4]).toBe("%");
    expect(records[4]).toContain(DISCLOSURE_RULE_TEXT);
  });
});
