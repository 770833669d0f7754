/**
 * The Microsoft Digital Skills catalogue: pathways by audience with their modules and
 * credentials (retired exam codes with their successors), and the partnership admin's import of
 * modules from a Microsoft Learn catalogue file (JSON or CSV, app/domain/learn-catalogue.ts).
 *
 * Import: preview first (new / updated with changed fields / unchanged / invalid with reasons),
 * the file kept in import_jobs (kind "catalogue") so the confirm step names a job id within the
 * admin's reach and never trusts a file the browser sends back. Apply re-reads the stored file,
 * diffs it against the modules as they are now, and writes in ONE transaction, idempotent by
 * uid: applying the same file again changes nothing.
 */
import { db } from "~/db/client.server.ts";
import type { Actor } from "~/auth/permissions.ts";
import { catalogueAdminOrgsOf } from "~/auth/reach.server.ts";
import { decodeCsvBytes } from "~/domain/csv-decode.ts";
import {
  diffCatalogue,
  MAX_CATALOGUE_BYTES,
  parseLearnCatalogue,
  type CatalogueDiff,
  type LearnModule,
  type ModuleField,
} from "~/domain/learn-catalogue.ts";
import { audit } from "~/utils/audit.server.ts";
import { isUuid } from "~/domain/ids.ts";
import { notFound } from "~/utils/http-errors.ts";

export class CatalogueError extends Error {}

function scope(actor: Actor): string[] {
  const orgs = catalogueAdminOrgsOf(actor);
  if (orgs.length === 0) notFound();
  return orgs;
}

export const AUDIENCE_LABELS = {
  PUPIL: "Pupils (KS3–KS4)",
  POST16: "Post-16",
  TEACHER: "Teachers",
  APPRENTICE: "Apprentices and post-16",
} as const;

export async function getCatalogue(actor: Actor) {
  scope(actor);
  const [pathways, credentials] = await Promise.all([
    db().pathway.findMany({
      orderBy: [{ sortOrder: "asc" }, { title: "asc" }],
      select: {
        id: true,
        slug: true,
        title: true,
        audience: true,
        hoursMin: true,
        hoursMax: true,
        outcome: true,
        countsAsEncounter: true,
        credential: { select: { code: true, name: true, retiredOn: true, successorCode: true } },
        modules: {
          orderBy: { position: "asc" },
          select: {
            module: {
              select: {
                id: true,
                uid: true,
                title: true,
                durationMinutes: true,
                levels: true,
                url: true,
                retiredAt: true,
              },
            },
          },
        },
      },
    }),
    db().credential.findMany({
      orderBy: { code: "asc" },
      select: { code: true, name: true, kind: true, retiredOn: true, successorCode: true, expires: true },
    }),
  ]);
  return {
    pathways: pathways.map((p) => ({
      ...p,
      modules: p.modules.map((m) => m.module),
      totalMinutes: p.modules.reduce((sum, m) => sum + (m.module.retiredAt ? 0 : m.module.durationMinutes), 0),
    })),
    credentials,
  };
}

async function existingModules(client: Pick<ReturnType<typeof db>, "module"> = db()): Promise<LearnModule[]> {
  return client.module.findMany({
    select: { uid: true, title: true, durationMinutes: true, levels: true, roles: true, products: true, url: true },
  });
}

export interface CataloguePreview {
  new: { uid: string; title: string; durationMinutes: number }[];
  updated: { uid: string; title: string; changes: { field: ModuleField; before: string; after: string }[] }[];
  unchanged: number;
  invalid: { row: number; uid?: string; reasons: string[] }[];
}

const show = (v: unknown) => (Array.isArray(v) ? v.join(", ") || "(none)" : String(v));

function toPreview(diff: CatalogueDiff): CataloguePreview {
  return {
    new: diff.new.map((m) => ({ uid: m.uid, title: m.title, durationMinutes: m.durationMinutes })),
    updated: diff.updated.map((u) => ({
      uid: u.uid,
      title: u.after.title,
      changes: u.changes.map((c) => ({ field: c.field, before: show(c.before), after: show(c.after) })),
    })),
    unchanged: diff.unchanged.length,
    invalid: diff.invalid,
  };
}

export type CataloguePreviewOutcome =
  { ok: true; importId: string; preview: CataloguePreview } | { ok: false; problems: string[] };

export async function previewCatalogueImport(actor: Actor, file: Uint8Array): Promise<CataloguePreviewOutcome> {
  const [organisationId] = scope(actor);
  if (file.length === 0) return { ok: false, problems: ["Choose a JSON or CSV file to upload."] };
  if (file.length > MAX_CATALOGUE_BYTES)
    return {
      ok: false,
      problems: [`The file is larger than ${MAX_CATALOGUE_BYTES / 1024 / 1024} MB. Split it and upload each part.`],
    };
  const text = decodeCsvBytes(file).text.replaceAll("\u0000", "\uFFFD");
  const parsed = parseLearnCatalogue(text);
  if (parsed.fileProblems.length > 0) return { ok: false, problems: parsed.fileProblems };
  const preview = toPreview(diffCatalogue(await existingModules(), parsed));
  const job = await db().$transaction(async (tx) => {
    await tx.importJob.updateMany({
      where: { kind: "catalogue", status: "preview", createdById: actor.userId },
      data: { status: "discarded", fileText: null, finishedAt: new Date() },
    });
    return tx.importJob.create({
      data: {
        organisationId,
        createdById: actor.userId,
        kind: "catalogue",
        status: "preview",
        fileText: text,
        totalRows: parsed.modules.length + parsed.invalid.length,
        summary: { preview } as object,
      },
      select: { id: true },
    });
  });
  return { ok: true, importId: job.id, preview };
}

export async function getCatalogueImport(actor: Actor, importId: string) {
  const orgs = scope(actor);
  if (!isUuid(importId)) notFound();
  const job = await db().importJob.findFirst({
    where: { id: importId, kind: "catalogue", organisationId: { in: orgs } },
    select: { id: true, status: true, summary: true, createdAt: true, finishedAt: true },
  });
  if (!job) notFound();
  const summary = job.summary as { preview?: CataloguePreview; result?: CatalogueResult };
  return { ...job, preview: summary.preview ?? null, result: summary.result ?? null };
}

export type CatalogueResult = { created: number; updated: number; unchanged: number; invalid: number };

/** Applies a previewed import in one transaction. Idempotent by uid. */
export async function applyCatalogueImport(actor: Actor, importId: string): Promise<CatalogueResult> {
  const job = await getCatalogueImport(actor, importId);
  if (job.status !== "preview")
    throw new CatalogueError(
      "This import has already been applied or replaced. Upload the file again to see a fresh preview.",
    );
  return db().$transaction(async (tx) => {
    await tx.$queryRaw`SELECT 1 AS locked FROM pg_advisory_xact_lock(hashtextextended(${job.id}, 0))`;
    const current = await tx.importJob.findUniqueOrThrow({
      where: { id: job.id },
      select: { status: true, fileText: true, organisationId: true, summary: true },
    });
    if (current.status !== "preview" || current.fileText === null)
      throw new CatalogueError("This import has already been applied.");
    const diff = diffCatalogue(await existingModules(tx), parseLearnCatalogue(current.fileText));
    if (diff.new.length > 0) {
      await tx.module.createMany({
        data: diff.new.map((m) => ({
          uid: m.uid,
          title: m.title,
          durationMinutes: m.durationMinutes,
          levels: m.levels,
          roles: m.roles,
          products: m.products,
          url: m.url,
        })),
        skipDuplicates: true,
      });
    }
    for (const u of diff.updated) {
      const m = u.after;
      await tx.module.update({
        where: { uid: m.uid },
        data: {
          title: m.title,
          durationMinutes: m.durationMinutes,
          levels: m.levels,
          roles: m.roles,
          products: m.products,
          url: m.url,
        },
      });
    }
    const result: CatalogueResult = {
      created: diff.new.length,
      updated: diff.updated.length,
      unchanged: diff.unchanged.length,
      invalid: diff.invalid.length,
    };
    await tx.importJob.update({
      where: { id: job.id },
      data: {
        status: "done",
        fileText: null,
        processedRows: result.created + result.updated + result.unchanged,
        finishedAt: new Date(),
        summary: { ...(current.summary as object), result },
      },
    });
    await audit(
      {
        actorId: actor.userId,
        action: "catalogue.import",
        subjectType: "import_job",
        subjectId: job.id,
        organisationId: current.organisationId,
        metadata: result,
      },
      tx,
    );
    return result;
  });
}
