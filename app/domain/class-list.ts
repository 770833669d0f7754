/**
 * Class lists exported from school systems (SIMS, Arbor, Bromcom, or Excel) → validated pupils.
 *
 * Pure: bytes in, a preview out. Nothing is saved here; the enrolment service decides what to do
 * with `rows` once the teacher has seen `invalid` and `headerProblems`. Every message is written
 * for a teacher: it names the row (the line in the file, which is the row number Excel shows)
 * and says what to fix.
 *
 * Data minimisation (ICO Children's Code): only the columns below are read. Anything else in the
 * export (date of birth, gender, address…) is ignored and never leaves this function.
 */
import { decodeAndParseCsv, type CsvRecord } from "./csv-decode.ts";

export const MAX_ROWS = 5000;
export const MAX_BYTES = 2 * 1024 * 1024;
const MAX_NAME_LENGTH = 100;
const MAX_EMAIL_LENGTH = 254;

export interface ValidRow {
  /** 1-based line in the file. */
  line: number;
  upn?: string;
  /** The preferred first name when the school recorded one, otherwise the legal first name. */
  firstName: string;
  legalFirstName: string;
  lastName: string;
  yearGroup: number;
  regGroup?: string;
  /** Lower-cased. */
  email?: string;
}

export interface InvalidRow {
  line: number;
  /** Complete sentences, each starting "Row N:". */
  reasons: string[];
}

export interface ClassListResult {
  rows: ValidRow[];
  invalid: InvalidRow[];
  /** Problems with the file as a whole. When any are present, `rows` and `invalid` are empty. */
  headerProblems: string[];
}

type Field = "upn" | "legalFirstName" | "preferredFirstName" | "lastName" | "yearGroup" | "regGroup" | "email";

const FIELD_LABEL: Record<Field, string> = {
  upn: "UPN",
  legalFirstName: "legal first name",
  preferredFirstName: "preferred first name",
  lastName: "surname",
  yearGroup: "year group",
  regGroup: "registration group",
  email: "email",
};

/** Header spellings seen in SIMS, Arbor, Bromcom and hand-made spreadsheets, before normalising. */
export const HEADER_VARIANTS: Record<Field, readonly string[]> = {
  upn: ["UPN", "Unique Pupil Number", "Pupil UPN", "Student UPN", "UPN Number"],
  legalFirstName: [
    "Legal Forename",
    "Forename",
    "First Name",
    "Legal First Name",
    "Firstname",
    "Given Name",
    "Student Forename",
    "Pupil Forename",
    "Student First Name",
    "Pupil First Name",
  ],
  preferredFirstName: ["Preferred Forename", "Preferred First Name", "Known As", "Preferred Name", "Chosen Name"],
  lastName: [
    "Legal Surname",
    "Surname",
    "Last Name",
    "Family Name",
    "Lastname",
    "Legal Last Name",
    "Student Surname",
    "Pupil Surname",
    "Student Last Name",
    "Pupil Last Name",
  ],
  yearGroup: [
    "Year",
    "Year Group",
    "NC Year",
    "Year Taught In",
    "NC Year Group",
    "National Curriculum Year",
    "Yr",
    "Current NC Year",
  ],
  regGroup: [
    "Reg Group",
    "Registration Group",
    "Form",
    "Tutor Group",
    "Registration Form",
    "Reg",
    "Form Group",
    "Registration",
    "Tutor Group Name",
  ],
  email: [
    "Email",
    "Pupil Email",
    "Email Address",
    "Student Email",
    "E-mail",
    "School Email",
    "Pupil Email Address",
    "Student Email Address",
  ],
};

const REQUIRED: readonly Field[] = ["legalFirstName", "lastName", "yearGroup"];

/** Lower-case and drop everything that is not a letter or digit: "Year Taught-In " → "yeartaughtin". */
export function normaliseHeader(header: string): string {
  return header
    .normalize("NFKC")
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, "");
}

const HEADER_LOOKUP: ReadonlyMap<string, Field> = new Map(
  (Object.entries(HEADER_VARIANTS) as [Field, readonly string[]][]).flatMap(([field, variants]) =>
    variants.map((v) => [normaliseHeader(v), field] as const),
  ),
);

export function fieldForHeader(header: string): Field | undefined {
  return HEADER_LOOKUP.get(normaliseHeader(header));
}

// ---------------------------------------------------------------------------------------------
// UPN
// ---------------------------------------------------------------------------------------------

const UPN_LETTERS = "ABCDEFGHJKLMNPQRTUVWXYZ"; // 23 letters: no I, O or S

/**
 * Format only: a check letter, then 12 digits, or for a temporary UPN 11 digits and a letter.
 * Letters I, O and S are never used.
 */
export function isUpnFormat(upn: string): boolean {
  return /^[A-HJ-NP-RT-Z][0-9]{11}[0-9A-HJ-NP-RT-Z]$/.test(upn);
}

/**
 * The DfE check letter for the 12 characters after it: character k (k = 2..13 in the full UPN) is
 * weighted by k, digits count as their value and a temporary UPN's final letter as its position
 * in UPN_LETTERS (A = 0); the sum mod 23 indexes UPN_LETTERS.
 */
export function upnCheckLetter(body12: string): string {
  if (!/^[0-9]{11}[0-9A-HJ-NP-RT-Z]$/.test(body12)) {
    throw new Error("upnCheckLetter needs 11 digits followed by a digit or a UPN letter");
  }
  let sum = 0;
  for (let i = 0; i < 12; i++) {
    const ch = body12[i];
    const value = ch >= "0" && ch <= "9" ? ch.charCodeAt(0) - 48 : UPN_LETTERS.indexOf(ch);
    sum += value * (i + 2);
  }
  return UPN_LETTERS[sum % 23];
}

export function hasValidUpnCheckLetter(upn: string): boolean {
  return isUpnFormat(upn) && upnCheckLetter(upn.slice(1)) === upn[0];
}

// ---------------------------------------------------------------------------------------------
// Cell checks
// ---------------------------------------------------------------------------------------------

/**
 * A cell a spreadsheet would treat as a formula (CSV injection, OWASP): leading = + - @, or a
 * leading tab/CR that hides one. No real name, year or group starts with these.
 */
export function looksLikeFormula(cell: string): boolean {
  return /^[\t\r]/.test(cell) || /^[=+\-@]/.test(cell.trim());
}

/** The start of a cell for a message: control characters made visible, at most `max` characters. */
function preview(cell: string, max = 10): string {
  const shown = cell.replace(/\t/g, "\\t").replace(/\r/g, "\\r").replace(/\n/g, "\\n");
  const chars = Array.from(shown);
  return chars.length > max ? chars.slice(0, max).join("") + "…" : shown;
}

function cleanName(cell: string): string {
  return cell.normalize("NFC").trim().replace(/\s+/g, " ");
}

// eslint-disable-next-line no-control-regex
const CONTROL_CHARS = /[\u0000-\u001f\u007f-\u009f]/;

/** Accepts "Year 9", "Y9", "Yr 09", "9", "NC Year 9"; returns 7–13 or an explanation. */
export function parseYearGroup(cell: string): number | undefined {
  const compact = cell.toLowerCase().replace(/[\s._-]+/g, "");
  const m = /^(?:ncyear|nc|year|yr|y)?0*(\d{1,2})$/.exec(compact);
  if (!m) return undefined;
  const year = Number(m[1]);
  return year >= 7 && year <= 13 ? year : undefined;
}

const EMAIL = /^[^\s@",;<>()]+@[^\s@",;<>()]+\.[^\s@",;<>().]+$/;

// ---------------------------------------------------------------------------------------------
// The whole file
// ---------------------------------------------------------------------------------------------

export function parseClassList(input: Uint8Array | string): ClassListResult {
  const fail = (...headerProblems: string[]): ClassListResult => ({ rows: [], invalid: [], headerProblems });

  const byteLength = typeof input === "string" ? new TextEncoder().encode(input).length : input.length;
  if (byteLength > MAX_BYTES) {
    return fail(
      `The file is ${formatMb(byteLength)}, which is more than the ${formatMb(MAX_BYTES)} we can take in one go. ` +
        `Please export fewer pupils at a time (for example one year group) and upload each file.`,
    );
  }

  const csv = decodeAndParseCsv(input);
  const structural = csv.problems.map((p) => p.message);
  const nonBlank = csv.records.filter((r) => r.cells.some((c) => c.trim() !== ""));
  if (nonBlank.length === 0) return fail("The file is empty: there are no column headings and no pupils.");

  const [header, ...body] = nonBlank;
  const mapping = mapHeader(header);
  if (mapping.problems.length > 0) return fail(...mapping.problems, ...structural);
  if (structural.length > 0) return fail(...structural);
  if (body.length === 0) return fail("The file has column headings but no pupils underneath them.");
  if (body.length > MAX_ROWS) {
    return fail(
      `The file has ${body.length.toLocaleString("en-GB")} pupils; we can take up to ${MAX_ROWS.toLocaleString("en-GB")} at a time. ` +
        `Please split it (for example by year group) and upload each part.`,
    );
  }

  const rows: ValidRow[] = [];
  const invalidByLine = new Map<number, string[]>();
  const addReason = (line: number, reason: string) => {
    const list = invalidByLine.get(line);
    if (list) list.push(reason);
    else invalidByLine.set(line, [reason]);
  };

  const candidates: ValidRow[] = [];
  for (const record of body) {
    const result = validateRecord(record, mapping.columns, header.cells.length);
    if ("reasons" in result) for (const r of result.reasons) addReason(record.line, r);
    else candidates.push(result);
  }

  // Duplicate UPNs: every row that shares one is named, including rows invalid for other reasons,
  // because the teacher has to decide which of them is the real pupil.
  const linesByUpn = new Map<string, number[]>();
  if (mapping.columns.upn !== undefined) {
    for (const record of body) {
      const upn = (record.cells[mapping.columns.upn] ?? "").trim().toUpperCase();
      if (upn === "") continue;
      const lines = linesByUpn.get(upn);
      if (lines) lines.push(record.line);
      else linesByUpn.set(upn, [record.line]);
    }
  }
  for (const lines of linesByUpn.values()) {
    if (lines.length < 2) continue;
    for (const line of lines) {
      const others = lines.filter((l) => l !== line);
      addReason(
        line,
        `Row ${line}: this UPN also appears on ${others.length === 1 ? "row" : "rows"} ${listAnd(others)}.`,
      );
    }
  }

  for (const row of candidates) if (!invalidByLine.has(row.line)) rows.push(row);
  const invalid = [...invalidByLine.entries()].sort(([a], [b]) => a - b).map(([line, reasons]) => ({ line, reasons }));
  return { rows, invalid, headerProblems: [] };
}

interface HeaderMapping {
  columns: Partial<Record<Field, number>>;
  problems: string[];
}

function mapHeader(header: CsvRecord): HeaderMapping {
  const columns: Partial<Record<Field, number>> = {};
  const problems: string[] = [];
  const seen = new Map<Field, number[]>();
  header.cells.forEach((cell, index) => {
    const field = fieldForHeader(cell);
    if (!field) return;
    seen.set(field, [...(seen.get(field) ?? []), index]);
  });
  for (const [field, indexes] of seen) {
    if (indexes.length > 1) {
      problems.push(
        `More than one column looks like the ${FIELD_LABEL[field]}: ${listAnd(
          indexes.map((i) => `"${header.cells[i]}" (column ${columnLetter(i)})`),
        )}. Please keep only one of them.`,
      );
    } else {
      columns[field] = indexes[0];
    }
  }
  const missing = REQUIRED.filter((f) => !seen.has(f));
  if (missing.length > 0) {
    const found = header.cells.filter((c) => c.trim() !== "").map((c) => `"${preview(c.trim(), 40)}"`);
    const examples = missing.map((f) => `${FIELD_LABEL[f]} (for example "${HEADER_VARIANTS[f][0]}")`);
    problems.push(
      `The file is missing ${missing.length === 1 ? "a column" : "columns"} we need: ${listAnd(examples)}. ` +
        `The columns we found are: ${found.length > 0 ? found.join(", ") : "none"}.`,
    );
  }
  return { columns, problems };
}

function validateRecord(
  record: CsvRecord,
  columns: Partial<Record<Field, number>>,
  headerWidth: number,
): ValidRow | { reasons: string[] } {
  const row = `Row ${record.line}`;
  const reasons: string[] = [];
  const cell = (field: Field): string | undefined => {
    const index = columns[field];
    return index === undefined ? undefined : (record.cells[index] ?? "");
  };

  const extra = record.cells.slice(headerWidth).filter((c) => c.trim() !== "");
  if (extra.length > 0) {
    reasons.push(
      `${row}: this row has more values than there are column headings, so the columns may have shifted. ` +
        `Perhaps a name contains a comma that is not inside quotes.`,
    );
  }

  /** Returns the trimmed cell, or undefined after recording why it cannot be used. */
  const usable = (field: Field): string | undefined => {
    const raw = cell(field);
    if (raw === undefined) return undefined;
    if (looksLikeFormula(raw)) {
      reasons.push(
        `${row}: the ${FIELD_LABEL[field]} looks like a spreadsheet formula (${preview(raw.trim() || raw)}); ` +
          `please fix it in the school system and export again.`,
      );
      return undefined;
    }
    return raw.trim();
  };

  const name = (field: Field, required: boolean): string | undefined => {
    const value = usable(field);
    if (value === undefined) return undefined;
    if (value === "") {
      if (required) reasons.push(`${row}: no ${FIELD_LABEL[field]}.`);
      return undefined;
    }
    const cleaned = cleanName(value);
    if (CONTROL_CHARS.test(cleaned)) {
      reasons.push(
        `${row}: the ${FIELD_LABEL[field]} contains a hidden control character; please retype it in the school system.`,
      );
      return undefined;
    }
    if (Array.from(cleaned).length > MAX_NAME_LENGTH) {
      reasons.push(`${row}: the ${FIELD_LABEL[field]} is longer than ${MAX_NAME_LENGTH} characters.`);
      return undefined;
    }
    return cleaned;
  };

  let upn: string | undefined;
  const upnCell = usable("upn");
  if (upnCell) {
    const candidate = upnCell.toUpperCase();
    if (!isUpnFormat(candidate)) {
      reasons.push(
        `${row}: the UPN '${upnCell}' is not a valid UPN: it should be a letter followed by 12 digits ` +
          `(a temporary UPN ends in a letter instead of the last digit).`,
      );
    } else if (!hasValidUpnCheckLetter(candidate)) {
      reasons.push(
        `${row}: the UPN '${upnCell}' is not a valid UPN: its first letter does not match the rest of the number, ` +
          `so a character has probably been mistyped.`,
      );
    } else {
      upn = candidate;
    }
  }

  const legalFirstName = name("legalFirstName", true);
  const preferredFirstName = name("preferredFirstName", false);
  const lastName = name("lastName", true);

  let yearGroup: number | undefined;
  const yearCell = usable("yearGroup");
  if (yearCell !== undefined) {
    if (yearCell === "") reasons.push(`${row}: no year group.`);
    else {
      yearGroup = parseYearGroup(yearCell);
      if (yearGroup === undefined) reasons.push(`${row}: year group '${yearCell}' is not a secondary year (7–13).`);
    }
  }

  let regGroup: string | undefined;
  const regCell = usable("regGroup");
  if (regCell) {
    if (CONTROL_CHARS.test(regCell) || Array.from(regCell).length > 20) {
      reasons.push(`${row}: the registration group '${preview(regCell)}' does not look like a form or tutor group.`);
    } else regGroup = regCell.normalize("NFC");
  }

  let email: string | undefined;
  const emailCell = usable("email");
  if (emailCell) {
    const lower = emailCell.toLowerCase();
    if (lower.length > MAX_EMAIL_LENGTH || !EMAIL.test(lower)) {
      reasons.push(`${row}: the email address '${emailCell}' does not look like an email address.`);
    } else email = lower;
  }

  if (reasons.length > 0 || legalFirstName === undefined || lastName === undefined || yearGroup === undefined) {
    return { reasons };
  }
  const valid: ValidRow = {
    line: record.line,
    firstName: preferredFirstName ?? legalFirstName,
    legalFirstName,
    lastName,
    yearGroup,
  };
  if (upn !== undefined) valid.upn = upn;
  if (regGroup !== undefined) valid.regGroup = regGroup;
  if (email !== undefined) valid.email = email;
  return valid;
}

function listAnd(items: readonly (string | number)[]): string {
  const s = items.map(String);
  if (s.length <= 1) return s.join("");
  return `${s.slice(0, -1).join(", ")} and ${s[s.length - 1]}`;
}

function columnLetter(index: number): string {
  let n = index + 1;
  let out = "";
  while (n > 0) {
    const r = (n - 1) % 26;
    out = String.fromCharCode(65 + r) + out;
    n = Math.floor((n - 1) / 26);
  }
  return out;
}

/** Rounded up to 0.1 MB, so a file just over the limit never reads as equal to it. */
function formatMb(bytes: number): string {
  return `${Math.ceil((bytes / (1024 * 1024)) * 10) / 10} MB`;
}
