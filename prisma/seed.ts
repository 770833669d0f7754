/**
 * Demo and reference data. Idempotent: every row is upserted by a natural key, so `npm run dev`
 * can run it on every start. The nine districts come from a migration (production needs them).
 *
 *   npm run db:seed            (uses DATABASE_URL)
 */
import { PrismaPg } from "@prisma/adapter-pg";
import { hash } from "@node-rs/argon2";
import { PrismaClient } from "../app/generated/prisma/client.ts";
import { CREDENTIALS, moduleUrl, PATHWAYS, STANDARDS } from "./seed-data/catalogue.ts";
import { DEMO_ACCOUNTS, DEMO_PASSWORD, ORGANISATIONS } from "./seed-data/organisations.ts";

export async function seed(db: PrismaClient, log: (line: string) => void = () => {}) {
  const orgIds = new Map<string, string>();
  for (const org of ORGANISATIONS) {
    const { key, ...data } = org;
    const where = data.urn ? { urn: data.urn } : data.companyNumber ? { companyNumber: data.companyNumber } : undefined;
    const existing = where ? await db.organisation.findUnique({ where }) : await db.organisation.findFirst({ where: { name: data.name, kind: data.kind } });
    const row = existing ?? (await db.organisation.create({ data: { ...data, status: "APPROVED", approvedAt: new Date() } }));
    orgIds.set(key, row.id);
  }

  // One argon2id hash for every demo account (same parameters as the app).
  const passwordHash = await hash(DEMO_PASSWORD, { algorithm: 2, memoryCost: 19456, timeCost: 2, parallelism: 1 });
  for (const account of DEMO_ACCOUNTS) {
    const where = account.email ? { email: account.email } : { username: account.username! };
    const user = await db.user.upsert({
      where,
      update: {},
      create: { email: account.email, username: account.username, firstName: account.firstName, lastName: account.lastName, yearGroup: account.yearGroup, passwordHash },
    });
    const organisationId = orgIds.get(account.org)!;
    await db.membership.upsert({
      where: { userId_organisationId_role: { userId: user.id, organisationId, role: account.role } },
      update: {},
      create: { userId: user.id, organisationId, role: account.role },
    });
  }

  for (const credential of CREDENTIALS.filter((c) => !("successorCode" in c))) {
    await db.credential.upsert({ where: { code: credential.code }, update: {}, create: { code: credential.code, name: credential.name, kind: credential.kind } });
  }
  for (const credential of CREDENTIALS.filter((c) => "successorCode" in c)) {
    const c = credential as { code: string; name: string; kind: string; retiredOn: string; successorCode: string };
    await db.credential.upsert({
      where: { code: c.code },
      update: {},
      create: { code: c.code, name: c.name, kind: c.kind, retiredOn: new Date(`${c.retiredOn}T00:00:00Z`), successorCode: c.successorCode },
    });
  }

  for (const [index, pathway] of PATHWAYS.entries()) {
    const { modules, ...fields } = pathway;
    const row = await db.pathway.upsert({ where: { slug: pathway.slug }, update: {}, create: { ...fields, sortOrder: index } });
    for (const [position, module] of modules.entries()) {
      const moduleRow = await db.module.upsert({
        where: { uid: module.uid },
        update: {},
        create: { uid: module.uid, title: module.title, durationMinutes: module.minutes, levels: [module.level], roles: ["student"], products: [], url: moduleUrl(module.uid) },
      });
      await db.pathwayModule.upsert({
        where: { pathwayId_moduleId: { pathwayId: row.id, moduleId: moduleRow.id } },
        update: {},
        create: { pathwayId: row.id, moduleId: moduleRow.id, position },
      });
    }
  }

  for (const standard of STANDARDS) {
    const { ksbs, ...fields } = standard;
    const row = await db.standard.upsert({ where: { reference: standard.reference }, update: {}, create: fields });
    for (const [code, text] of ksbs) {
      await db.ksb.upsert({ where: { standardId_code: { standardId: row.id, code } }, update: {}, create: { standardId: row.id, code, text } });
    }
  }

  await db.target.upsert({
    where: { key: "digitally-skilled-apprentices" },
    update: {},
    create: { key: "digitally-skilled-apprentices", label: "Digitally skilled apprentices", targetValue: 900, startsOn: new Date("2025-08-01T00:00:00Z"), endsOn: new Date("2030-07-31T00:00:00Z") },
  });
  await db.target.upsert({
    where: { key: "businesses-engaged" },
    update: {},
    create: { key: "businesses-engaged", label: "Businesses engaged in digital innovation", targetValue: 100, startsOn: new Date("2025-08-01T00:00:00Z"), endsOn: new Date("2030-07-31T00:00:00Z") },
  });
  log(`Seeded ${ORGANISATIONS.length} organisations, ${DEMO_ACCOUNTS.length} demo accounts, ${PATHWAYS.length} pathways, ${STANDARDS.length} standards.`);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const url = process.env.DATABASE_URL;
  if (!url) {
    console.error("DATABASE_URL is not set. `npm run dev` sets it for you; see README.md.");
    process.exit(1);
  }
  const db = new PrismaClient({ adapter: new PrismaPg({ connectionString: url }) });
  await seed(db, console.log);
  await db.$disconnect();
}
