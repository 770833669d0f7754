/**
 * Microsoft Learn catalogue files → validated modules, and the preview diff an admin sees before
 * applying an import.
 *
 * Pure. Accepts the Learn catalogue API's JSON (`{ "modules": [...] }`), a bare JSON array of
 * modules, or a CSV with columns `uid, title, duration_in_minutes, levels, roles, products, url`
 * (list columns separated by `;` or `|`). Durations are imported, never hard-coded (domain notes).
 * The import is idempotent by `uid`: applying the same file twice changes nothing the second time,
 * which `diffCatalogue` makes visible as "unchanged".
 */
import { z } from "zod";
import { decodeCsvBytes, parseCsv } from "./csv-decode.ts";

export const MAX_CATALOGUE_BYTES = 5 * 1024 * 1024;

/** Field names follow the `Module` model in prisma/schema.prisma. */
export interface LearnModule {
  uid: string;
  title: string;
  durationMinutes: number;
  levels: string[];
  roles: string[];
  products: string[];
  url: string;
}

export interface InvalidModule {
  /** JSON: 1-based position in the modules array. CSV: 1-based line in the file. */
  row: number;
  uid?: string;
  reasons: string[];
}

export interface CatalogueParseResult {
  modules: LearnModule[];
  invalid: InvalidModule[];
  /** Problems with the file as a whole (not JSON/CSV we understand, missing columns). */
  fileProblems: string[];
}

export const MAX_DURATION_MINUTES = 10_000;
const UID = /^[A-Za-z0-9]+(?:[-_][A-Za-z0-9]+)*(?:\.[A-Za-z0-9]+(?:[-_][A-Za-z0-9]+)*)+$/;

/** A list in JSON, or a `;`/`|`-separated string in CSV; absent means none. */
const listSchema = z
  .union([z.array(z.string()), z.string(), z.null()])
  .optional()
  .transform((v): string[] => {
    const items = v == null ? [] : typeof v === "string" ? v.split(/[;|]/) : v;
    const out: string[] = [];
    for (const item of items) {
      const t = item.trim();
      if (t !== "" && !out.includes(t)) out.push(t);
    }
    return out;
  });

export const learnModuleSchema = z.object({
  uid: z
    .string({ error: "uid is missing" })
    .trim()
    .min(1, "uid is missing")
    .max(200, "uid is longer than 200 characters")
    .regex(UID, 'uid should look like "learn.wwl.introduction-to-azure" (letters, digits, hyphens, separated by dots)'),
  title: z
    .string({ error: "title is missing" })
    .trim()
    .min(1, "title is empty")
    .max(300, "title is longer than 300 characters"),
  duration_in_minutes: z.preprocess(
    (v) => (typeof v === "string" && /^\s*\d+\s*$/.test(v) ? Number(v) : v),
    z
      .number({ error: "duration_in_minutes should be a whole number of minutes" })
      .int("duration_in_minutes should be a whole number of minutes")
      .positive("duration_in_minutes should be more than 0")
      .max(
        MAX_DURATION_MINUTES,
        `duration_in_minutes should be at most ${MAX_DURATION_MINUTES.toLocaleString("en-GB")}`,
      ),
  ),
  levels: listSchema,
  roles: listSchema,
  products: listSchema,
  url: z
    .string({ error: "url is missing" })
    .trim()
    .refine(isLearnUrl, "url should be an https:// address on learn.microsoft.com"),
});

function isLearnUrl(value: string): boolean {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return false;
  }
  return (
    url.protocol === "https:" &&
    url.hostname === "learn.microsoft.com" &&
    url.username === "" &&
    url.password === "" &&
    url.port === ""
  );
}

function validateEntry(entry: unknown, row: number): { module: LearnModule } | { invalid: InvalidModule } {
  const uid =
    entry && typeof entry === "object" && typeof (entry as { uid?: unknown }).uid === "string"
      ? (entry as { uid: string }).uid.trim() || undefined
      : undefined;
  if (entry === null || typeof entry !== "object" || Array.isArray(entry)) {
    return { invalid: { row, reasons: ["this entry is not a module (expected an object with uid, title, …)"] } };
  }
  const type = (entry as { type?: unknown }).type;
  if (typeof type === "string" && type !== "module") {
    return { invalid: { row, uid, reasons: [`this entry is a ${type}, not a module`] } };
  }
  const parsed = learnModuleSchema.safeParse(entry);
  if (!parsed.success) {
    const reasons = parsed.error.issues.map((issue) => {
      // Zod's own messages (wrong type for a list) get the field name prefixed.
      const field = String(issue.path[0] ?? "");
      return issue.message.startsWith(field) ? issue.message : `${field}: ${issue.message}`;
    });
    return { invalid: { row, uid, reasons } };
  }
  const d = parsed.data;
  return {
    module: {
      uid: d.uid,
      title: d.title,
      durationMinutes: d.duration_in_minutes,
      levels: d.levels,
      roles: d.roles,
      products: d.products,
      url: d.url,
    },
  };
}

export function parseLearnCatalogue(input: Uint8Array | string): CatalogueParseResult {
  const text = typeof input === "string" ? input.replace(/^\uFEFF/, "") : decodeCsvBytes(input).text;
  const first = text.trimStart()[0];
  return first === "{" || first === "[" ? parseJson(text) : parseCsvCatalogue(text);
}

function parseJson(text: string): CatalogueParseResult {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    return { modules: [], invalid: [], fileProblems: [`The file is not valid JSON (${(e as Error).message}).`] };
  }
  const entries = Array.isArray(data)
    ? data
    : data && typeof data === "object" && Array.isArray((data as { modules?: unknown }).modules)
      ? (data as { modules: unknown[] }).modules
      : undefined;
  if (!entries) {
    return {
      modules: [],
      invalid: [],
      fileProblems: [
        'The JSON has no list of modules: expected { "modules": [...] } as the Learn catalogue API returns, or an array.',
      ],
    };
  }
  return collect(entries.map((entry, i) => ({ entry, row: i + 1 })));
}

const CSV_COLUMNS = ["uid", "title", "duration_in_minutes", "levels", "roles", "products", "url"] as const;
const REQUIRED_CSV_COLUMNS = ["uid", "title", "duration_in_minutes", "url"] as const;

function parseCsvCatalogue(text: string): CatalogueParseResult {
  const csv = parseCsv(text);
  const fileProblems = csv.problems.map((p) => p.message);
  const records = csv.records.filter((r) => r.cells.some((c) => c !== ""));
  if (records.length === 0) return { modules: [], invalid: [], fileProblems: ["The file is empty."] };
  const [header, ...body] = records;
  const names = header.cells.map((c) =>
    c
      .trim()
      .toLowerCase()
      .replace(/[\s-]+/g, "_"),
  );
  const index = new Map<string, number>();
  names.forEach((name, i) => {
    if (!index.has(name)) index.set(name, i);
  });
  const missing = REQUIRED_CSV_COLUMNS.filter((c) => !index.has(c));
  if (missing.length > 0) {
    fileProblems.push(
      `The CSV is missing the column${missing.length === 1 ? "" : "s"} ${missing.join(", ")}. ` +
        `Expected: ${CSV_COLUMNS.join(", ")}. Found: ${header.cells.join(", ")}.`,
    );
  }
  if (fileProblems.length > 0) return { modules: [], invalid: [], fileProblems };

  return collect(
    body.map((record) => {
      const entry: Record<string, string> = {};
      for (const column of CSV_COLUMNS) {
        const i = index.get(column);
        if (i !== undefined) entry[column] = record.cells[i] ?? "";
      }
      return { entry, row: record.line };
    }),
  );
}

/** Validates every entry and rejects every occurrence of a uid that appears more than once. */
function collect(entries: { entry: unknown; row: number }[]): CatalogueParseResult {
  const valid: { module: LearnModule; row: number }[] = [];
  const invalid: InvalidModule[] = [];
  for (const { entry, row } of entries) {
    const result = validateEntry(entry, row);
    if ("module" in result) valid.push({ module: result.module, row });
    else invalid.push(result.invalid);
  }
  const rowsByUid = new Map<string, number[]>();
  for (const { module, row } of valid) rowsByUid.set(module.uid, [...(rowsByUid.get(module.uid) ?? []), row]);
  const modules: LearnModule[] = [];
  for (const { module, row } of valid) {
    const rows = rowsByUid.get(module.uid)!;
    if (rows.length > 1) {
      const others = rows.filter((r) => r !== row);
      invalid.push({ row, uid: module.uid, reasons: [`uid ${module.uid} also appears in row ${others.join(", ")}`] });
    } else modules.push(module);
  }
  invalid.sort((a, b) => a.row - b.row);
  return { modules, invalid, fileProblems: [] };
}

// ---------------------------------------------------------------------------------------------
// Preview diff
// ---------------------------------------------------------------------------------------------

export type ModuleField = "title" | "durationMinutes" | "levels" | "roles" | "products" | "url";

export interface FieldChange {
  field: ModuleField;
  before: LearnModule[ModuleField];
  after: LearnModule[ModuleField];
}

export interface UpdatedModule {
  uid: string;
  before: LearnModule;
  after: LearnModule;
  changes: FieldChange[];
}

export interface CatalogueDiff {
  new: LearnModule[];
  updated: UpdatedModule[];
  unchanged: LearnModule[];
  invalid: InvalidModule[];
}

const COMPARED: readonly ModuleField[] = ["title", "durationMinutes", "levels", "roles", "products", "url"];

function sameValue(a: LearnModule[ModuleField], b: LearnModule[ModuleField]): boolean {
  if (Array.isArray(a) && Array.isArray(b)) {
    // Lists are sets: the API does not promise an order.
    const sa = [...new Set(a)].sort();
    const sb = [...new Set(b)].sort();
    return sa.length === sb.length && sa.every((v, i) => v === sb[i]);
  }
  return a === b;
}

/**
 * What applying `incoming` on top of `existing` would do, matched by uid. Modules in `existing`
 * but absent from `incoming` are not reported: an import adds and updates, it never retires.
 *
 * `incoming` may be a parse result (its invalid entries are carried into the preview) or a plain
 * list, which is re-validated here so the function is safe to call with data from anywhere.
 */
export function diffCatalogue(
  existing: readonly LearnModule[],
  incoming: readonly LearnModule[] | CatalogueParseResult,
): CatalogueDiff {
  let candidates: LearnModule[];
  const invalid: InvalidModule[] = [];
  if (Array.isArray(incoming)) {
    const checked = collect(
      (incoming as readonly LearnModule[]).map((m, i) => ({
        entry: { ...m, duration_in_minutes: m.durationMinutes },
        row: i + 1,
      })),
    );
    candidates = checked.modules;
    invalid.push(...checked.invalid);
  } else {
    const parsed = incoming as CatalogueParseResult;
    candidates = parsed.modules;
    invalid.push(...parsed.invalid);
  }

  const byUid = new Map(existing.map((m) => [m.uid, m]));
  const diff: CatalogueDiff = { new: [], updated: [], unchanged: [], invalid };
  for (const after of candidates) {
    const before = byUid.get(after.uid);
    if (!before) {
      diff.new.push(after);
      continue;
    }
    const changes: FieldChange[] = COMPARED.filter((f) => !sameValue(before[f], after[f])).map((field) => ({
      field,
      before: before[field],
      after: after[field],
    }));
    if (changes.length === 0) diff.unchanged.push(after);
    else diff.updated.push({ uid: after.uid, before, after, changes });
  }
  return diff;
}
