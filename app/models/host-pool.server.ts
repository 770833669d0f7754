/**
 * The shared pool of host employers: employers whose placement feedback said they would host
 * again, for any school in the partnership to approach. Employer name, district and sector only.
 */
import { db } from "~/db/client.server.ts";
import type { Prisma } from "~/generated/prisma/client.ts";
import { can, type Actor } from "~/auth/permissions.ts";
import { notFound } from "~/utils/http-errors.ts";

/**
 * Employers whose feedback said they would host again, for any school in the partnership:
 * employer name, district and sector only.
 */
export async function hostPool(actor: Actor, filter: { districtCode?: string; sector?: string }) {
  if (!can(actor, "placement:manage")) notFound();
  const where: Prisma.OrganisationWhereInput = {
    kind: "EMPLOYER",
    status: "APPROVED",
    employerPlacements: { some: { pupils: { some: { wouldHostAgain: true } } } },
  };
  const [hosts, districts] = await Promise.all([
    db().organisation.findMany({
      where: {
        ...where,
        ...(filter.districtCode ? { districtCode: filter.districtCode } : {}),
        ...(filter.sector ? { sector: filter.sector } : {}),
      },
      select: { id: true, name: true, sector: true, district: { select: { name: true } } },
      orderBy: { name: "asc" },
    }),
    db().district.findMany({ orderBy: { name: "asc" }, select: { code: true, name: true } }),
  ]);
  const sectors = await db().organisation.findMany({
    where: { ...where, sector: { not: null } },
    distinct: ["sector"],
    select: { sector: true },
    orderBy: { sector: "asc" },
  });
  return {
    hosts: hosts.map((h) => ({ id: h.id, name: h.name, district: h.district.name, sector: h.sector ?? "Not stated" })),
    districts,
    sectors: sectors.map((s) => s.sector!),
  };
}
