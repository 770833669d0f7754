/**
 * Class-list import: a school's export (SIMS, Arbor, Bromcom, Excel) → pupils in a class,
 * enrolled in the class's pathways. The teacher's complaint this answers: "bulk uploads that
 * fail silently" and "duplicate learner records after imports".
 *
 * Flow
 * 1. previewClassImport: parse + validate (app/domain/class-list.ts), match every row against
 *    the database, store the decoded file in import_jobs (status "preview") with the counts.
 *    Nothing else is written. The file stays on the server: confirming names the job by id,
 *    and the job is looked up within the teacher's school (never trusted from the form).
 * 2. confirmClassImport: small files are written at once; files over BACKGROUND_THRESHOLD rows
 *    are queued (status "queued" + an outbox row with the job id only) and written by
 *    workers/imports-worker.ts. Both paths call runClassImport, which re-parses the stored file,
 *    re-plans against the database as it is now, and writes everything in ONE transaction.
 *
 * Matching: only ever among this school's own pupils (decision 025)
 * - by UPN, then by email (or by an identifier this school claimed earlier, see below);
 * - a UPN or email that another account holds (another school's pupil, a member of staff,
 *   anyone) is never attached and never written: the row goes on as if nobody held it, the
 *   identifier is left off, and the claim is flagged for the partnership admin, who merges the
 *   records if they are one child. The teacher's preview and result are the same either way, so
 *   an import neither reaches another school's pupil nor tells whether an identifier exists;
 * - a pupil of this school whom another organisation also holds is added to the class, but none
 *   of their fields (year group, UPN, email) is written;
 * - otherwise the row is a new pupil. When a pupil of this school has the same first name,
 *   surname and year group but no UPN/email match, the row is shown as a POSSIBLE DUPLICATE:
 *   confirming creates a new pupil unless the teacher ticks "this is the same pupil", in which
 *   case the row is matched to that record. Nothing is merged automatically.
 * - "unchanged" rows are pupils already in this class with nothing to update.
 * - A pupil in another class of the same school and academic year is MOVED: the old
 *   cohort_members row gets left_at, a new one starts here; history stays.
 *
 * Writes are set-based (one multi-row INSERT … ON CONFLICT per table per chunk), so the cost
 * does not grow by a query per row.
 */
import { db, type Tx } from "~/db/client.server.ts";
import { type Actor } from "~/auth/permissions.ts";
import { classSchoolsOf } from "~/auth/reach.server.ts";
import { decodeCsvBytes } from "~/domain/csv-decode.ts";
import { MAX_BYTES, parseClassList, type InvalidRow, type ValidRow } from "~/domain/class-list.ts";
import { usernameBase, usernameCandidate } from "~/domain/usernames.ts";
import { enqueueOutbox } from "~/jobs/outbox.server.ts";
import { audit } from "~/utils/audit.server.ts";
import { logger } from "~/utils/logger.server.ts";
import { getClass } from "~/models/classes.server.ts";
import { flagIdentityClaims, type IdentityClaim } from "~/models/identity-flags.server.ts";
import { isUuid } from "~/domain/ids.ts";
import { notFound } from "~/utils/http-errors.ts";

/** Files with more valid rows than this are written by the background worker. */
export const BACKGROUND_THRESHOLD = 300;
/** Rows per set-based write round; progress is reported after each. */
export const CHUNK_ROWS = 1000;
/** At most this many existing pupils are offered as "the same pupil" for one row. */
const MAX_DUPLICATE_CANDIDATES = 5;

export class ImportError extends Error {}

type CohortRef = { id: string; organisationId: string; academicYear: number };

export interface DuplicateCandidate {
  userId: string;
  firstName: string;
  lastName: string;
  yearGroup: number | null;
  username: string | null;
  hasUpn: boolean;
}

export interface PossibleDuplicate {
  line: number;
  firstName: string;
  lastName: string;
  yearGroup: number;
  candidates: DuplicateCandidate[];
}

export interface ImportSummary {
  /** Data rows in the file (valid + invalid). */
  fileRows: number;
  /** Rows that will be written (new + matched + unchanged). */
  validRows: number;
  newPupils: number;
  matched: number;
  unchanged: number;
  /** Of the matched pupils, those currently in another class this year (they move here). */
  moving: number;
  possibleDuplicates: PossibleDuplicate[];
  invalid: InvalidRow[];
}

export interface ImportResult {
  created: number;
  matched: number;
  unchanged: number;
  moved: number;
  confirmedSame: number;
  enrolmentsCreated: number;
  invalid: number;
}

/** An identifier on a row that another account holds: recorded for the partnership admin. */
type Claim = Omit<IdentityClaim, "claimantId">;

type Planned =
  | {
      kind: "new";
      row: ValidRow;
      upn: string | null;
      email: string | null;
      claims: Claim[];
      duplicates: DuplicateCandidate[];
    }
  | {
      kind: "matched";
      row: ValidRow;
      userId: string;
      unchanged: boolean;
      moving: boolean;
      fillUpn: string | null;
      fillEmail: string | null;
      claims: Claim[];
    };

interface Plan {
  planned: Planned[];
  rejected: InvalidRow[];
}

/** An account found by one of the file's identifiers, or by this school's earlier claim of it. */
type Hit = {
  via: "upn" | "email" | "claimed-upn" | "claimed-email";
  value: string;
  id: string;
  upn: string | null;
  email: string | null;
  year_group: number | null;
  pupil_here: boolean;
  held_elsewhere: boolean;
  in_class: boolean;
  in_other_class: boolean;
};

function addReason(rejected: Map<number, string[]>, line: number, reason: string) {
  const list = rejected.get(line);
  if (list) list.push(reason);
  else rejected.set(line, [reason]);
}

/**
 * Decides, for every valid row, what confirming would do. Two set-based queries.
 *
 * Only this school's own pupils are ever matched (decision 025). A UPN or email that another
 * account holds is not attached to anyone: the row is treated exactly as if nobody held it (a new
 * pupil, or an existing pupil of the school), the identifier is left off, and a claim is recorded
 * for the partnership admin. The teacher sees the same preview and result either way.
 */
export async function planClassImport(client: Tx, cohort: CohortRef, rows: readonly ValidRow[]): Promise<Plan> {
  const rejected = new Map<number, string[]>();

  // The same email on several rows: every one of them is named (the parser does this for UPNs).
  const linesByEmail = new Map<string, number[]>();
  for (const row of rows)
    if (row.email) linesByEmail.set(row.email, [...(linesByEmail.get(row.email) ?? []), row.line]);
  for (const lines of linesByEmail.values()) {
    if (lines.length < 2) continue;
    for (const line of lines) {
      const others = lines.filter((l) => l !== line);
      addReason(
        rejected,
        line,
        `Row ${line}: this email address also appears on ${others.length === 1 ? "row" : "rows"} ${others.join(", ")}.`,
      );
    }
  }

  const upns = rows.flatMap((r) => (r.upn ? [r.upn] : []));
  const emails = rows.flatMap((r) => (r.email ? [r.email] : []));
  // A merged record's identifiers lead to the record it was merged into.
  const found =
    upns.length + emails.length === 0
      ? []
      : await client.$queryRaw<Hit[]>`
    WITH hits AS (
      SELECT 'upn' AS via, u.upn AS value, COALESCE(u.merged_into_id, u.id) AS user_id FROM users u WHERE u.upn = ANY(${upns}::text[])
      UNION ALL
      SELECT 'email', u.email, COALESCE(u.merged_into_id, u.id) FROM users u WHERE u.email = ANY(${emails}::text[])
      UNION ALL
      SELECT CASE f.kind WHEN 'UPN' THEN 'claimed-upn' ELSE 'claimed-email' END, f.value, f.claimant_id FROM identity_flags f
      WHERE f.organisation_id = ${cohort.organisationId}::uuid
        AND ((f.kind = 'UPN' AND f.value = ANY(${upns}::text[])) OR (f.kind = 'EMAIL' AND f.value = ANY(${emails}::text[])))
    )
    SELECT h.via, h.value, u.id, u.upn, u.email, u.year_group,
      EXISTS (SELECT 1 FROM memberships m WHERE m.user_id = u.id AND m.organisation_id = ${cohort.organisationId}::uuid AND m.role = 'PUPIL') AS pupil_here,
      EXISTS (SELECT 1 FROM memberships m WHERE m.user_id = u.id AND m.organisation_id <> ${cohort.organisationId}::uuid) AS held_elsewhere,
      EXISTS (SELECT 1 FROM cohort_members cm WHERE cm.user_id = u.id AND cm.cohort_id = ${cohort.id}::uuid AND cm.left_at IS NULL) AS in_class,
      EXISTS (SELECT 1 FROM cohort_members cm JOIN cohorts c ON c.id = cm.cohort_id
              WHERE cm.user_id = u.id AND cm.left_at IS NULL AND c.id <> ${cohort.id}::uuid
                AND c.organisation_id = ${cohort.organisationId}::uuid AND c.academic_year = ${cohort.academicYear}) AS in_other_class
    FROM hits h JOIN users u ON u.id = h.user_id
    WHERE u.erased_at IS NULL AND u.merged_into_id IS NULL`;
  const hits = (via: Hit["via"]) => new Map(found.filter((h) => h.via === via).map((h) => [h.value, h]));
  const holderByUpn = hits("upn");
  const holderByEmail = hits("email");
  // An earlier claim counts only while its pupil is still at this school.
  const claimantByUpn = new Map([...hits("claimed-upn")].filter(([, h]) => h.pupil_here));
  const claimantByEmail = new Map([...hits("claimed-email")].filter(([, h]) => h.pupil_here));
  const ownPupil = (holder: Hit | undefined) => (holder?.pupil_here ? holder : undefined);

  const planned: Planned[] = [];
  const lineForUser = new Map<string, number>();
  const unmatched: ValidRow[] = [];
  for (const row of rows) {
    if (rejected.has(row.line)) continue;
    const upnHolder = row.upn ? holderByUpn.get(row.upn) : undefined;
    const emailHolder = row.email ? holderByEmail.get(row.email) : undefined;
    const byUpn = ownPupil(upnHolder) ?? (row.upn ? claimantByUpn.get(row.upn) : undefined);
    const byEmail = ownPupil(emailHolder) ?? (row.email ? claimantByEmail.get(row.email) : undefined);
    if (!byUpn && byEmail && row.upn && byEmail.upn && byEmail.upn !== row.upn) {
      addReason(
        rejected,
        row.line,
        `Row ${row.line}: the email address ${row.email} belongs to a pupil with a different UPN. Check the UPN and the email.`,
      );
      continue;
    }
    const user = byUpn ?? byEmail;
    if (!user) {
      unmatched.push(row);
      continue;
    }
    const earlier = lineForUser.get(user.id);
    if (earlier !== undefined) {
      addReason(rejected, row.line, `Row ${row.line}: this is the same pupil as row ${earlier} (same UPN or email).`);
      continue;
    }
    lineForUser.set(user.id, row.line);
    // A pupil another organisation also holds is theirs too: the import writes none of their fields.
    const writable = !user.held_elsewhere;
    const upn = writable && !user.upn ? identifierFor(row.upn, "UPN", upnHolder, claimantByUpn) : NOTHING;
    const email = writable && !user.email ? identifierFor(row.email, "EMAIL", emailHolder, claimantByEmail) : NOTHING;
    const claims = [upn.claim, email.claim].filter((c): c is Claim => c !== null);
    planned.push({
      kind: "matched",
      row,
      userId: user.id,
      moving: user.in_other_class && !user.in_class,
      unchanged:
        user.in_class &&
        (!writable || user.year_group === row.yearGroup) &&
        !upn.value &&
        !email.value &&
        claims.length === 0,
      fillUpn: upn.value,
      fillEmail: email.value,
      claims,
    });
  }

  // Possible duplicates: same first name (preferred or legal), surname and year group among this
  // school's pupils, unless both have UPNs and they differ (then they are different children).
  const duplicates = new Map<number, DuplicateCandidate[]>();
  if (unmatched.length > 0) {
    const candidates = await client.$queryRaw<
      {
        line: number;
        id: string;
        first_name: string;
        last_name: string;
        year_group: number | null;
        username: string | null;
        upn: string | null;
        row_upn: string | null;
      }[]
    >`
      WITH school_pupils AS MATERIALIZED (
        SELECT u.id, lower(u.first_name) AS lower_first, lower(u.last_name) AS lower_last, u.first_name, u.last_name, u.year_group, u.username, u.upn
        FROM memberships m JOIN users u ON u.id = m.user_id
        WHERE m.organisation_id = ${cohort.organisationId}::uuid AND m.role = 'PUPIL' AND u.erased_at IS NULL
      )
      SELECT line, id, first_name, last_name, year_group, username, upn, row_upn FROM (
        SELECT r.line, u.id, u.first_name, u.last_name, u.year_group, u.username, u.upn, r.upn AS row_upn,
               row_number() OVER (PARTITION BY r.line ORDER BY u.last_name, u.first_name, u.id) AS n
        FROM unnest(${unmatched.map((r) => r.line)}::int[], ${unmatched.map((r) => r.firstName)}::text[],
                    ${unmatched.map((r) => r.legalFirstName)}::text[], ${unmatched.map((r) => r.lastName)}::text[],
                    ${unmatched.map((r) => r.yearGroup)}::int[], ${unmatched.map((r) => r.upn ?? null)}::text[])
             AS r(line, first_name, legal_first_name, last_name, year_group, upn)
        JOIN school_pupils u ON u.lower_last = lower(r.last_name) AND u.year_group = r.year_group
                            AND u.lower_first IN (lower(r.first_name), lower(r.legal_first_name))
        -- Both have UPNs and they differ: different children, not a duplicate.
        WHERE u.upn IS NULL OR r.upn IS NULL OR u.upn = r.upn
      ) AS candidates
      WHERE n <= ${MAX_DUPLICATE_CANDIDATES}
      ORDER BY line, n`;
    for (const c of candidates) {
      const list = duplicates.get(c.line) ?? [];
      list.push({
        userId: c.id,
        firstName: c.first_name,
        lastName: c.last_name,
        yearGroup: c.year_group,
        username: c.username,
        hasUpn: c.upn !== null,
      });
      duplicates.set(c.line, list);
    }
  }
  for (const row of unmatched) {
    const upn = identifierFor(row.upn, "UPN", row.upn ? holderByUpn.get(row.upn) : undefined, claimantByUpn);
    const email = identifierFor(
      row.email,
      "EMAIL",
      row.email ? holderByEmail.get(row.email) : undefined,
      claimantByEmail,
    );
    const claims = [upn.claim, email.claim].filter((c): c is Claim => c !== null);
    planned.push({
      kind: "new",
      row,
      upn: upn.value,
      email: email.value,
      claims,
      duplicates: duplicates.get(row.line) ?? [],
    });
  }
  planned.sort((a, b) => a.row.line - b.row.line);

  return { planned, rejected: [...rejected.entries()].map(([line, reasons]) => ({ line, reasons })) };
}

const NOTHING = { value: null, claim: null } as const;

/**
 * What to do with one identifier on a row for a pupil who has none: write it when nobody holds
 * it; when another account (not a pupil of this school) holds it, leave it off and claim it,
 * unless this school already has. Held by another pupil of this school: nothing.
 */
function identifierFor(
  value: string | undefined,
  kind: Claim["kind"],
  holder: Hit | undefined,
  claimed: ReadonlyMap<string, Hit>,
): { value: string | null; claim: Claim | null } {
  if (!value) return NOTHING;
  if (!holder) return { value, claim: null };
  if (holder.pupil_here || claimed.has(value)) return NOTHING;
  return { value: null, claim: { kind, value, holderId: holder.id } };
}

function summarise(plan: Plan, parserInvalid: readonly InvalidRow[]): ImportSummary {
  const invalid = [...parserInvalid, ...plan.rejected].sort((a, b) => a.line - b.line);
  const matched = plan.planned.filter((p) => p.kind === "matched");
  const fresh = plan.planned.filter((p) => p.kind === "new");
  return {
    fileRows: plan.planned.length + invalid.length,
    validRows: plan.planned.length,
    newPupils: fresh.length,
    matched: matched.filter((p) => !p.unchanged).length,
    unchanged: matched.filter((p) => p.unchanged).length,
    moving: matched.filter((p) => p.moving).length,
    possibleDuplicates: fresh
      .filter((p) => p.duplicates.length > 0)
      .map((p) => ({
        line: p.row.line,
        firstName: p.row.firstName,
        lastName: p.row.lastName,
        yearGroup: p.row.yearGroup,
        candidates: p.duplicates,
      })),
    invalid,
  };
}

// ── preview ──

export type PreviewOutcome = { ok: true; importId: string; summary: ImportSummary } | { ok: false; problems: string[] };

/** Dry run: parses, matches and stores the file; writes nothing else. */
export async function previewClassImport(actor: Actor, classId: string, file: Uint8Array): Promise<PreviewOutcome> {
  const cohort = await getClass(actor, classId);
  if (file.length === 0) return { ok: false, problems: ["Choose a CSV file to upload."] };
  if (file.length > MAX_BYTES) return { ok: false, problems: parseClassList(file).headerProblems };
  // The decoded text is what is stored and parsed again on confirm, so preview and write agree.
  // Postgres text cannot hold NUL; a NUL makes its row invalid either way.
  const text = decodeCsvBytes(file).text.replaceAll("\u0000", "\uFFFD");
  const parsed = parseClassList(text);
  if (parsed.headerProblems.length > 0) return { ok: false, problems: parsed.headerProblems };
  const plan = await planClassImport(db(), cohort, parsed.rows);
  const summary = summarise(plan, parsed.invalid);
  const job = await db().$transaction(async (tx) => {
    // An earlier unconfirmed upload for this class by this teacher is replaced (its copy of the
    // file is dropped: data minimisation).
    await tx.importJob.updateMany({
      where: { cohortId: cohort.id, createdById: actor.userId, kind: "class-list", status: "preview" },
      data: { status: "discarded", fileText: null, finishedAt: new Date() },
    });
    return tx.importJob.create({
      data: {
        organisationId: cohort.organisationId,
        cohortId: cohort.id,
        createdById: actor.userId,
        kind: "class-list",
        status: "preview",
        fileText: text,
        totalRows: summary.validRows,
        summary: { preview: summary } as object,
      },
      select: { id: true },
    });
  });
  return { ok: true, importId: job.id, summary };
}

/** One import of this class within the actor's reach, or 404. */
export async function getClassImport(actor: Actor, classId: string, importId: string) {
  const cohort = await getClass(actor, classId);
  if (!isUuid(importId)) notFound();
  const job = await db().importJob.findFirst({
    where: { id: importId, cohortId: cohort.id, kind: "class-list", organisationId: { in: classSchoolsOf(actor) } },
    select: {
      id: true,
      status: true,
      totalRows: true,
      processedRows: true,
      summary: true,
      error: true,
      createdAt: true,
      finishedAt: true,
    },
  });
  if (!job) notFound();
  const summary = job.summary as { preview?: ImportSummary; result?: ImportResult };
  return { cohort, job: { ...job, preview: summary.preview ?? null, result: summary.result ?? null } };
}

// ── confirm ──

/** Line number → the existing pupil the teacher says this row is. */
export type SameAs = Record<string, string>;

export type ConfirmOutcome = { queued: true } | { queued: false; result: ImportResult };

export async function confirmClassImport(
  actor: Actor,
  classId: string,
  importId: string,
  sameAs: SameAs = {},
): Promise<ConfirmOutcome> {
  const { cohort, job } = await getClassImport(actor, classId, importId);
  if (job.status !== "preview")
    throw new ImportError(
      "This upload has already been confirmed or replaced. Upload the file again to see a fresh preview.",
    );
  const cleanSameAs: SameAs = {};
  for (const [line, userId] of Object.entries(sameAs))
    if (/^\d{1,5}$/.test(line) && isUuid(userId)) cleanSameAs[line] = userId;

  if (job.totalRows > BACKGROUND_THRESHOLD) {
    await db().$transaction(async (tx) => {
      const claimed = await tx.importJob.updateMany({
        where: { id: job.id, status: "preview" },
        data: { status: "queued", summary: { ...(job.summary as object), sameAs: cleanSameAs } },
      });
      if (claimed.count !== 1) throw new ImportError("This upload has already been confirmed.");
      await enqueueOutbox(tx, "import.class-list", { importJobId: job.id });
      await audit(
        {
          actorId: actor.userId,
          action: "class.import-queued",
          subjectType: "import_job",
          subjectId: job.id,
          organisationId: cohort.organisationId,
          metadata: { rows: job.totalRows },
        },
        tx,
      );
    });
    return { queued: true };
  }
  try {
    const result = await runClassImport(job.id, { from: ["preview"], sameAs: cleanSameAs });
    return { queued: false, result };
  } catch (error) {
    if (error instanceof ImportError) throw error;
    // The transaction rolled back: nothing of the file was written. Say so, rather than a 500.
    // Logged without the message, which can quote a pupil's UPN or email.
    logger.error(
      { importJobId: job.id, code: (error as { code?: string }).code, name: (error as Error).name },
      "class-list import failed",
    );
    await markImportFailed(
      job.id,
      "The import could not be completed, and nothing was saved. Please upload the file again.",
    );
    throw new ImportError("The import could not be completed, and nothing was saved. Please upload the file again.", {
      cause: error,
    });
  }
}

// ── the write, shared by the web (small files) and the worker (large files) ──

export interface RunOptions {
  /** Statuses the job may be in when the write starts. */
  from: readonly string[];
  /** Overrides the "same pupil" ticks stored with the job. */
  sameAs?: SameAs;
  /** Called after each chunk, outside the write transaction (on its own connection). */
  onProgress?: (processedRows: number) => Promise<void> | void;
}

/**
 * Re-parses the stored file, re-plans it against the database as it is now and writes
 * everything in ONE transaction; marks the job done in the same transaction. If anything fails,
 * nothing of the import is written (the caller records the failure).
 */
export async function runClassImport(importJobId: string, options: RunOptions): Promise<ImportResult> {
  return db().$transaction(
    async (tx) => {
      // Serialises runs of the same job (a double click, a redelivered job) without locking the
      // job row, which the progress reporter updates from another connection meanwhile.
      await tx.$queryRaw`SELECT 1 AS locked FROM pg_advisory_xact_lock(hashtextextended(${importJobId}, 0))`;
      const job = await tx.importJob.findUnique({
        where: { id: importJobId },
        select: {
          id: true,
          kind: true,
          status: true,
          fileText: true,
          organisationId: true,
          cohortId: true,
          createdById: true,
          summary: true,
        },
      });
      if (!job || job.kind !== "class-list" || !job.cohortId) throw new ImportError("This import no longer exists.");
      if (!options.from.includes(job.status)) throw new ImportError("This upload has already been confirmed.");
      if (job.fileText === null) throw new ImportError("The uploaded file is no longer stored; upload it again.");
      const cohort = await tx.cohort.findFirst({
        where: { id: job.cohortId, organisationId: job.organisationId },
        select: { id: true, organisationId: true, academicYear: true },
      });
      if (!cohort) throw new ImportError("The class no longer exists.");
      const sameAs = options.sameAs ?? (job.summary as { sameAs?: SameAs }).sameAs ?? {};

      const result = await writeClassList(
        tx,
        cohort,
        { id: job.id, createdById: job.createdById, fileText: job.fileText },
        sameAs,
        options.onProgress,
      );

      const summary = job.summary as object;
      await tx.importJob.update({
        where: { id: job.id },
        data: {
          status: "done",
          processedRows: result.created + result.matched + result.unchanged,
          finishedAt: new Date(),
          fileText: null,
          summary: { ...summary, result: result as object },
        },
      });
      await audit(
        {
          actorId: job.createdById,
          action: "class.import",
          subjectType: "cohort",
          subjectId: cohort.id,
          organisationId: cohort.organisationId,
          metadata: { importJobId: job.id, ...result },
        },
        tx,
      );
      return result;
    },
    { timeout: 120_000, maxWait: 10_000 },
  );
}

/** Parse + validate + plan + set-based write, inside the caller's transaction. */
export async function writeClassList(
  tx: Tx,
  cohort: CohortRef,
  job: { id: string; createdById: string; fileText: string },
  sameAs: SameAs,
  onProgress?: (processedRows: number) => Promise<void> | void,
): Promise<ImportResult> {
  const parsed = parseClassList(job.fileText);
  if (parsed.headerProblems.length > 0) throw new ImportError(parsed.headerProblems.join(" "));
  const plan = await planClassImport(tx, cohort, parsed.rows);

  let confirmedSame = 0;
  const planned = plan.planned.map((p): Planned => {
    if (p.kind !== "new") return p;
    const chosen = sameAs[String(p.row.line)];
    const candidate = chosen ? p.duplicates.find((d) => d.userId === chosen) : undefined;
    if (!candidate) return p;
    confirmedSame++;
    // The row's UPN and email matched none of the school's pupils (otherwise it would not be a
    // duplicate candidate): those nobody holds fill in where the existing record has none
    // (COALESCE keeps theirs); those another account holds stay claims, now for this pupil.
    return {
      kind: "matched",
      row: p.row,
      userId: candidate.userId,
      unchanged: false,
      moving: false,
      fillUpn: candidate.hasUpn ? null : p.upn,
      fillEmail: p.email,
      claims: p.claims,
    };
  });
  // Two rows ticked as the same existing pupil: the second is not written (it would be a
  // second line for one child).
  const seenUsers = new Set<string>();
  const toWrite = planned.filter((p) => {
    if (p.kind !== "matched") return true;
    if (seenUsers.has(p.userId)) return false;
    seenUsers.add(p.userId);
    return true;
  });

  const result: ImportResult = {
    created: 0,
    matched: 0,
    unchanged: 0,
    moved: 0,
    confirmedSame,
    enrolmentsCreated: 0,
    invalid: parsed.invalid.length + plan.rejected.length,
  };
  let processed = 0;
  for (let start = 0; start < toWrite.length; start += CHUNK_ROWS) {
    const chunk = toWrite.slice(start, start + CHUNK_ROWS);
    const fresh = chunk.filter((p): p is Extract<Planned, { kind: "new" }> => p.kind === "new");
    const matched = chunk.filter((p): p is Extract<Planned, { kind: "matched" }> => p.kind === "matched");

    const newIds = fresh.length > 0 ? await insertUsers(tx, fresh) : [];
    result.created += newIds.length;

    const toUpdate = matched.filter((p) => !p.unchanged);
    if (toUpdate.length > 0) {
      // Ownership in the statement too: only a pupil of this school that no other organisation
      // holds is written to.
      await tx.$executeRaw`
        UPDATE users u SET year_group = r.year_group, upn = COALESCE(u.upn, r.upn), email = COALESCE(u.email, r.email), updated_at = now()
        FROM unnest(${toUpdate.map((p) => p.userId)}::uuid[], ${toUpdate.map((p) => p.row.yearGroup)}::int[],
                    ${toUpdate.map((p) => p.fillUpn)}::text[], ${toUpdate.map((p) => p.fillEmail)}::text[]) AS r(id, year_group, upn, email)
        WHERE u.id = r.id
          AND (u.year_group IS DISTINCT FROM r.year_group OR (u.upn IS NULL AND r.upn IS NOT NULL) OR (u.email IS NULL AND r.email IS NOT NULL))
          AND EXISTS (SELECT 1 FROM memberships m WHERE m.user_id = u.id AND m.organisation_id = ${cohort.organisationId}::uuid AND m.role = 'PUPIL')
          AND NOT EXISTS (SELECT 1 FROM memberships m WHERE m.user_id = u.id AND m.organisation_id <> ${cohort.organisationId}::uuid)`;
    }
    result.matched += toUpdate.length;
    result.unchanged += matched.length - toUpdate.length;

    const ids = [...newIds, ...toUpdate.map((p) => p.userId)];
    const allIds = [...ids, ...matched.filter((p) => p.unchanged).map((p) => p.userId)];
    if (ids.length > 0) {
      await tx.$executeRaw`
        INSERT INTO memberships (user_id, organisation_id, role)
        SELECT id, ${cohort.organisationId}::uuid, 'PUPIL'::"role" FROM unnest(${ids}::uuid[]) AS t(id)
        ON CONFLICT (user_id, organisation_id, role) DO NOTHING`;
    }
    // Only existing pupils can be in another class; new ones are not looked for.
    const existingIds = toUpdate.map((p) => p.userId);
    if (existingIds.length > 0) {
      result.moved += await tx.$executeRaw`
        UPDATE cohort_members cm SET left_at = now()
        FROM cohorts c
        WHERE c.id = cm.cohort_id AND cm.user_id = ANY(${existingIds}::uuid[]) AND cm.left_at IS NULL
          AND c.organisation_id = ${cohort.organisationId}::uuid AND c.academic_year = ${cohort.academicYear} AND c.id <> ${cohort.id}::uuid`;
    }
    if (ids.length > 0) {
      await tx.$executeRaw`
        INSERT INTO cohort_members (cohort_id, user_id)
        SELECT ${cohort.id}::uuid, id FROM unnest(${ids}::uuid[]) AS t(id)
        ON CONFLICT (cohort_id, user_id) DO UPDATE SET left_at = NULL, joined_at = now() WHERE cohort_members.left_at IS NOT NULL`;
    }
    if (allIds.length > 0) {
      result.enrolmentsCreated += await tx.$executeRaw`
        INSERT INTO enrolments (user_id, pathway_id, organisation_id, cohort_id, updated_at)
        SELECT t.id, cp.pathway_id, ${cohort.organisationId}::uuid, ${cohort.id}::uuid, now()
        FROM unnest(${allIds}::uuid[]) AS t(id) CROSS JOIN cohort_pathways cp
        WHERE cp.cohort_id = ${cohort.id}::uuid
        ON CONFLICT (user_id, pathway_id) DO NOTHING`;
    }
    const claims = [
      ...fresh.flatMap((p, i) => p.claims.map((c) => ({ ...c, claimantId: newIds[i] }))),
      ...matched.flatMap((p) => p.claims.map((c) => ({ ...c, claimantId: p.userId }))),
    ];
    await flagIdentityClaims(tx, {
      actorId: job.createdById,
      organisationId: cohort.organisationId,
      claims,
      importJobId: job.id,
    });
    processed += chunk.length;
    await onProgress?.(processed);
  }
  return result;
}

/**
 * Inserts new pupils in one statement with usernames chosen in bulk: candidates are checked
 * against the table in one query per round, and only the few that collide are drawn again.
 */
async function insertUsers(
  tx: Tx,
  pupils: readonly { row: ValidRow; upn: string | null; email: string | null }[],
): Promise<string[]> {
  const rows = pupils.map((p) => p.row);
  const bases = rows.map((r) => usernameBase(r.firstName, r.lastName));
  const usernames: (string | null)[] = rows.map(() => null);
  for (let attempt = 0; attempt < 20 && usernames.includes(null); attempt++) {
    const taken = new Set(usernames.filter((u): u is string => u !== null));
    const proposals = new Map<number, string>();
    usernames.forEach((u, i) => {
      if (u !== null) return;
      let candidate = usernameCandidate(bases[i], attempt);
      for (let tries = 0; taken.has(candidate) && tries < 5; tries++) candidate = usernameCandidate(bases[i], attempt);
      if (taken.has(candidate)) return;
      taken.add(candidate);
      proposals.set(i, candidate);
    });
    const inUse = new Set(
      (
        await tx.$queryRaw<
          { username: string }[]
        >`SELECT username FROM users WHERE username = ANY(${[...proposals.values()]}::text[])`
      ).map((r) => r.username),
    );
    for (const [i, candidate] of proposals) if (!inUse.has(candidate)) usernames[i] = candidate;
  }
  if (usernames.includes(null)) throw new ImportError("Could not choose usernames for every pupil; try again.");

  const inserted = await tx.$queryRaw<{ id: string; username: string }[]>`
    INSERT INTO users (username, first_name, last_name, upn, email, year_group, updated_at)
    SELECT r.username, r.first_name, r.last_name, r.upn, r.email, r.year_group, now()
    FROM unnest(${usernames}::text[], ${rows.map((r) => r.firstName)}::text[], ${rows.map((r) => r.lastName)}::text[],
                ${pupils.map((p) => p.upn)}::text[], ${pupils.map((p) => p.email)}::text[], ${rows.map((r) => r.yearGroup)}::int[])
         AS r(username, first_name, last_name, upn, email, year_group)
    RETURNING id, username`;
  // In the order of `pupils`, whatever order the rows came back in.
  const idByUsername = new Map(inserted.map((r) => [r.username, r.id]));
  return usernames.map((u) => idByUsername.get(u!)!);
}

/** Records a failed run so the teacher sees it (the data write itself was rolled back). */
export async function markImportFailed(importJobId: string, message: string) {
  await db().importJob.updateMany({
    where: { id: importJobId, status: { in: ["preview", "queued", "running"] } },
    data: { status: "failed", error: message.slice(0, 500), finishedAt: new Date() },
  });
}
