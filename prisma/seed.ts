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
import { seedReportDemo } from "./seed-data/report-demo.ts";
import { DEMO_APPRENTICESHIPS } from "./seed-data/apprenticeships.ts";
import { seedProgress } from "./seed-data/progress.ts";
import { DEMO_ENCOUNTER, DEMO_PLACEMENT, DEMO_REVIEW } from "./seed-data/placements.ts";
import { plannedOtjHours } from "../app/domain/otj.ts";

export async function seed(db: PrismaClient, log: (line: string) => void = () => {}) {
  const orgIds = new Map<string, string>();
  for (const org of ORGANISATIONS) {
    const { key, ...data } = org;
    const where = data.urn ? { urn: data.urn } : data.companyNumber ? { companyNumber: data.companyNumber } : undefined;
    const existing = where
      ? await db.organisation.findUnique({ where })
      : await db.organisation.findFirst({ where: { name: data.name, kind: data.kind } });
    const row =
      existing ?? (await db.organisation.create({ data: { ...data, status: "APPROVED", approvedAt: new Date() } }));
    orgIds.set(key, row.id);
  }

  // One argon2id hash for every demo account (same parameters as the app).
  const passwordHash = await hash(DEMO_PASSWORD, { algorithm: 2, memoryCost: 19456, timeCost: 2, parallelism: 1 });
  for (const account of DEMO_ACCOUNTS) {
    const where = account.email ? { email: account.email } : { username: account.username! };
    const user = await db.user.upsert({
      where,
      update: {},
      create: {
        email: account.email,
        username: account.username,
        firstName: account.firstName,
        lastName: account.lastName,
        yearGroup: account.yearGroup,
        passwordHash,
      },
    });
    const organisationId = orgIds.get(account.org)!;
    await db.membership.upsert({
      where: { userId_organisationId_role: { userId: user.id, organisationId, role: account.role } },
      update: {},
      create: { userId: user.id, organisationId, role: account.role },
    });
  }

  for (const credential of CREDENTIALS.filter((c) => !("successorCode" in c))) {
    await db.credential.upsert({
      where: { code: credential.code },
      update: {},
      create: { code: credential.code, name: credential.name, kind: credential.kind },
    });
  }
  for (const credential of CREDENTIALS.filter((c) => "successorCode" in c)) {
    const c = credential as { code: string; name: string; kind: string; retiredOn: string; successorCode: string };
    await db.credential.upsert({
      where: { code: c.code },
      update: {},
      create: {
        code: c.code,
        name: c.name,
        kind: c.kind,
        retiredOn: new Date(`${c.retiredOn}T00:00:00Z`),
        successorCode: c.successorCode,
      },
    });
  }

  for (const [index, pathway] of PATHWAYS.entries()) {
    const { modules, ...fields } = pathway;
    const row = await db.pathway.upsert({
      where: { slug: pathway.slug },
      update: {},
      create: { ...fields, sortOrder: index },
    });
    for (const [position, module] of modules.entries()) {
      const moduleRow = await db.module.upsert({
        where: { uid: module.uid },
        update: {},
        create: {
          uid: module.uid,
          title: module.title,
          durationMinutes: module.minutes,
          levels: [module.level],
          roles: ["student"],
          products: [],
          url: moduleUrl(module.uid),
        },
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
      await db.ksb.upsert({
        where: { standardId_code: { standardId: row.id, code } },
        update: {},
        create: { standardId: row.id, code, text },
      });
    }
  }

  await db.target.upsert({
    where: { key: "digitally-skilled-apprentices" },
    update: {},
    create: {
      key: "digitally-skilled-apprentices",
      label: "Digitally skilled apprentices",
      targetValue: 900,
      startsOn: new Date("2025-08-01T00:00:00Z"),
      endsOn: new Date("2030-07-31T00:00:00Z"),
    },
  });
  await db.target.upsert({
    where: { key: "businesses-engaged" },
    update: {},
    create: {
      key: "businesses-engaged",
      label: "Businesses engaged in digital innovation",
      targetValue: 100,
      startsOn: new Date("2025-08-01T00:00:00Z"),
      endsOn: new Date("2030-07-31T00:00:00Z"),
    },
  });
  await seedApprenticeships(db, orgIds);
  await seedWorkExperienceAndReviews(db, orgIds);
  await seedProgress(db, orgIds); // a demo class with entries waiting for verification

  // Outcome report demo: a little learning and one protected snapshot to open.
  await seedReportDemo(db, log);
  log(
    `Seeded ${ORGANISATIONS.length} organisations, ${DEMO_ACCOUNTS.length} demo accounts, ${PATHWAYS.length} pathways, ${STANDARDS.length} standards.`,
  );
}

// ── demo apprenticeship and training plan ──
// Created once per apprentice and standard; a re-run leaves it (and any signatures) alone.
async function seedApprenticeships(db: PrismaClient, orgIds: Map<string, string>) {
  const REGIME_LABELS = {
    PERCENT_20: "20% of contracted hours (starts before 1 August 2022)",
    HOURS_6_PER_WEEK: "6 hours a week, pro rata below 30 hours (starts 1 August 2022 to 31 July 2025)",
    STANDARD_MINIMUM: "The standard's published minimum (starts from 1 August 2025)",
  } as const;
  const userByKey = async (key: string) => {
    const account = DEMO_ACCOUNTS.find((a) => a.key === key)!;
    return db.user.findUniqueOrThrow({
      where: account.email ? { email: account.email } : { username: account.username! },
      select: { id: true, firstName: true, lastName: true, dateOfBirth: true },
    });
  };
  const day = (iso: string) => new Date(`${iso}T00:00:00Z`);
  for (const demo of DEMO_APPRENTICESHIPS) {
    const [apprentice, tutor, supervisor] = await Promise.all([
      userByKey(demo.apprentice),
      userByKey(demo.tutor),
      userByKey(demo.supervisor),
    ]);
    const employerAdmin = await userByKey(
      DEMO_ACCOUNTS.find((a) => a.org === demo.employer && a.role === "EMPLOYER_ADMIN")!.key,
    );
    const standard = await db.standard.findUniqueOrThrow({
      where: { reference: demo.standard },
      include: { ksbs: true },
    });
    const employerId = orgIds.get(demo.employer)!;
    const providerId = orgIds.get(demo.provider)!;
    if (
      await db.apprenticeship.findFirst({
        where: { apprenticeId: apprentice.id, standardId: standard.id },
        select: { id: true },
      })
    )
      continue;
    if (!apprentice.dateOfBirth)
      await db.user.update({ where: { id: apprentice.id }, data: { dateOfBirth: day(demo.dateOfBirth) } });
    const otj = plannedOtjHours({
      startDate: demo.startDate,
      plannedEndDate: demo.plannedEndDate,
      contractedWeeklyHours: demo.contractedWeeklyHours,
      priorLearningHours: demo.priorLearningHours,
      standard: { reference: standard.reference, otjMinimumHours: standard.otjMinimumHours },
    });
    if (otj.hours === null) throw new Error(`Seed: ${demo.standard} has no OTJ minimum`);
    const pathway = demo.pathway
      ? await db.pathway.findUnique({ where: { slug: demo.pathway }, select: { id: true, title: true } })
      : null;
    const [employer, provider] = await Promise.all([
      db.organisation.findUniqueOrThrow({ where: { id: employerId } }),
      db.organisation.findUniqueOrThrow({ where: { id: providerId } }),
    ]);
    const name = (u: { firstName: string; lastName: string }) => `${u.firstName} ${u.lastName}`;
    const kindOrder = (code: string) => "KSB".indexOf(code[0]!) * 1000 + (Number(code.slice(1)) || 0);
    const ageAtStart =
      Number(demo.startDate.slice(0, 4)) -
      Number(demo.dateOfBirth.slice(0, 4)) -
      (demo.startDate.slice(5) < demo.dateOfBirth.slice(5) ? 1 : 0);
    const englishMathsRequired = ageAtStart <= 18;
    const apprenticeship = await db.apprenticeship.create({
      data: {
        apprenticeId: apprentice.id,
        employerId,
        providerId,
        standardId: standard.id,
        tutorId: tutor.id,
        supervisorId: supervisor.id,
        startDate: day(demo.startDate),
        plannedEndDate: day(demo.plannedEndDate),
        contractedWeeklyHours: demo.contractedWeeklyHours,
        otjRegime: otj.regime,
        plannedOtjHours: otj.hours,
        priorLearningHours: demo.priorLearningHours,
        englishMathsRequired,
      },
    });
    const signedAt = day(demo.startDate);
    const signer = { apprentice: apprentice.id, employer: employerAdmin.id, tutor: tutor.id } as const;
    await db.trainingPlan.create({
      data: {
        apprenticeshipId: apprenticeship.id,
        content: {
          version: 1,
          generatedAt: new Date(`${demo.startDate}T09:00:00Z`).toISOString(),
          standard: {
            reference: standard.reference,
            title: standard.title,
            level: standard.level,
            otjMinimumHours: standard.otjMinimumHours,
            minDurationMonths: standard.minDurationMonths,
          },
          ksbs: standard.ksbs
            .map((k) => ({ code: k.code, text: k.text }))
            .sort((a, b) => kindOrder(a.code) - kindOrder(b.code)),
          startDate: demo.startDate,
          plannedEndDate: demo.plannedEndDate,
          contractedWeeklyHours: demo.contractedWeeklyHours,
          priorLearningHours: demo.priorLearningHours,
          otj: {
            regime: otj.regime,
            regimeLabel: REGIME_LABELS[otj.regime],
            hours: otj.hours,
            explanation: otj.explanation,
          },
          englishMaths: {
            required: englishMathsRequired,
            reason: englishMathsRequired
              ? `Required: aged ${ageAtStart} at the start (required for 16 to 18).`
              : `Not required: aged ${ageAtStart} at the start (optional from 19).`,
          },
          parties: {
            apprentice: { id: apprentice.id, name: name(apprentice) },
            employer: { id: employer.id, name: employer.name },
            provider: { id: provider.id, name: provider.name },
            tutor: { id: tutor.id, name: name(tutor) },
            supervisor: { id: supervisor.id, name: name(supervisor) },
          },
          pathway,
        },
        ...Object.fromEntries(
          demo.signedBy.flatMap((party) => [
            [`${party}SignedAt`, signedAt],
            [`${party}SignedById`, signer[party]],
          ]),
        ),
      },
    });
    if (pathway) {
      await db.enrolment.upsert({
        where: { userId_pathwayId: { userId: apprentice.id, pathwayId: pathway.id } },
        update: {},
        create: {
          userId: apprentice.id,
          pathwayId: pathway.id,
          organisationId: employerId,
          startedOn: day(demo.startDate),
        },
      });
    }
  }
}

// ── demo placement, encounter and first progress review ──
// Each is created once (looked up by its natural key) and never changed by a re-run.
async function seedWorkExperienceAndReviews(db: PrismaClient, orgIds: Map<string, string>) {
  const userId = async (key: string) => {
    const account = DEMO_ACCOUNTS.find((a) => a.key === key)!;
    return (
      await db.user.findUniqueOrThrow({
        where: account.email ? { email: account.email } : { username: account.username! },
        select: { id: true },
      })
    ).id;
  };
  const dayFromToday = (days: number) => {
    const d = new Date();
    return new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate() + days));
  };
  const p = DEMO_PLACEMENT;
  const [schoolId, employerId] = [orgIds.get(p.school)!, orgIds.get(p.employer)!];
  if (!(await db.placement.findFirst({ where: { schoolId, employerId, title: p.title }, select: { id: true } }))) {
    await db.placement.create({
      data: {
        schoolId,
        employerId,
        supervisorId: await userId(p.supervisor),
        title: p.title,
        startDate: dayFromToday(p.startInDays),
        endDate: dayFromToday(p.startInDays + p.lengthDays),
        hours: p.hours,
        riskAssessmentAt: new Date(),
        employerConfirmedById: await userId(p.supervisor),
        createdById: await userId(p.createdBy),
        pupils: { create: [{ pupilId: await userId(p.pupil) }] },
      },
    });
  }

  const e = DEMO_ENCOUNTER;
  const encounterSchool = orgIds.get(e.school)!;
  if (!(await db.encounter.findFirst({ where: { schoolId: encounterSchool, title: e.title }, select: { id: true } }))) {
    const today = dayFromToday(0);
    const yearStart = new Date(
      Date.UTC(today.getUTCMonth() >= 7 ? today.getUTCFullYear() : today.getUTCFullYear() - 1, 7, 1),
    );
    const occurredOn = new Date(Math.max(dayFromToday(-e.daysAgo).getTime(), yearStart.getTime()));
    await db.encounter.create({
      data: {
        schoolId: encounterSchool,
        employerId: orgIds.get(e.employer)!,
        kind: e.kind,
        title: e.title,
        occurredOn,
        createdById: await userId(e.createdBy),
        attendees: { create: [{ pupilId: await userId(e.pupil) }] },
      },
    });
  }

  const r = DEMO_REVIEW;
  const apprenticeship = await db.apprenticeship.findFirst({
    where: { apprenticeId: await userId(r.apprentice), standard: { reference: r.standard } },
    select: { id: true, tutorId: true, supervisorId: true, standard: { select: { ksbs: { select: { code: true } } } } },
  });
  if (apprenticeship && (await db.review.count({ where: { apprenticeshipId: apprenticeship.id } })) === 0) {
    const signedAt = new Date(`${r.heldOn}T15:00:00Z`);
    await db.review.create({
      data: {
        apprenticeshipId: apprenticeship.id,
        sequence: 1,
        dueOn: new Date("2025-12-31T00:00:00Z"),
        heldOn: new Date(`${r.heldOn}T00:00:00Z`),
        status: "SIGNED",
        content: {
          progress: r.progress,
          support: r.support,
          ksbRatings: Object.fromEntries(
            apprenticeship.standard.ksbs.map((k) => [k.code, k.code === "K1" ? "DEVELOPING" : "NOT_STARTED"]),
          ),
          actions: r.actions,
          comments: {},
        },
        tutorSignedAt: signedAt,
        tutorSignedById: apprenticeship.tutorId,
        employerSignedAt: signedAt,
        employerSignedById: apprenticeship.supervisorId,
        apprenticeSignedAt: signedAt,
        apprenticeSignedById: await userId(r.apprentice),
        lockedAt: signedAt,
      },
    });
  }
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
