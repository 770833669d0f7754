/**
 * The partnership admin's view of every enrolment: filters (pathway, organisation, district,
 * status, learner type) arrive as GET query parameters and are validated here; results are paged
 * on the server, 50 at a time, with counts for the whole filtered set.
 */
import { z } from "zod";
import { strictNumber } from "~/domain/form-numbers.ts";
import { db } from "~/db/client.server.ts";
import type { Prisma } from "~/generated/prisma/client.ts";
import type { Role } from "~/generated/prisma/enums.ts";
import { can, type Actor } from "~/auth/permissions.ts";
import { LEARNER_TYPES, PAGE_SIZE } from "~/models/enrolment-filters.ts";
import { notFound } from "~/utils/http-errors.ts";
import { fullName } from "~/domain/names.ts";

export { LEARNER_TYPES, PAGE_SIZE };

const uuidOrBlank = (message: string) =>
  z
    .union([z.literal(""), z.string().uuid(message)], { message })
    .optional()
    .default("");

const FilterSchema = z.object({
  pathway: uuidOrBlank("Choose a pathway from the list."),
  organisation: uuidOrBlank("Choose an organisation from the list."),
  district: z
    .union([z.literal(""), z.string().regex(/^E0[67]\d{6}$/, "Choose an area from the list.")], {
      message: "Choose an area from the list.",
    })
    .optional()
    .default(""),
  status: z
    .union([z.literal(""), z.enum(["ACTIVE", "COMPLETED", "WITHDRAWN"])], { message: "Choose a status from the list." })
    .optional()
    .default(""),
  learner: z
    .union([z.literal(""), z.enum(["pupil", "teacher", "apprentice"])], {
      message: "Choose a learner type from the list.",
    })
    .optional()
    .default(""),
  page: strictNumber(
    z
      .number({ message: "The page must be a whole number." })
      .int("The page must be a whole number.")
      .min(1, "The page must be 1 or more.")
      .max(100_000, "That page does not exist.")
      .optional()
      .default(1),
  ),
});

export type EnrolmentFilters = z.infer<typeof FilterSchema>;

/** Reads filters from a URL; an invalid one is reported and left out (the rest still apply). */
export function parseEnrolmentFilters(searchParams: URLSearchParams): {
  filters: EnrolmentFilters;
  errors: Record<string, string>;
} {
  const raw: Record<string, string> = {};
  for (const key of Object.keys(FilterSchema.shape)) {
    const value = searchParams.get(key);
    if (value !== null) raw[key] = value.trim();
  }
  const errors: Record<string, string> = {};
  const parsed = FilterSchema.safeParse(raw);
  if (parsed.success) return { filters: parsed.data, errors };
  for (const issue of parsed.error.issues) {
    const key = String(issue.path[0]);
    errors[key] ??= issue.message;
    delete raw[key];
  }
  return { filters: FilterSchema.parse(raw), errors };
}

function whereFor(f: EnrolmentFilters): Prisma.EnrolmentWhereInput {
  const where: Prisma.EnrolmentWhereInput = {};
  if (f.pathway) where.pathwayId = f.pathway;
  if (f.organisation) where.organisationId = f.organisation;
  if (f.district) where.organisation = { districtCode: f.district };
  if (f.status) where.status = f.status;
  if (f.learner) {
    const roles: Role[] = [...LEARNER_TYPES[f.learner].roles];
    where.user = { memberships: { some: { role: { in: roles } } } };
  }
  return where;
}

export async function listEnrolments(actor: Actor, filters: EnrolmentFilters) {
  if (!can(actor, "enrolments:read-all")) notFound();
  const where = whereFor(filters);
  const [total, byStatus, rows, pathways, organisations, districts] = await Promise.all([
    db().enrolment.count({ where }),
    db().enrolment.groupBy({ by: ["status"], where, _count: { _all: true } }),
    db().enrolment.findMany({
      where,
      orderBy: [{ startedOn: "desc" }, { id: "asc" }],
      skip: (filters.page - 1) * PAGE_SIZE,
      take: PAGE_SIZE,
      select: {
        id: true,
        status: true,
        startedOn: true,
        completedOn: true,
        user: { select: { id: true, firstName: true, lastName: true, memberships: { select: { role: true } } } },
        pathway: { select: { title: true, audience: true } },
        organisation: { select: { name: true, district: { select: { name: true } } } },
        cohort: { select: { name: true } },
        _count: { select: { progressEntries: true } },
      },
    }),
    db().pathway.findMany({ orderBy: [{ audience: "asc" }, { sortOrder: "asc" }], select: { id: true, title: true } }),
    db().organisation.findMany({
      where: { kind: { in: ["SCHOOL", "EMPLOYER", "PROVIDER"] } },
      orderBy: { name: "asc" },
      select: { id: true, name: true },
    }),
    db().district.findMany({ orderBy: { name: "asc" }, select: { code: true, name: true } }),
  ]);
  const learnerType = (roles: Role[]) =>
    (
      Object.entries(LEARNER_TYPES) as [
        keyof typeof LEARNER_TYPES,
        (typeof LEARNER_TYPES)[keyof typeof LEARNER_TYPES],
      ][]
    )
      .filter(([, t]) => t.roles.some((r) => roles.includes(r)))
      .map(([, t]) => t.label)
      .join(", ") || "Other";
  const pages = Math.max(1, Math.ceil(total / PAGE_SIZE));
  return {
    total,
    pages,
    page: filters.page,
    counts: {
      ACTIVE: 0,
      COMPLETED: 0,
      WITHDRAWN: 0,
      ...Object.fromEntries(byStatus.map((g) => [g.status, g._count._all])),
    } as Record<"ACTIVE" | "COMPLETED" | "WITHDRAWN", number>,
    rows: rows.map((r) => ({
      id: r.id,
      learnerId: r.user.id,
      learner: fullName(r.user),
      learnerType: learnerType(r.user.memberships.map((m) => m.role)),
      pathway: r.pathway.title,
      organisation: r.organisation.name,
      district: r.organisation.district.name,
      className: r.cohort?.name ?? null,
      status: r.status,
      startedOn: r.startedOn.toISOString().slice(0, 10),
      completedOn: r.completedOn?.toISOString().slice(0, 10) ?? null,
      entries: r._count.progressEntries,
    })),
    options: { pathways, organisations, districts },
  };
}
