/**
 * Accessibility across the whole product (WCAG 2.2 AA), not a sample:
 * - every page of app/routes (a route module with a default export) is visited by every role
 *   the access matrix says may open it (tests/support/access-expectations.ts), with params
 *   filled from the seeded demo data, and axe finds nothing (public pages whose content is the
 *   same for everyone are visited signed out only); a page missing from the matrix fails here
 *   too, naming it;
 * - at 320 CSS px wide each of those pages reflows (no horizontal scroll of the document; wide
 *   tables scroll inside their own .table-scroll box) and every interactive target that is not
 *   a link inside a sentence is at least 24×24 px (2.5.8);
 * - a keyboard-only journey (Tab, Shift+Tab, Enter, Space and typing only) signs in, logs
 *   off-the-job learning and signs a progress review.
 */
import { readdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { expect, test, type Page } from "@playwright/test";
import pg from "pg";
import {
  ACTORS,
  EXPECTATIONS,
  expectedAnswer,
  ROLES,
  type ActorName,
  type ParamKind,
} from "../support/access-expectations.ts";
import type AxeBuilder from "@axe-core/playwright";
import { WCAG_TAGS } from "./support/axe.ts";
import { DEMO_ACCOUNTS, DEMO_PASSWORD } from "./support/data.ts";

test.describe.configure({ mode: "parallel" });
// No trace: tracing ~150 page visits costs about a third of the sweeps' time, and a sweep's
// failure message already lists every problem with its page. (Run with --trace on to debug the
// keyboard journey; it keeps its screenshot on failure either way.)
test.use({ trace: "off" });

// ───────────────────────────── pages from the route files ─────────────────────────────

type PageRoute = { id: string; path: string };

/** `apprenticeships.$id_.otj-history.tsx` → /apprenticeships/:id/otj-history (flat routes). */
function toPath(name: string): string {
  const segments = name
    .replace(/\[(.*?)\]/g, (_, literal: string) => literal.replaceAll(".", "\u0000"))
    .split(".")
    .map((s) => s.replaceAll("\u0000", "."))
    .filter((s) => s !== "_index" && !/^_[^.]/.test(s))
    .map((s) => s.replace(/_$/, ""))
    .map((s) => (s.startsWith("$") ? `:${s.slice(1)}` : s));
  return "/" + segments.join("/");
}

const ROUTES_DIR = path.resolve("app/routes");
const PAGES: PageRoute[] = readdirSync(ROUTES_DIR)
  .filter((f) => /\.(tsx|ts)$/.test(f) && !/\.test\./.test(f))
  .filter((f) => /export default/.test(readFileSync(path.join(ROUTES_DIR, f), "utf8")))
  .map((f) => {
    const name = f.replace(/\.(tsx|ts)$/, "");
    return { id: `routes/${name}`, path: toPath(name) };
  });

/**
 * Pages every actor may open apart from the home page (privacy, accessibility, password reset,
 * registration, invitation, setup) show the same content whoever asks; only the header differs,
 * and each role's sweep checks its header on that role's own pages. The signed-out sweep checks
 * them, the signed-in sweeps skip them: a third of the visits, and nothing they would add.
 */
const SAME_FOR_EVERYONE = new Set(
  PAGES.filter(
    (p) =>
      p.id !== "routes/_index" &&
      EXPECTATIONS[p.id] &&
      ACTORS.every((a) => expectedAnswer(EXPECTATIONS[p.id], a, "own") === "page"),
  ).map((p) => p.id),
);

// ───────────────────────────── seeded demo data ─────────────────────────────

// The first demo account of each role (the seed adds a second apprentice for the keyboard journey).
const ROLE_ACCOUNT = Object.fromEntries(
  ROLES.map((role) => [role, DEMO_ACCOUNTS.find((a) => a.role === role)!]),
) as Record<(typeof ROLES)[number], (typeof DEMO_ACCOUNTS)[number]>;
/** The seeded apprentice whose apprenticeship only the keyboard journey changes. */
const KEYBOARD_APPRENTICE = DEMO_ACCOUNTS.find((a) => a.key === "apprentice-2")!;

type DemoIds = Partial<Record<string, string>>;
let demo: DemoIds | undefined;

async function demoIds(): Promise<DemoIds> {
  if (demo) return demo;
  const client = new pg.Client({ connectionString: process.env.E2E_DATABASE_URL });
  await client.connect();
  try {
    const one = async (sql: string, params: unknown[] = []) =>
      (await client.query<{ id: string }>(sql, params)).rows[0]?.id;
    const userId = (identifier: string) => one(`SELECT id FROM users WHERE email = $1 OR username = $1`, [identifier]);
    const orgOf = (identifier: string) =>
      one(
        `SELECT m.organisation_id AS id FROM memberships m JOIN users u ON u.id = m.user_id WHERE u.email = $1 OR u.username = $1 LIMIT 1`,
        [identifier],
      );
    const apprenticeship = await one(
      `SELECT a.id FROM apprenticeships a JOIN users u ON u.id = a.apprentice_id WHERE u.email = 'apprentice@trentside.example' ORDER BY a.created_at LIMIT 1`,
    );
    const ids: DemoIds = {
      apprenticeship,
      class: await one(`SELECT id FROM cohorts WHERE name = '9D demo' ORDER BY academic_year DESC LIMIT 1`),
      review: await one(`SELECT id FROM reviews WHERE apprenticeship_id = $1 ORDER BY sequence LIMIT 1`, [
        apprenticeship,
      ]),
      placement: await one(
        `SELECT p.id FROM placements p JOIN placement_pupils pp ON pp.placement_id = p.id JOIN users u ON u.id = pp.pupil_id WHERE u.username = 'demo.pupil' LIMIT 1`,
      ),
      pupilEntry: await one(
        `SELECT pe.id FROM progress_entries pe JOIN users u ON u.id = pe.learner_id WHERE u.username = 'demo.pupil' AND pe.superseded_at IS NULL ORDER BY pe.created_at DESC LIMIT 1`,
      ),
      apprenticeEntry: await one(
        `SELECT pe.id FROM progress_entries pe WHERE pe.apprenticeship_id = $1 AND pe.superseded_at IS NULL ORDER BY pe.created_at DESC LIMIT 1`,
        [apprenticeship],
      ),
      snapshot: await one(`SELECT id FROM report_snapshots ORDER BY built_at DESC LIMIT 1`),
      importJob: await one(
        `SELECT j.id FROM import_jobs j JOIN cohorts c ON c.id = j.cohort_id WHERE c.name = '9D demo' ORDER BY j.created_at DESC LIMIT 1`,
      ),
      pupil: await userId("demo.pupil"),
      apprentice: await userId("apprentice@trentside.example"),
    };
    for (const role of Object.keys(ROLE_ACCOUNT) as (keyof typeof ROLE_ACCOUNT)[]) {
      const a = ROLE_ACCOUNT[role];
      ids[`org:${role}`] = await orgOf(a.email ?? a.username!);
    }
    demo = ids;
    return ids;
  } finally {
    await client.end();
  }
}

const SCHOOL_SIDE = new Set<ActorName>([
  "SCHOOL_ADMIN",
  "TEACHER",
  "PUPIL",
  "PARTNERSHIP_ADMIN",
  "COUNCIL_OFFICER",
  "SIGNED_OUT",
]);

function paramValue(kind: ParamKind, actor: ActorName, ids: DemoIds): string | undefined {
  switch (kind) {
    case "apprenticeship":
      return ids.apprenticeship;
    case "class":
      return ids.class;
    case "importJob":
      return ids.importJob;
    case "entry":
      return SCHOOL_SIDE.has(actor) ? ids.pupilEntry : ids.apprenticeEntry;
    case "placement":
      return ids.placement;
    case "review":
      return ids.review;
    case "snapshot":
      return ids.snapshot;
    case "token":
      return "a11y-sweep-not-a-real-token-0000000000000000";
    case "org":
      return actor === "SIGNED_OUT" ? undefined : ids[`org:${actor}`];
    case "user":
      return SCHOOL_SIDE.has(actor) ? ids.pupil : ids.apprentice;
  }
}

/** The URL of a page for an actor, or why it cannot be filled from the seed. */
function urlFor(page: PageRoute, actor: ActorName, ids: DemoIds): { url: string } | { missing: string } {
  const spec = EXPECTATIONS[page.id];
  let missing = "";
  const url = page.path.replace(/:(\w+)/g, (_, name: string) => {
    const kind = spec.params?.[name];
    const value = kind ? paramValue(kind, actor, ids) : undefined;
    if (!value) missing ||= `no seeded ${kind ?? name}`;
    return value ?? "";
  });
  return missing ? { missing } : { url };
}

// ───────────────────────────── checks ─────────────────────────────

/**
 * axe-core itself (the copy @axe-core/playwright uses), added once to the sweep's browser context
 * so every page already has it. AxeBuilder sends the 0.5 MB source to each page and, outside
 * legacy mode, opens a blank page for every analysis: over ~200 pages that was most of the
 * sweep's time. The pages have no frames, so running axe in the page itself checks the same.
 */
const AXE_SOURCE = readFileSync(
  createRequire(createRequire(import.meta.url).resolve("@axe-core/playwright")).resolve("axe-core/axe.min.js"),
  "utf8",
);

type AxeViolations = Awaited<ReturnType<AxeBuilder["analyze"]>>["violations"];
type AxeInPage = { run(context: Document, options: object): Promise<{ violations: AxeViolations }> };

async function axeViolations(page: Page): Promise<AxeViolations> {
  const results = await page.evaluate(
    (tags) =>
      (window as unknown as { axe: AxeInPage }).axe.run(document, {
        runOnly: { type: "tag", values: tags },
        resultTypes: ["violations"],
      }),
    WCAG_TAGS,
  );
  return results.violations;
}

async function signIn(page: Page, actor: ActorName) {
  if (actor === "SIGNED_OUT") return;
  const account = ROLE_ACCOUNT[actor];
  await page.goto("/login");
  await page.getByLabel("Email address or username").fill(account.email ?? account.username!);
  await page.getByLabel("Password", { exact: true }).fill(DEMO_PASSWORD);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("heading", { level: 1, name: /^Welcome,/ })).toBeVisible();
}

/** Reflow at 320 px and target sizes: the problems, as readable lines. */
async function layoutProblems(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const problems: string[] = [];
    const root = document.documentElement;
    if (root.scrollWidth > root.clientWidth + 1) {
      const culprits = [...document.querySelectorAll<HTMLElement>("body *")]
        .filter((el) => el.getBoundingClientRect().right > root.clientWidth + 1 && !el.closest(".table-scroll"))
        .slice(0, 3)
        .map(
          (el) =>
            `${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ""}${el.className && typeof el.className === "string" ? `.${el.className.split(" ").join(".")}` : ""}`,
        );
      problems.push(`scrolls sideways at 320 px (${root.scrollWidth} > ${root.clientWidth}): ${culprits.join(", ")}`);
    }
    // A wide table must scroll in a box the keyboard can reach and a screen reader can name.
    for (const table of document.querySelectorAll("table")) {
      const box = table.closest<HTMLElement>(".table-scroll");
      const label = box?.getAttribute("aria-labelledby");
      const named = Boolean(label && document.getElementById(label)?.textContent?.trim());
      if (!box || box.getAttribute("role") !== "region" || box.tabIndex !== 0 || !named) {
        problems.push(
          `table "${table.querySelector("caption")?.textContent?.trim().slice(0, 40) ?? "(no caption)"}" is not in a named, focusable scroll region`,
        );
      }
    }
    const targets = document.querySelectorAll<HTMLElement>(
      "a[href], button, input:not([type=hidden]), select, textarea, summary, [role=button], [tabindex]:not([tabindex='-1'])",
    );
    for (const el of targets) {
      const style = getComputedStyle(el);
      if (style.visibility === "hidden" || style.display === "none") continue;
      const box = el.getBoundingClientRect();
      if (box.width === 0 && box.height === 0) continue; // not rendered (e.g. visually hidden skip link until focused)
      if (el.classList.contains("skip-link") || el.closest(".visually-hidden")) continue;
      // 2.5.8 exception: a link inside a sentence or a table cell of text is sized by the line.
      if (
        el.tagName === "A" &&
        style.display === "inline" &&
        el.parentElement &&
        /^(P|LI|TD|TH|DD|DT|SPAN|SMALL|STRONG|EM|LABEL|CAPTION|FIGCAPTION|LEGEND)$/.test(el.parentElement.tagName)
      )
        continue;
      if (box.width < 24 - 0.5 || box.height < 24 - 0.5) {
        const name = (el.getAttribute("aria-label") ?? el.textContent ?? (el as HTMLInputElement).name ?? "")
          .trim()
          .slice(0, 40);
        problems.push(
          `target smaller than 24×24 (${Math.round(box.width)}×${Math.round(box.height)}): <${el.tagName.toLowerCase()}> "${name}"`,
        );
      }
    }
    return problems;
  });
}

// ───────────────────────────── every page, every role ─────────────────────────────

test("every page of the app has an entry in the access matrix", () => {
  const missing = PAGES.filter((p) => !EXPECTATIONS[p.id]).map((p) => p.id);
  expect(missing, `add these pages to tests/support/access-expectations.ts: ${missing.join(", ")}`).toEqual([]);
  expect(PAGES.length).toBeGreaterThan(40);
});

const WIDE = { width: 1280, height: 900 };
const NARROW = { width: 320, height: 640 };

for (const actor of ACTORS) {
  test(`every page ${actor === "SIGNED_OUT" ? "a signed-out visitor" : `a ${actor.toLowerCase().replaceAll("_", " ")}`} may open passes axe, reflows at 320 px and has 24 px targets`, async ({
    page,
  }) => {
    test.setTimeout(600_000);
    const ids = await demoIds();
    await page.context().addInitScript({ content: AXE_SOURCE });
    await signIn(page, actor);
    const pages = PAGES.filter(
      (p) =>
        EXPECTATIONS[p.id] &&
        expectedAnswer(EXPECTATIONS[p.id], actor, "own") === "page" &&
        (actor === "SIGNED_OUT" || !SAME_FOR_EVERYONE.has(p.id)),
    );
    const skipped: string[] = [];
    const problems: string[] = [];
    let visited = 0;
    // Every page is checked before the test fails, so one run lists every problem.
    const checkWide = async (url: string) => {
      if ((await page.locator("h1").count()) !== 1) problems.push(`${url}: not exactly one h1`);
      for (const v of await axeViolations(page))
        problems.push(
          `${url}: axe ${v.id} (${v.impact ?? "?"}): ${v.help} at ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`,
        );
    };
    const checkNarrow = async (url: string) => {
      for (const problem of await layoutProblems(page)) problems.push(`${url}: ${problem}`);
    };
    // Each page is checked at both widths; a page opens at the width the previous one ended at,
    // so it takes one resize instead of two.
    let narrow = false;
    await page.setViewportSize(WIDE);
    for (const p of pages) {
      const target = urlFor(p, actor, ids);
      if ("missing" in target) {
        skipped.push(`${p.id} (${target.missing})`);
        continue;
      }
      const response = await page.goto(target.url);
      if (response?.status() !== 200) {
        problems.push(`${target.url}: answered ${response?.status()}`);
        continue;
      }
      if (narrow) {
        await checkNarrow(target.url);
        await page.setViewportSize(WIDE);
        await checkWide(target.url);
      } else {
        await checkWide(target.url);
        await page.setViewportSize(NARROW);
        await checkNarrow(target.url);
      }
      narrow = !narrow;
      visited++;
    }
    test
      .info()
      .annotations.push(
        { type: "visited", description: `${visited} pages` },
        ...skipped.map((s) => ({ type: "skipped", description: s })),
      );
    expect(problems, `accessibility problems as ${actor}`).toEqual([]);
    expect(visited).toBeGreaterThan(0);
  });
}

// ───────────────────────────── keyboard only ─────────────────────────────

/** Presses Tab until the focused element matches; fails after `max` presses. */
async function tabTo(
  page: Page,
  describe: string,
  matches: (el: { tag: string; name: string; href: string; type: string; label: string }) => boolean,
  max = 80,
) {
  for (let i = 0; i < max; i++) {
    await page.keyboard.press("Tab");
    const el = await page.evaluate(() => {
      const a = document.activeElement as HTMLElement & {
        labels?: NodeListOf<HTMLLabelElement>;
        type?: string;
        name?: string;
      };
      return {
        tag: a.tagName.toLowerCase(),
        name: (a.textContent ?? "").trim(),
        href: a.getAttribute("href") ?? "",
        type: a.type ?? "",
        label:
          [...(a.labels ?? [])].map((l) => l.textContent?.trim() ?? "").join(" ") ||
          a.getAttribute("aria-label") ||
          a.name ||
          "",
      };
    });
    if (matches(el)) return;
  }
  throw new Error(`Tab never reached ${describe}`);
}

// The journey adds a review held today, which re-anchors that apprenticeship's review schedule: it
// uses the second demo apprentice's apprenticeship, so the first one's (which
// review-signoff.spec.ts opens the next review of) stays as seeded.
test("keyboard only: sign in, log off-the-job learning, sign a progress review", async ({ page }) => {
  test.setTimeout(180_000);
  // A review ready for the apprentice's signature (completed and signed by the tutor first, as the
  // product requires).
  const client = new pg.Client({ connectionString: process.env.E2E_DATABASE_URL });
  await client.connect();
  const sequence = 500 + Math.floor(Math.random() * 10_000);
  const { rows } = await client.query<{ id: string }>(
    `INSERT INTO reviews (apprenticeship_id, sequence, due_on, held_on, status, content, tutor_signed_at, tutor_signed_by_id, updated_at)
     SELECT a.id, $2, current_date + 30, current_date, 'OPEN', '{"progress": "On track.", "support": "None needed."}', now(), a.tutor_id, now()
     FROM apprenticeships a JOIN users u ON u.id = a.apprentice_id WHERE u.email = $1 ORDER BY a.created_at LIMIT 1 RETURNING id`,
    [KEYBOARD_APPRENTICE.email, sequence],
  );
  await client.end();
  expect(rows, `the seed gives ${KEYBOARD_APPRENTICE.email} an apprenticeship`).toHaveLength(1);
  const reviewId = rows[0].id;

  await page.goto("/login");
  await tabTo(page, "the identifier field", (el) => el.tag === "input" && /email address or username/i.test(el.label));
  await page.keyboard.type(KEYBOARD_APPRENTICE.email!);
  await tabTo(page, "the password field", (el) => el.type === "password");
  await page.keyboard.type(DEMO_PASSWORD);
  await page.keyboard.press("Enter");
  await expect(page.getByRole("heading", { level: 1, name: /^Welcome,/ })).toBeVisible();

  // Log learning, from the main navigation.
  await tabTo(page, "the Log learning link", (el) => el.tag === "a" && el.href === "/log");
  await page.keyboard.press("Enter");
  await expect(page).toHaveURL(/\/log/);
  const description = `Keyboard-only workshop ${Date.now()}`;
  await tabTo(page, "the minutes field", (el) => el.type === "number");
  await page.keyboard.press("Control+A");
  await page.keyboard.type("45");
  await tabTo(page, "the description", (el) => el.tag === "textarea");
  await page.keyboard.type(description);
  await tabTo(page, "a KSB check box", (el) => el.type === "checkbox" && /^K1\b/.test(el.label));
  await page.keyboard.press("Space");
  await tabTo(page, "the Log it button", (el) => el.tag === "button" && /^Log it/.test(el.name));
  await page.keyboard.press("Enter");
  await expect(page).toHaveURL(/logged=/);
  await expect(page.getByText(/logged/i).first()).toBeVisible();

  // Sign the review: from the navigation to the list, to the review, to the signature box.
  await tabTo(page, "the Reviews link", (el) => el.tag === "a" && el.href === "/reviews");
  await page.keyboard.press("Enter");
  await expect(page).toHaveURL(/\/reviews$/);
  await tabTo(page, "the new review", (el) => el.tag === "a" && el.href === `/reviews/${reviewId}`, 200);
  await page.keyboard.press("Enter");
  await expect(page).toHaveURL(new RegExp(`/reviews/${reviewId}$`));
  await tabTo(page, "the agreement check box", (el) => el.type === "checkbox" && /accurate record/.test(el.label), 200);
  await page.keyboard.press("Space");
  await tabTo(page, "the Sign review button", (el) => el.tag === "button" && el.name === "Sign review");
  await page.keyboard.press("Enter");
  await expect(page.getByRole("listitem").filter({ hasText: "Apprentice:" })).toContainText("signed by");

  const check = new pg.Client({ connectionString: process.env.E2E_DATABASE_URL });
  await check.connect();
  try {
    const signed = await check.query(`SELECT apprentice_signed_at FROM reviews WHERE id = $1`, [reviewId]);
    expect(signed.rows[0].apprentice_signed_at).not.toBeNull();
    const logged = await check.query(`SELECT minutes FROM progress_entries WHERE description = $1`, [description]);
    expect(logged.rows).toEqual([{ minutes: 45 }]);
  } finally {
    await check.end();
  }
});
