/**
 * Bytes → text → records, for CSV files exported by school systems and spreadsheets.
 *
 * Pure: no I/O. Two steps, usable separately:
 *  - `decodeCsvBytes` works out the encoding. Files come from SIMS/Arbor/Bromcom (UTF-8, often
 *    with a BOM), from Excel "CSV" on Windows (Windows-1252, so "Zoë" is the single byte 0xEB) and
 *    from Excel "Unicode text" (UTF-16LE with a BOM, tab-delimited). Bytes that are valid UTF-8 are
 *    read as UTF-8; anything else falls back to Windows-1252, which can decode any byte sequence
 *    (decoded here, not by TextDecoder: see `decodeWindows1252`).
 *  - `parseCsv` is an RFC 4180 parser that is lenient where real files are sloppy: the delimiter
 *    (`,` `;` or tab) is detected from the header line, CRLF/LF/CR all end a record, whitespace
 *    around unquoted values is trimmed, blank lines are skipped, and every record carries the
 *    1-based line number it starts on so error messages can point at it.
 */

export type CsvEncoding = "utf-8" | "utf-16le" | "utf-16be" | "windows-1252";
export type CsvDelimiter = "," | ";" | "\t";

export interface DecodedText {
  text: string;
  encoding: CsvEncoding;
  /** True when the file started with a byte-order mark (which is not part of `text`). */
  hadBom: boolean;
}

export interface CsvRecord {
  /** 1-based line in the file where this record starts. */
  line: number;
  cells: string[];
}

export interface CsvProblem {
  line: number;
  message: string;
}

export interface ParsedCsv {
  delimiter: CsvDelimiter;
  records: CsvRecord[];
  /** Structural problems (an unclosed quote). Records are still returned on a best-effort basis. */
  problems: CsvProblem[];
}

export function decodeCsvBytes(bytes: Uint8Array): DecodedText {
  // ignoreBOM: true keeps the BOM in the output so we strip exactly what we detected.
  if (bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) {
    return { text: decode("utf-8", bytes.subarray(3), false), encoding: "utf-8", hadBom: true };
  }
  if (bytes.length >= 2 && bytes[0] === 0xff && bytes[1] === 0xfe) {
    return { text: decode("utf-16le", bytes.subarray(2), false), encoding: "utf-16le", hadBom: true };
  }
  if (bytes.length >= 2 && bytes[0] === 0xfe && bytes[1] === 0xff) {
    return { text: decode("utf-16be", bytes.subarray(2), false), encoding: "utf-16be", hadBom: true };
  }
  try {
    return { text: decode("utf-8", bytes, true), encoding: "utf-8", hadBom: false };
  } catch {
    // Not valid UTF-8: in practice an Excel "CSV (Comma delimited)" save on Windows.
    return { text: decodeWindows1252(bytes), encoding: "windows-1252", hadBom: false };
  }
}

/**
 * Bytes 0x80–0x9F in Windows-1252 (WHATWG Encoding Standard); every other byte is its own code
 * point. We decode this ourselves because Node 20.18.3+ (and some 22/24 releases) decode
 * `new TextDecoder("windows-1252")` as Latin-1, turning Excel's curly apostrophe in "O’Connor"
 * (0x92) into an invisible control character (nodejs/node#56542, #60888).
 */
const CP1252_80_9F = [
  0x20ac, 0x0081, 0x201a, 0x0192, 0x201e, 0x2026, 0x2020, 0x2021, 0x02c6, 0x2030, 0x0160, 0x2039, 0x0152, 0x008d,
  0x017d, 0x008f, 0x0090, 0x2018, 0x2019, 0x201c, 0x201d, 0x2022, 0x2013, 0x2014, 0x02dc, 0x2122, 0x0161, 0x203a,
  0x0153, 0x009d, 0x017e, 0x0178,
];

export function decodeWindows1252(bytes: Uint8Array): string {
  const parts: string[] = [];
  const CHUNK = 8192;
  for (let start = 0; start < bytes.length; start += CHUNK) {
    const end = Math.min(start + CHUNK, bytes.length);
    const codes = new Array<number>(end - start);
    for (let i = start; i < end; i++) {
      const b = bytes[i];
      codes[i - start] = b >= 0x80 && b <= 0x9f ? CP1252_80_9F[b - 0x80] : b;
    }
    parts.push(String.fromCharCode(...codes));
  }
  return parts.join("");
}

function decode(encoding: "utf-8" | "utf-16le" | "utf-16be", bytes: Uint8Array, fatal: boolean): string {
  return new TextDecoder(encoding, { fatal, ignoreBOM: true }).decode(bytes);
}

const QUOTE = 34; // "
const LF = 10;
const CR = 13;

/**
 * Picks the delimiter from the first non-blank line: whichever of `,` `;` tab occurs most often
 * outside quotes. Ties and a single-column header fall back to comma.
 */
export function detectDelimiter(text: string): CsvDelimiter {
  const counts = { ",": 0, ";": 0, "\t": 0 };
  let inQuotes = false;
  let sawContent = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === '"') {
      inQuotes = !inQuotes; // a doubled quote toggles twice, which is what we want
      sawContent = true;
    } else if (!inQuotes && (ch === "\n" || ch === "\r")) {
      if (sawContent) break;
    } else if (!inQuotes && (ch === "," || ch === ";" || ch === "\t")) {
      counts[ch]++;
      sawContent = true;
    } else if (ch.trim() !== "") {
      sawContent = true;
    }
  }
  let best: CsvDelimiter = ",";
  for (const d of [";", "\t"] as const) if (counts[d] > counts[best]) best = d;
  return best;
}

export function parseCsv(text: string, options: { delimiter?: CsvDelimiter } = {}): ParsedCsv {
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const delimiter = options.delimiter ?? detectDelimiter(text);
  const delim = delimiter.charCodeAt(0);
  const records: CsvRecord[] = [];
  const problems: CsvProblem[] = [];

  let line = 1; // current physical line
  let recordLine = 1; // line the current record started on
  let cells: string[] = [];
  let field = ""; // raw text of the current field
  let quoted = false; // the current field began with a quote
  let inQuotes = false; // we are between a field's opening and closing quote
  let quoteLine = 0;
  let anyQuotedInRecord = false;

  const endField = () => {
    cells.push(quoted ? field : field.trim());
    if (quoted) anyQuotedInRecord = true;
    field = "";
    quoted = false;
  };
  const endRecord = () => {
    endField();
    // A physical line with nothing on it (or only whitespace) is not a record.
    const blank = cells.length === 1 && cells[0] === "" && !anyQuotedInRecord;
    if (!blank) records.push({ line: recordLine, cells });
    cells = [];
    anyQuotedInRecord = false;
  };

  const n = text.length;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (inQuotes) {
      if (c === QUOTE) {
        if (text.charCodeAt(i + 1) === QUOTE) {
          field += '"';
          i++;
        } else {
          inQuotes = false;
        }
      } else {
        if (c === CR) {
          line++;
          if (text.charCodeAt(i + 1) === LF) {
            field += "\r\n";
            i++;
            continue;
          }
        } else if (c === LF) {
          line++;
        } else {
          // Copy the run up to the next quote or line break in one slice (large files).
          let j = i + 1;
          while (j < n) {
            const d = text.charCodeAt(j);
            if (d === QUOTE || d === CR || d === LF) break;
            j++;
          }
          field += text.slice(i, j);
          i = j - 1;
          continue;
        }
        field += text[i];
      }
      continue;
    }
    if (c === delim) {
      endField();
    } else if (c === LF || c === CR) {
      if (c === CR && text.charCodeAt(i + 1) === LF) i++;
      endRecord();
      line++;
      recordLine = line;
    } else if (c === QUOTE && !quoted && field.trim() === "") {
      // Opening quote, possibly after stray spaces (`a, "b, c"`): the spaces are dropped.
      quoted = true;
      inQuotes = true;
      quoteLine = line;
      field = "";
    } else if (quoted) {
      // Text after a closing quote (`"abc"def`) is not RFC 4180; keep it rather than lose it,
      // but ignore the usual whitespace before the next delimiter.
      if (text[i].trim() !== "") field += text[i];
    } else {
      let j = i + 1;
      while (j < n) {
        const d = text.charCodeAt(j);
        if (d === delim || d === QUOTE || d === CR || d === LF) break;
        j++;
      }
      field += text.slice(i, j);
      i = j - 1;
    }
  }
  if (inQuotes) {
    problems.push({
      line: quoteLine,
      message: `Line ${quoteLine}: a value starts with a quote mark (") that is never closed, so the rest of the file was read as part of that value.`,
    });
  }
  // The final record, unless the text ended with a line break (or was empty).
  if (field !== "" || cells.length > 0 || quoted) endRecord();

  return { delimiter, records, problems };
}

/** Convenience: decode bytes (or take text) and parse. */
export function decodeAndParseCsv(
  input: Uint8Array | string,
  options: { delimiter?: CsvDelimiter } = {},
): ParsedCsv & { encoding: CsvEncoding | "text" } {
  if (typeof input === "string") return { ...parseCsv(input, options), encoding: "text" };
  const decoded = decodeCsvBytes(input);
  return { ...parseCsv(decoded.text, options), encoding: decoded.encoding };
}
