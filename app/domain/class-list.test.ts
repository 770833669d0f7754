import { readFileSync } from "node:fs";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  MAX_BYTES,
  MAX_ROWS,
  fieldForHeader,
  hasValidUpnCheckLetter,
  isUpnFormat,
  looksLikeFormula,
  parseClassList,
  parseYearGroup,
  upnCheckLetter,
  type ClassListResult,
} from "./class-list.ts";

const fixture = (name: string) =>
  new Uint8Array(readFileSync(new URL(`../../tests/fixtures/class-lists/${name}`, import.meta.url)));
const load = (name: string) => parseClassList(fixture(name));
const reasonsFor = (result: ClassListResult, line: number) =>
  result.invalid.find((r) => r.line === line)?.reasons ?? [];

// ---------------------------------------------------------------------------------------------
// UPN check letter
// ---------------------------------------------------------------------------------------------

describe("UPN check letter (DfE algorithm)", () => {
  it("computes the check letter of a hand-worked UPN", () => {
    // 801200005001: 8·2 + 0·3 + 1·4 + 2·5 + 0·6 + 0·7 + 0·8 + 0·9 + 5·10 + 0·11 + 0·12 + 1·13
    //             = 16 + 4 + 10 + 50 + 13 = 93; 93 mod 23 = 1 → "B" (A=0, B=1, …).
    // Also the documented example in python-stdnum's stdnum/gb/upn.py.
    expect(upnCheckLetter("801200005001")).toBe("B");
    expect(hasValidUpnCheckLetter("B801200005001")).toBe(true);
    expect(hasValidUpnCheckLetter("A801200005001")).toBe(false);
  });

  it("skips I, O and S in the letter table (remainders 8, 13 and 16)", () => {
    // 000000000004 → 4·13 = 52 → 52 mod 23 = 6 → G; 000000000008 → 104 mod 23 = 12 → N
    expect(upnCheckLetter("000000000004")).toBe("G");
    expect(upnCheckLetter("000000000008")).toBe("N");
    // remainder 8 → J (not I): 4·2 = 8 → "400000000000"
    expect(upnCheckLetter("400000000000")).toBe("J");
    // remainder 13 → P (not O): 13·1 at weight 13 → "000000000001"
    expect(upnCheckLetter("000000000001")).toBe("P");
    // remainder 16 → T (not S): 8·2 = 16 → "800000000000"
    expect(upnCheckLetter("800000000000")).toBe("T");
  });

  it("counts a temporary UPN's final letter by its position in the letter table", () => {
    // 000000000000 + "C" (value 2) at weight 13 → 26 mod 23 = 3 → D
    expect(upnCheckLetter("00000000000C")).toBe("D");
    expect(hasValidUpnCheckLetter("D00000000000C")).toBe(true);
  });

  it("rejects malformed bodies rather than guessing", () => {
    expect(() => upnCheckLetter("80120000500")).toThrow();
    expect(() => upnCheckLetter("8012000050O1")).toThrow();
  });

  const body = fc.array(fc.integer({ min: 0, max: 9 }), { minLength: 12, maxLength: 12 }).map((d) => d.join(""));

  it("detects every single-digit mistype (property)", () => {
    fc.assert(
      fc.property(body, fc.integer({ min: 0, max: 11 }), fc.integer({ min: 1, max: 9 }), (b, pos, delta) => {
        const upn = upnCheckLetter(b) + b;
        const digit = (Number(b[pos]) + delta) % 10;
        const typo = upn.slice(0, pos + 1) + digit + upn.slice(pos + 2);
        expect(hasValidUpnCheckLetter(upn)).toBe(true);
        expect(hasValidUpnCheckLetter(typo)).toBe(false);
      }),
    );
  });

  it("detects every swap of two different adjacent digits (property)", () => {
    fc.assert(
      fc.property(body, fc.integer({ min: 0, max: 10 }), (b, pos) => {
        fc.pre(b[pos] !== b[pos + 1]);
        const swapped = b.slice(0, pos) + b[pos + 1] + b[pos] + b.slice(pos + 2);
        expect(hasValidUpnCheckLetter(upnCheckLetter(b) + swapped)).toBe(false);
      }),
    );
  });

  it("checks the format strictly", () => {
    expect(isUpnFormat("B801200005001")).toBe(true);
    expect(isUpnFormat("D00000000000C")).toBe(true); // temporary
    expect(isUpnFormat("A12345")).toBe(false);
    expect(isUpnFormat("I801200005001")).toBe(false); // I is never a check letter
    expect(isUpnFormat("B80120000500S")).toBe(false);
    expect(isUpnFormat("B8012000050011")).toBe(false);
    expect(isUpnFormat("b801200005001")).toBe(false); // callers upper-case first
  });
});

describe("small rules", () => {
  it.each([
    ["Year 9", 9],
    ["Y9", 9],
    ["9", 9],
    ["Yr 07", 7],
    ["year 13", 13],
    ["NC Year 10", 10],
    [" 11 ", 11],
    ["Y12", 12],
  ])("year %j → %d", (cell, year) => expect(parseYearGroup(cell)).toBe(year));

  it.each(["Reception", "R", "Year 6", "6", "Y14", "", "N1", "Year 9A", "9.5"])("year %j is not secondary", (cell) =>
    expect(parseYearGroup(cell)).toBeUndefined(),
  );

  it.each([
    ["UPN", "upn"],
    ["Unique Pupil Number", "upn"],
    ["pupil_upn", "upn"],
    ["Legal Forename", "legalFirstName"],
    ["FORENAME", "legalFirstName"],
    ["First Name", "legalFirstName"],
    ["Legal First Name", "legalFirstName"],
    ["Preferred Forename", "preferredFirstName"],
    ["Preferred First Name", "preferredFirstName"],
    ["Known As", "preferredFirstName"],
    ["Legal Surname", "lastName"],
    ["surname", "lastName"],
    ["Last Name", "lastName"],
    ["Family-Name", "lastName"],
    ["Year", "yearGroup"],
    ["Year Group", "yearGroup"],
    ["NC Year", "yearGroup"],
    ["Year Taught In", "yearGroup"],
    ["Reg Group", "regGroup"],
    ["Registration Group", "regGroup"],
    ["Form", "regGroup"],
    ["Tutor Group", "regGroup"],
    ["Email", "email"],
    ["Pupil Email", "email"],
    ["E-mail address", "email"],
  ])("header %j → %s", (header, field) => expect(fieldForHeader(header)).toBe(field));

  it("does not map columns it has no use for", () => {
    expect(fieldForHeader("DOB")).toBeUndefined();
    expect(fieldForHeader("Gender")).toBeUndefined();
    expect(fieldForHeader("Name")).toBeUndefined();
  });

  it.each(['=HYPERLINK("http://x","y")', "+44", "-Ruby", "@SUM(A1)", "\t=1+1", "\rx", "  =1"])(
    "%j looks like a formula",
    (c) => expect(looksLikeFormula(c)).toBe(true),
  );
  it.each(["Zoë", "O'Brien", "Evie-Mae", "Nguyễn", "9BN", "a@b.uk"])("%j is not a formula", (c) =>
    expect(looksLikeFormula(c)).toBe(false),
  );
});

// ---------------------------------------------------------------------------------------------
// Fixtures: what a teacher sees
// ---------------------------------------------------------------------------------------------

describe("class-list fixtures", () => {
  it("SIMS (UTF-8 with BOM): six pupils, Unicode names intact, preferred names used, other columns dropped", () => {
    const result = load("sims-utf8-bom.csv");
    expect(result.headerProblems).toEqual([]);
    expect(result.invalid).toEqual([]);
    expect(result.rows).toHaveLength(6);
    expect(result.rows[0]).toEqual({
      line: 2,
      upn: "H860412316101",
      firstName: "Amelia",
      legalFirstName: "Amelia",
      lastName: "Bennett",
      yearGroup: 9,
      regGroup: "9BN",
    });
    expect(result.rows[1]).toMatchObject({ firstName: "Zoe", legalFirstName: "Zoë", lastName: "Hulme" });
    expect(result.rows[2]).toMatchObject({ lastName: "Nguyễn", firstName: "Minh" });
    expect(result.rows[3]).toMatchObject({ lastName: "O'Brien", firstName: "Siân" });
    expect(result.rows[4]).toMatchObject({ firstName: "Charlie", legalFirstName: "Charles" });
    // Data minimisation: date of birth and gender never appear in the output.
    expect(JSON.stringify(result)).not.toMatch(/2011|2010|"F"|"M"/);
  });

  it("Arbor: emails lower-cased, blank email allowed, a bad email named with its row", () => {
    const result = load("arbor-export.csv");
    expect(result.headerProblems).toEqual([]);
    expect(result.rows.map((r) => [r.line, r.firstName, r.lastName, r.yearGroup, r.regGroup, r.email])).toEqual([
      [2, "Oliver", "Plant", 10, "10P", "oliver.plant@studentmail.example.sch.uk"],
      [3, "Isla", "Salt", 10, "10P", "isla.salt@studentmail.example.sch.uk"],
      [4, "Harry", "Wedgwood", 10, "10W", undefined],
      [5, "Poppy", "Cotton", 10, "10W", "poppy.cotton@studentmail.example.sch.uk"],
    ]);
    expect(result.rows[2]).not.toHaveProperty("email");
    expect(result.invalid).toEqual([
      { line: 6, reasons: ["Row 6: the email address 'not-an-email' does not look like an email address."] },
    ]);
  });

  it("Bromcom: quoted values, Known As, NC Year as a bare number", () => {
    const result = load("bromcom-export.csv");
    expect(result.headerProblems).toEqual([]);
    expect(result.invalid).toEqual([]);
    expect(
      result.rows.map((r) => `${r.firstName} ${r.lastName} (${r.legalFirstName}) Y${r.yearGroup} ${r.regGroup}`),
    ).toEqual([
      "Georgie Birks (Georgina) Y7 7S",
      "Alfie Podmore (Alfred) Y7 7S",
      "Evie Shenton (Evie) Y7 7T",
      "Tom Lovatt (Thomas) Y7 7T",
    ]);
    expect(result.rows.every((r) => r.upn && hasValidUpnCheckLetter(r.upn))).toBe(true);
  });

  it("Excel Windows-1252: Zoë, Siân, Chloé and O’Connor decoded correctly", () => {
    const result = load("excel-windows-1252.csv");
    expect(result.headerProblems).toEqual([]);
    expect(result.invalid).toEqual([]);
    expect(result.rows.map((r) => `${r.firstName} ${r.lastName}`)).toEqual([
      "Zoë Goodwin",
      "Siân Heath",
      "Chloé Boulton",
      "Niamh O’Connor",
    ]);
    expect(result.rows.map((r) => r.yearGroup)).toEqual([8, 8, 8, 8]);
  });

  it("Excel Unicode text (UTF-16LE, tabs)", () => {
    const result = load("excel-unicode-text.txt");
    expect(result.rows.map((r) => `${r.firstName} ${r.lastName} ${r.yearGroup}`)).toEqual([
      "Zoë Nguyễn 7",
      "Siân Podmore 7",
    ]);
  });

  it("semicolon-delimited: a comma inside a surname is just part of the name", () => {
    const result = load("semicolon-delimited.csv");
    expect(result.invalid).toEqual([]);
    expect(result.rows.map((r) => r.lastName)).toEqual(["Hussain", "Begum, Khan", "Walker"]);
    expect(result.rows.map((r) => r.yearGroup)).toEqual([11, 11, 11]);
  });

  it("quoted fields: commas and quotes inside names, row numbers after a multi-line note, shifted columns caught", () => {
    const result = load("quoted-fields.csv");
    expect(result.headerProblems).toEqual([]);
    expect(result.rows.map((r) => [r.line, r.firstName, r.lastName])).toEqual([
      [2, "Sophie", "Smith, Jones"],
      [3, 'Ellie "Nell"', "Barlow"],
      [5, "Ethan", "Tideswell"],
    ]);
    expect(result.invalid).toHaveLength(1);
    expect(result.invalid[0].line).toBe(6);
    expect(result.invalid[0].reasons[0]).toMatch(/^Row 6: this row has more values than there are column headings/);
  });

  it("blank lines and Excel's empty rows are ignored, not reported", () => {
    const result = load("blank-trailing-lines.csv");
    expect(result).toEqual({
      rows: [
        { line: 2, firstName: "Oscar", legalFirstName: "Oscar", lastName: "Beech", yearGroup: 12, regGroup: "12B" },
        { line: 4, firstName: "Millie", legalFirstName: "Millie", lastName: "Hancock", yearGroup: 12, regGroup: "12B" },
      ],
      invalid: [],
      headerProblems: [],
    });
  });

  it("missing year group column: the header problem names it and lists the columns found", () => {
    const result = load("missing-column.csv");
    expect(result.rows).toEqual([]);
    expect(result.invalid).toEqual([]);
    expect(result.headerProblems).toEqual([
      'The file is missing a column we need: year group (for example "Year"). The columns we found are: "UPN", "Forename", "Surname", "Form".',
    ]);
  });

  it("duplicate UPNs: every row sharing a UPN is invalid and names the others", () => {
    const result = load("duplicate-upns.csv");
    expect(result.rows.map((r) => r.line)).toEqual([7]);
    expect(result.invalid).toEqual([
      { line: 2, reasons: ["Row 2: this UPN also appears on rows 4 and 5."] },
      { line: 3, reasons: ["Row 3: this UPN also appears on row 6."] },
      { line: 4, reasons: ["Row 4: this UPN also appears on rows 2 and 5."] },
      { line: 5, reasons: ["Row 5: this UPN also appears on rows 2 and 4."] },
      { line: 6, reasons: ["Row 6: this UPN also appears on row 3."] },
    ]);
  });

  it("formulas are rejected with a message that shows the start of the cell", () => {
    const result = load("formula-injection.csv");
    expect(result.rows.map((r) => r.line)).toEqual([2]);
    expect(reasonsFor(result, 3)).toEqual([
      "Row 3: the legal first name looks like a spreadsheet formula (=HYPERLINK…); please fix it in the school system and export again.",
    ]);
    expect(reasonsFor(result, 4)).toEqual([
      expect.stringMatching(/^Row 4: the surname looks like a spreadsheet formula \(\+441782000…\)/),
    ]);
    expect(reasonsFor(result, 5)).toEqual([
      expect.stringMatching(/^Row 5: the legal first name looks like a spreadsheet formula \(-Ruby\)/),
    ]);
    expect(reasonsFor(result, 6)).toEqual([
      expect.stringMatching(/^Row 6: the surname looks like a spreadsheet formula/),
    ]);
    expect(reasonsFor(result, 7)).toEqual([
      expect.stringMatching(/^Row 7: the legal first name looks like a spreadsheet formula/),
    ]);
    expect(reasonsFor(result, 8)).toEqual([
      expect.stringMatching(/^Row 8: the registration group looks like a spreadsheet formula \(=9\+1\)/),
    ]);
    // Nothing formula-like survives into the output.
    expect(JSON.stringify(result.rows)).not.toMatch(/[=+@]/);
  });

  it("CRLF, LF and CR files give the same pupils", () => {
    const crlf = load("line-endings-crlf.csv");
    expect(crlf.rows).toHaveLength(3);
    expect(crlf.rows.map((r) => `${r.firstName} ${r.lastName} ${r.yearGroup} ${r.regGroup}`)).toEqual([
      "Ruby Sherratt 8 8SH",
      "Alfie Wain 8 8SH",
      "Evie Degg 8 8DE",
    ]);
    expect(load("line-endings-lf.csv")).toEqual(crlf);
    expect(load("line-endings-cr.csv")).toEqual(crlf);
  });

  it("year groups outside 7–13 or missing are explained", () => {
    const result = load("invalid-year.csv");
    expect(result.rows.map((r) => [r.line, r.yearGroup])).toEqual([
      [6, 13],
      [7, 7],
    ]);
    expect(result.invalid).toEqual([
      { line: 2, reasons: ["Row 2: year group 'Reception' is not a secondary year (7–13)."] },
      { line: 3, reasons: ["Row 3: year group 'Year 6' is not a secondary year (7–13)."] },
      { line: 4, reasons: ["Row 4: year group 'Y14' is not a secondary year (7–13)."] },
      { line: 5, reasons: ["Row 5: no year group."] },
    ]);
  });

  it("UPN problems: short, mistyped check letter, missing names; lower case and temporary UPNs accepted", () => {
    const result = load("invalid-upns.csv");
    expect(reasonsFor(result, 2)).toEqual([
      "Row 2: the UPN 'A12345' is not a valid UPN: it should be a letter followed by 12 digits (a temporary UPN ends in a letter instead of the last digit).",
    ]);
    expect(reasonsFor(result, 3)).toEqual([
      expect.stringMatching(/^Row 3: the UPN 'A860412316801' is not a valid UPN: its first letter does not match/),
    ]);
    expect(reasonsFor(result, 6)).toEqual(["Row 6: no legal first name."]);
    expect(reasonsFor(result, 7)).toEqual(["Row 7: no surname."]);
    expect(result.rows.map((r) => [r.line, r.upn])).toEqual([
      [4, "F860412316802"],
      [5, "D86041231680T"],
    ]);
  });

  it("a realistic Year 9 class of 30 imports cleanly", () => {
    const result = load("year9-class-30.csv");
    expect(result.headerProblems).toEqual([]);
    expect(result.invalid).toEqual([]);
    expect(result.rows).toHaveLength(30);
    expect(new Set(result.rows.map((r) => r.upn)).size).toBe(30);
    expect(result.rows.every((r) => r.yearGroup === 9 && (r.regGroup === "9BH" || r.regGroup === "9LK"))).toBe(true);
    expect(result.rows.every((r) => hasValidUpnCheckLetter(r.upn!))).toBe(true);
    expect(result.rows.map((r) => r.line)).toEqual(Array.from({ length: 30 }, (_, i) => i + 2));
    expect(result.rows.find((r) => r.lastName === "Hulme")?.firstName).toBe("Ollie");
    expect(result.rows.at(-1)).toMatchObject({ firstName: "Siân", lastName: "Pickerill" });
  });
});

// ---------------------------------------------------------------------------------------------
// Edge cases and limits
// ---------------------------------------------------------------------------------------------

describe("edge cases", () => {
  it("normalises names to NFC and collapses inner whitespace, keeping the letters", () => {
    const decomposed = "Nguye\u0302\u0303n"; // e + circumflex + tilde, as some Macs export
    const result = parseClassList(`Forename,Surname,Year\n  Zoe\u0308 ,${decomposed},9\nMary  Ann,Smith,9\n`);
    expect(result.rows.map((r) => [r.firstName, r.lastName])).toEqual([
      ["Zoë", "Nguyễn"],
      ["Mary Ann", "Smith"],
    ]);
    expect(result.rows[0].lastName).toBe("Nguy\u1EC5n");
  });

  it("several problems on one row are all reported", () => {
    const result = parseClassList("UPN,Forename,Surname,Year\nA12345,,,Reception\n");
    expect(result.invalid).toEqual([
      {
        line: 2,
        reasons: [
          expect.stringMatching(/^Row 2: the UPN 'A12345'/),
          "Row 2: no legal first name.",
          "Row 2: no surname.",
          "Row 2: year group 'Reception' is not a secondary year (7–13).",
        ],
      },
    ]);
  });

  it("a row shorter than the header is read with its missing values empty", () => {
    const result = parseClassList("Forename,Surname,Year,Form\nAva,Wain\n");
    expect(result.invalid).toEqual([{ line: 2, reasons: ["Row 2: no year group."] }]);
  });

  it("two columns for the same thing is a header problem", () => {
    const result = parseClassList("Forename,Legal Forename,Surname,Year\nA,A,B,9\n");
    expect(result.headerProblems).toEqual([
      'More than one column looks like the legal first name: "Forename" (column A) and "Legal Forename" (column B). Please keep only one of them.',
    ]);
    expect(result.rows).toEqual([]);
  });

  it("several missing columns are all named", () => {
    const result = parseClassList("UPN,Reg Group\nB801200005001,9A\n");
    expect(result.headerProblems).toHaveLength(1);
    expect(result.headerProblems[0]).toContain("legal first name");
    expect(result.headerProblems[0]).toContain("surname");
    expect(result.headerProblems[0]).toContain("year group");
    expect(result.headerProblems[0]).toContain('"UPN", "Reg Group"');
  });

  it("empty and header-only files say so", () => {
    expect(parseClassList(new Uint8Array()).headerProblems).toEqual([
      "The file is empty: there are no column headings and no pupils.",
    ]);
    expect(parseClassList("\r\n,,,\r\n").headerProblems).toEqual([
      "The file is empty: there are no column headings and no pupils.",
    ]);
    expect(parseClassList("Forename,Surname,Year\r\n").headerProblems).toEqual([
      "The file has column headings but no pupils underneath them.",
    ]);
  });

  it("an unclosed quote stops the import instead of silently swallowing pupils", () => {
    const result = parseClassList('Forename,Surname,Year\nAva,"Wain,9\nLeo,Degg,9\n');
    expect(result.rows).toEqual([]);
    expect(result.headerProblems).toEqual([expect.stringMatching(/^Line 2: a value starts with a quote mark/)]);
  });

  it("an over-long name is rejected", () => {
    const result = parseClassList(`Forename,Surname,Year\n${"a".repeat(101)},Smith,9\n`);
    expect(result.invalid[0].reasons).toEqual(["Row 2: the legal first name is longer than 100 characters."]);
  });

  it(`accepts exactly MAX_ROWS (${MAX_ROWS}) pupils and refuses one more`, () => {
    const header = "Forename,Surname,Year\n";
    const body = (n: number) => Array.from({ length: n }, (_, i) => `Pupil${i},Surname${i},9`).join("\n");
    expect(parseClassList(header + body(MAX_ROWS)).rows).toHaveLength(MAX_ROWS);
    const tooMany = parseClassList(header + body(MAX_ROWS + 1));
    expect(tooMany.rows).toEqual([]);
    expect(tooMany.headerProblems).toEqual([
      "The file has 5,001 pupils; we can take up to 5,000 at a time. Please split it (for example by year group) and upload each part.",
    ]);
  });

  it(`refuses a file over MAX_BYTES (${MAX_BYTES}) before reading it`, () => {
    const big = new Uint8Array(MAX_BYTES + 1).fill(0x41);
    const result = parseClassList(big);
    expect(result.rows).toEqual([]);
    expect(result.headerProblems).toEqual([
      "The file is 2.1 MB, which is more than the 2 MB we can take in one go. Please export fewer pupils at a time (for example one year group) and upload each file.",
    ]);
    // Exactly MAX_BYTES is read (and here fails only for lack of known columns).
    expect(parseClassList(new Uint8Array(MAX_BYTES).fill(0x41)).headerProblems[0]).toMatch(
      /^The file is missing columns/,
    );
  });

  it("speed: parse and validate 5,000 rows (reported, not asserted)", () => {
    const lines = ["UPN,Legal Surname,Legal Forename,Preferred Forename,Year,Reg Group,Email"];
    for (let i = 0; i < MAX_ROWS; i++) {
      const body = `8604123${10 + Math.floor(i / 1000)}${String(i % 1000).padStart(3, "0")}`;
      lines.push(
        `${upnCheckLetter(body)}${body},Surname${i},"Forename ${i}",,Year ${7 + (i % 7)},${7 + (i % 7)}A,pupil${i}@example.sch.uk`,
      );
    }
    const bytes = new TextEncoder().encode(lines.join("\r\n") + "\r\n");
    const start = performance.now();
    const result = parseClassList(bytes);
    const ms = performance.now() - start;
    console.log(`parseClassList: ${MAX_ROWS} rows, ${(bytes.length / 1024).toFixed(0)} KiB in ${ms.toFixed(1)} ms`);
    expect(result.headerProblems).toEqual([]);
    expect(result.invalid).toEqual([]);
    expect(result.rows).toHaveLength(MAX_ROWS);
  });
});
