import { readFileSync } from "node:fs";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  decodeAndParseCsv,
  decodeCsvBytes,
  decodeWindows1252,
  detectDelimiter,
  parseCsv,
  type CsvDelimiter,
} from "./csv-decode.ts";

const fixture = (name: string) =>
  new Uint8Array(readFileSync(new URL(`../../tests/fixtures/class-lists/${name}`, import.meta.url)));
const cellsOf = (text: string, delimiter?: CsvDelimiter) => parseCsv(text, { delimiter }).records.map((r) => r.cells);

describe("decodeCsvBytes", () => {
  it("strips a UTF-8 byte-order mark and reports it", () => {
    const decoded = decodeCsvBytes(new Uint8Array([0xef, 0xbb, 0xbf, 0x5a, 0x6f, 0xc3, 0xab]));
    expect(decoded).toEqual({ text: "Zoë", encoding: "utf-8", hadBom: true });
  });

  it("reads valid UTF-8 without a BOM as UTF-8, not Windows-1252", () => {
    // "Siân" in UTF-8 is also decodable as Windows-1252 ("SiÃ¢n"): UTF-8 must win.
    expect(decodeCsvBytes(new TextEncoder().encode("Siân,Nguyễn"))).toEqual({
      text: "Siân,Nguyễn",
      encoding: "utf-8",
      hadBom: false,
    });
  });

  it("falls back to Windows-1252 when the bytes are not valid UTF-8", () => {
    // Zoë (0xEB), Siân (0xE2), O’Connor (0x92 is a curly apostrophe in Windows-1252, not Latin-1)
    const bytes = new Uint8Array([0x5a, 0x6f, 0xeb, 0x2c, 0x53, 0x69, 0xe2, 0x6e, 0x2c, 0x4f, 0x92, 0x43]);
    expect(decodeCsvBytes(bytes)).toEqual({ text: "Zoë,Siân,O’C", encoding: "windows-1252", hadBom: false });
  });

  it("reads UTF-16LE and UTF-16BE with a BOM", () => {
    const le = new Uint8Array([0xff, 0xfe, 0x5a, 0x00, 0x6f, 0x00, 0xeb, 0x00, 0x09, 0x00, 0x37, 0x00]);
    expect(decodeCsvBytes(le)).toEqual({ text: "Zoë\t7", encoding: "utf-16le", hadBom: true });
    const be = new Uint8Array([0xfe, 0xff, 0x00, 0x5a, 0x00, 0x6f, 0x00, 0xeb]);
    expect(decodeCsvBytes(be)).toEqual({ text: "Zoë", encoding: "utf-16be", hadBom: true });
  });

  it("decodes the Excel Windows-1252 fixture with Zoë and Siân intact", () => {
    const decoded = decodeCsvBytes(fixture("excel-windows-1252.csv"));
    expect(decoded.encoding).toBe("windows-1252");
    expect(decoded.text).toContain("Zoë,Goodwin");
    expect(decoded.text).toContain("Siân,Heath");
    expect(decoded.text).toContain("O’Connor");
    expect(decoded.text).not.toContain("\uFFFD");
  });

  it("decodes the SIMS fixture as UTF-8 with a BOM that does not leak into the first heading", () => {
    const parsed = decodeAndParseCsv(fixture("sims-utf8-bom.csv"));
    expect(parsed.encoding).toBe("utf-8");
    expect(parsed.records[0].cells[0]).toBe("UPN");
    expect(parsed.records[3].cells[1]).toBe("Nguyễn");
  });

  it("decodes the Excel 'Unicode text' fixture (UTF-16LE, tab-delimited)", () => {
    const parsed = decodeAndParseCsv(fixture("excel-unicode-text.txt"));
    expect(parsed.encoding).toBe("utf-16le");
    expect(parsed.delimiter).toBe("\t");
    expect(parsed.records.map((r) => r.cells)).toEqual([
      ["Forename", "Surname", "Year", "Form"],
      ["Zoë", "Nguyễn", "7", "7N"],
      ["Siân", "Podmore", "7", "7N"],
    ]);
  });
});

describe("detectDelimiter", () => {
  it.each([
    ["UPN,Forename,Surname", ","],
    ["UPN;Forename;Surname", ";"],
    ["UPN\tForename\tSurname", "\t"],
    ['"Surname, legal";Forename;Year', ";"], // the comma is inside quotes
    ['"a;b;c";"d;e";f,g', ";"], // outside quotes: two ';' and one ','
  ] as const)("%j → %j", (header, expected) => {
    expect(detectDelimiter(header)).toBe(expected);
  });

  it("looks only at the first non-blank line", () => {
    expect(detectDelimiter("\r\n\nA;B;C\na,b,c,d,e,f\n")).toBe(";");
  });

  it("falls back to comma for a single column", () => {
    expect(detectDelimiter("Surname\nSmith\n")).toBe(",");
  });
});

describe("parseCsv", () => {
  it("handles quoted delimiters, doubled quotes and newlines inside quotes", () => {
    const text = 'a,b,c\n"Smith, Jones","say ""hi""","two\nlines"\nx,y,z\n';
    const parsed = parseCsv(text);
    expect(parsed.records).toEqual([
      { line: 1, cells: ["a", "b", "c"] },
      { line: 2, cells: ["Smith, Jones", 'say "hi"', "two\nlines"] },
      { line: 4, cells: ["x", "y", "z"] },
    ]);
    expect(parsed.problems).toEqual([]);
  });

  it("treats CRLF, LF and CR alike, including inside quotes for line counting", () => {
    for (const eol of ["\r\n", "\n", "\r"]) {
      const text = ["h1,h2", `"a${eol}b",c`, "d,e"].join(eol) + eol;
      const parsed = parseCsv(text);
      expect(parsed.records.map((r) => r.line)).toEqual([1, 2, 4]);
      expect(parsed.records[1].cells).toEqual([`a${eol}b`, "c"]);
    }
  });

  it("gives the same records for the CRLF, LF and CR fixtures", () => {
    const crlf = decodeAndParseCsv(fixture("line-endings-crlf.csv")).records;
    expect(crlf).toHaveLength(4);
    expect(decodeAndParseCsv(fixture("line-endings-lf.csv")).records).toEqual(crlf);
    expect(decodeAndParseCsv(fixture("line-endings-cr.csv")).records).toEqual(crlf);
  });

  it("skips blank lines but keeps counting them, and keeps rows of empty cells", () => {
    const parsed = decodeAndParseCsv(fixture("blank-trailing-lines.csv"));
    expect(parsed.records).toEqual([
      { line: 1, cells: ["Forename", "Surname", "Year", "Form"] },
      { line: 2, cells: ["Oscar", "Beech", "12", "12B"] },
      { line: 4, cells: ["Millie", "Hancock", "12", "12B"] },
      { line: 5, cells: ["", "", "", ""] },
    ]);
  });

  it("trims whitespace around unquoted values but keeps it inside quotes", () => {
    expect(cellsOf('  a  , " b " ,c\t\n')).toEqual([["a", " b ", "c"]]);
  });

  it("keeps a quote in the middle of an unquoted value as text", () => {
    expect(cellsOf('O"Brien,x\n')).toEqual([['O"Brien', "x"]]);
  });

  it("keeps a record whose only value is an explicit empty quoted string", () => {
    expect(cellsOf('h\n""\nx\n')).toEqual([["h"], [""], ["x"]]);
  });

  it("reads the last record when there is no final line break, including a trailing empty value", () => {
    expect(cellsOf("a,b\nc,")).toEqual([
      ["a", "b"],
      ["c", ""],
    ]);
  });

  it("returns nothing for empty or blank text", () => {
    expect(parseCsv("").records).toEqual([]);
    expect(parseCsv("\r\n\n  \n").records).toEqual([]);
  });

  it("reports an unclosed quote with the line it opened on", () => {
    const parsed = parseCsv('a,b\nc,"never closed\nd,e\n');
    expect(parsed.problems).toEqual([expect.objectContaining({ line: 2, message: expect.stringContaining("Line 2") })]);
  });

  it("parses the quoted-fields fixture with the right line numbers after a multi-line value", () => {
    const parsed = decodeAndParseCsv(fixture("quoted-fields.csv"));
    expect(parsed.records.map((r) => r.line)).toEqual([1, 2, 3, 5, 6]);
    expect(parsed.records[1].cells).toEqual(["Smith, Jones", "Sophie", "", "9", "9A", 'likes "coding" club']);
    expect(parsed.records[2].cells).toEqual([
      "Barlow",
      "Ellie-Mae",
      'Ellie "Nell"',
      "9",
      "9A",
      "first line\r\nsecond line",
    ]);
    expect(parsed.records[3].cells.slice(0, 2)).toEqual(["Tideswell", "Ethan"]);
  });

  it("parses the semicolon fixture, where commas are ordinary characters", () => {
    const parsed = decodeAndParseCsv(fixture("semicolon-delimited.csv"));
    expect(parsed.delimiter).toBe(";");
    expect(parsed.records[2].cells[2]).toBe("Begum, Khan");
  });
});

// ---------------------------------------------------------------------------------------------
// Round trip: a table written by a correct CSV writer parses back to the same cells.
// ---------------------------------------------------------------------------------------------

/**
 * Quotes a value when it contains anything the reader treats specially: a quote, a line break,
 * any of `quoteAlso` (the delimiter, or all candidate delimiters when the reader must detect it),
 * or surrounding whitespace (which the reader trims from unquoted values). A row with one empty
 * value is written as "" so it is not mistaken for a blank line.
 */
function writeCsv(
  table: string[][],
  delimiter: CsvDelimiter,
  eol: string,
  quoteAlso: string[],
  finalEol: boolean,
): string {
  const quote = (v: string) => `"${v.replace(/"/g, '""')}"`;
  const lines = table.map((row) =>
    row.length === 1 && row[0] === ""
      ? '""'
      : row
          .map((v) => (/["\r\n]/.test(v) || quoteAlso.some((d) => v.includes(d)) || v !== v.trim() ? quote(v) : v))
          .join(delimiter),
  );
  return lines.join(eol) + (finalEol ? eol : "");
}

const tricky = fc
  .array(
    fc.constantFrom(
      "a",
      "Z",
      "9",
      " ",
      "\t",
      ",",
      ";",
      '"',
      "\r",
      "\n",
      "\r\n",
      "ë",
      "ễ",
      "\u00a0",
      "\ufeff",
      "=",
      "'",
      "|",
    ),
    { maxLength: 8 },
  )
  .map((parts) => parts.join(""));
const cell = fc.oneof(tricky, fc.string({ unit: "binary", maxLength: 12 }), fc.string({ maxLength: 12 }));
const table = (minCols: number) =>
  fc
    .integer({ min: minCols, max: 6 })
    .chain((cols) => fc.array(fc.array(cell, { minLength: cols, maxLength: cols }), { minLength: 1, maxLength: 8 }));
const eolArb = fc.constantFrom("\r\n", "\n", "\r");

describe("round trip (fast-check)", () => {
  for (const [name, delimiter] of [
    ["comma", ","],
    ["semicolon", ";"],
    ["tab", "\t"],
  ] as const) {
    it(`any table written with ${name} parses back to the same cells (delimiter given)`, () => {
      fc.assert(
        fc.property(table(1), eolArb, fc.boolean(), (t, eol, finalEol) => {
          const text = writeCsv(t, delimiter, eol, [delimiter], finalEol);
          const parsed = parseCsv(text, { delimiter });
          expect(parsed.problems).toEqual([]);
          expect(parsed.records.map((r) => r.cells)).toEqual(t);
        }),
        { numRuns: 300 },
      );
    });

    it(`any table of 2+ columns written with ${name} is detected and parses back`, () => {
      fc.assert(
        fc.property(table(2), eolArb, fc.boolean(), (t, eol, finalEol) => {
          const text = writeCsv(t, delimiter, eol, [",", ";", "\t"], finalEol);
          const parsed = parseCsv(text);
          expect(parsed.delimiter).toBe(delimiter);
          expect(parsed.records.map((r) => r.cells)).toEqual(t);
        }),
        { numRuns: 300 },
      );
    });
  }

  it("line numbers match the physical line each record starts on", () => {
    fc.assert(
      fc.property(table(1), eolArb, (t, eol) => {
        const text = writeCsv(t, ",", eol, [","], true);
        const parsed = parseCsv(text, { delimiter: "," });
        let line = 1;
        t.forEach((row, i) => {
          expect(parsed.records[i].line).toBe(line);
          // A record spans 1 + the number of line breaks inside its values.
          for (const v of row) line += (v.match(/\r\n|\r|\n/g) ?? []).length;
          line++;
        });
      }),
      { numRuns: 200 },
    );
  });
});

describe("decodeWindows1252", () => {
  it("maps every byte as the WHATWG Encoding Standard does, including 0x80–0x9F", () => {
    const all = new Uint8Array(256).map((_, i) => i);
    const text = decodeWindows1252(all);
    expect(text).toHaveLength(256);
    expect(text.codePointAt(0x41)).toBe(0x41);
    expect(text.codePointAt(0x80)).toBe(0x20ac); // €
    expect(text.codePointAt(0x92)).toBe(0x2019); // ’
    expect(text.codePointAt(0x96)).toBe(0x2013); // –
    expect(text.codePointAt(0x9f)).toBe(0x0178); // Ÿ
    expect(text.codePointAt(0x81)).toBe(0x81); // undefined in 1252: passed through
    expect(text.codePointAt(0xeb)).toBe(0xeb); // ë
    expect(text.codePointAt(0xff)).toBe(0xff); // ÿ
  });

  it("handles files longer than one internal chunk", () => {
    const bytes = new Uint8Array(20_000).fill(0xe2);
    expect(decodeWindows1252(bytes)).toBe("â".repeat(20_000));
  });
});
