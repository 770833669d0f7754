import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { diffCatalogue, parseLearnCatalogue, type LearnModule } from "./learn-catalogue.ts";

const fixture = (name: string) =>
  new Uint8Array(readFileSync(new URL(`../../tests/fixtures/${name}`, import.meta.url)));

const mod = (over: Partial<LearnModule> = {}): LearnModule => ({
  uid: "learn.wwl.describe-cloud-compute",
  title: "Describe cloud computing",
  durationMinutes: 34,
  levels: ["beginner"],
  roles: ["administrator", "student"],
  products: ["azure"],
  url: "https://learn.microsoft.com/en-us/training/modules/describe-cloud-compute/",
  ...over,
});

describe("parseLearnCatalogue: JSON in the Learn catalogue API shape", () => {
  const result = parseLearnCatalogue(fixture("learn-catalogue.json"));

  it("reads the 14 valid modules with their imported durations", () => {
    expect(result.fileProblems).toEqual([]);
    expect(result.modules).toHaveLength(14);
    expect(result.modules[0]).toEqual({
      uid: "learn.wwl.describe-cloud-compute",
      title: "Describe cloud computing",
      durationMinutes: 34,
      levels: ["beginner"],
      roles: ["administrator", "developer", "devops-engineer", "solution-architect", "student"],
      products: ["azure"],
      url: "https://learn.microsoft.com/en-us/training/modules/describe-cloud-compute/?WT.mc_id=api_CatalogApi",
    });
    const byUid = new Map(result.modules.map((m) => [m.uid, m]));
    expect(byUid.get("learn.wwl.get-data-power-bi")?.levels).toEqual(["beginner", "intermediate"]);
    expect(byUid.get("learn.wwl.introduction-microsoft-365-copilot")?.durationMinutes).toBe(28);
    // API extras (units, rating, icon_url…) are not carried along.
    expect(Object.keys(result.modules[0]).sort()).toEqual([
      "durationMinutes",
      "levels",
      "products",
      "roles",
      "title",
      "uid",
      "url",
    ]);
  });

  it("reports the two broken entries with their position, uid and every reason", () => {
    expect(result.invalid).toEqual([
      {
        row: 15,
        uid: "learn.wwl.describe-azure-management-governance",
        reasons: [
          "duration_in_minutes should be more than 0",
          "url should be an https:// address on learn.microsoft.com",
        ],
      },
      {
        row: 16,
        uid: "Not a uid!",
        reasons: [expect.stringMatching(/^uid should look like "learn.wwl.introduction-to-azure"/), "title is empty"],
      },
    ]);
  });

  it("accepts a bare array as well as { modules: [...] }", () => {
    const bare = parseLearnCatalogue(
      JSON.stringify([
        { uid: "learn.azure.xyz", title: "X", duration_in_minutes: 5, url: "https://learn.microsoft.com/x" },
      ]),
    );
    expect(bare.modules).toEqual([
      {
        uid: "learn.azure.xyz",
        title: "X",
        durationMinutes: 5,
        levels: [],
        roles: [],
        products: [],
        url: "https://learn.microsoft.com/x",
      },
    ]);
    expect(bare.invalid).toEqual([]);
  });

  it("explains a file that is not JSON it understands", () => {
    expect(parseLearnCatalogue("{ not json").fileProblems).toEqual([
      expect.stringMatching(/^The file is not valid JSON/),
    ]);
    expect(parseLearnCatalogue('{"learningPaths": []}').fileProblems).toEqual([
      expect.stringMatching(/^The JSON has no list of modules/),
    ]);
  });
});

describe("parseLearnCatalogue: CSV", () => {
  const result = parseLearnCatalogue(fixture("learn-catalogue.csv"));

  it("reads modules with ; and | list separators and a quoted title containing commas", () => {
    expect(result.fileProblems).toEqual([]);
    expect(result.modules.map((m) => m.uid)).toEqual([
      "learn.wwl.describe-cloud-compute",
      "learn.wwl.describe-azure-identity-access-security",
      "learn.wwl.introduction-microsoft-365-copilot",
      "learn.wwl.get-data-power-bi",
    ]);
    expect(result.modules[0].roles).toEqual([
      "administrator",
      "developer",
      "devops-engineer",
      "solution-architect",
      "student",
    ]);
    expect(result.modules[1]).toMatchObject({
      title: "Describe Azure identity, access, and security",
      durationMinutes: 55,
      roles: ["administrator", "security-engineer", "student"],
      products: ["azure", "entra"],
    });
    expect(result.modules[2].roles).toEqual(["business-user", "administrator", "student"]);
    expect(result.modules[3].levels).toEqual(["beginner", "intermediate"]);
  });

  it("names the CSV line of each invalid row", () => {
    expect(result.invalid).toEqual([
      {
        row: 6,
        uid: "learn.wwl.explore-core-data-concepts",
        reasons: ["duration_in_minutes should be a whole number of minutes"],
      },
      {
        row: 7,
        uid: "learn.wwl.fundamentals-machine-learning",
        reasons: ["url should be an https:// address on learn.microsoft.com"],
      },
    ]);
  });

  it("lists missing columns", () => {
    const missing = parseLearnCatalogue("uid,name\nlearn.azure.x,Thing\n");
    expect(missing.modules).toEqual([]);
    expect(missing.fileProblems).toEqual([
      "The CSV is missing the columns title, duration_in_minutes, url. Expected: uid, title, duration_in_minutes, levels, roles, products, url. Found: uid, name.",
    ]);
  });
});

describe("module validation", () => {
  const one = (entry: Record<string, unknown>) => parseLearnCatalogue(JSON.stringify([entry]));
  const base = {
    uid: "learn.wwl.introduction-to-azure",
    title: "Intro",
    duration_in_minutes: 30,
    url: "https://learn.microsoft.com/en-us/training/modules/x/",
  };

  it.each([
    ["learn.wwl.introduction-to-azure", true],
    ["learn.azure.xyz", true],
    ["learn-bizapps.power-apps_intro", true],
    ["learn", false], // needs at least two parts
    ["learn..x", false],
    ["learn.x/../y", false],
    [" learn.azure.xyz ", true], // trimmed
    ["", false],
  ])("uid %j valid: %s", (uid, ok) => {
    expect(one({ ...base, uid }).modules.length === 1).toBe(ok);
  });

  it.each([
    [1, true],
    [10_000, true],
    [0, false],
    [-5, false],
    [10_001, false],
    [2.5, false],
    ["45", true],
    ["45 min", false],
    [null, false],
  ])("duration %j valid: %s", (duration, ok) => {
    expect(one({ ...base, duration_in_minutes: duration }).modules.length === 1).toBe(ok);
  });

  it.each([
    ["https://learn.microsoft.com/en-us/training/modules/x/", true],
    ["http://learn.microsoft.com/en-us/training/modules/x/", false],
    ["https://learn.microsoft.com.evil.example/x", false],
    ["https://evil.example/learn.microsoft.com/", false],
    ["https://user:pw@learn.microsoft.com/x", false],
    ["https://learn.microsoft.com:8443/x", false],
    ["javascript:alert(1)", false],
    ["not a url", false],
  ])("url %j valid: %s", (url, ok) => {
    expect(one({ ...base, url }).modules.length === 1).toBe(ok);
  });

  it("rejects a blank title, missing fields, non-objects and learning paths", () => {
    expect(one({ ...base, title: "   " }).invalid[0].reasons).toEqual(["title is empty"]);
    expect(one({ uid: "learn.azure.x" }).invalid[0].reasons).toEqual([
      "title is missing",
      "duration_in_minutes should be a whole number of minutes",
      "url is missing",
    ]);
    expect(parseLearnCatalogue("[42]").invalid).toEqual([{ row: 1, reasons: [expect.stringMatching(/not a module/)] }]);
    expect(one({ ...base, type: "learningPath" }).invalid[0].reasons).toEqual([
      "this entry is a learningPath, not a module",
    ]);
  });

  it("tidies list values: trims, drops empties and duplicates", () => {
    expect(one({ ...base, roles: [" student ", "", "student", "administrator"] }).modules[0].roles).toEqual([
      "student",
      "administrator",
    ]);
  });

  it("rejects every copy of a uid that appears twice in one file", () => {
    const result = parseLearnCatalogue(
      JSON.stringify([base, { ...base, title: "Other" }, { ...base, uid: "learn.azure.other" }]),
    );
    expect(result.modules.map((m) => m.uid)).toEqual(["learn.azure.other"]);
    expect(result.invalid).toEqual([
      { row: 1, uid: base.uid, reasons: [`uid ${base.uid} also appears in row 2`] },
      { row: 2, uid: base.uid, reasons: [`uid ${base.uid} also appears in row 1`] },
    ]);
  });
});

describe("diffCatalogue", () => {
  it("sorts incoming modules into new, updated (with the changed fields) and unchanged", () => {
    const existing = [
      mod(),
      mod({
        uid: "learn.wwl.describe-cloud-service-types",
        title: "Describe cloud service types",
        durationMinutes: 30,
      }),
      mod({ uid: "learn.wwl.retired-elsewhere" }),
    ];
    const incoming = [
      mod({ roles: ["student", "administrator"] }), // same set, different order → unchanged
      mod({
        uid: "learn.wwl.describe-cloud-service-types",
        title: "Describe cloud service types",
        durationMinutes: 34,
        products: ["azure", "m365"],
      }),
      mod({ uid: "learn.wwl.get-started-ai-fundamentals", title: "Fundamental AI concepts", durationMinutes: 40 }),
    ];
    const diff = diffCatalogue(existing, incoming);
    expect(diff.new.map((m) => m.uid)).toEqual(["learn.wwl.get-started-ai-fundamentals"]);
    expect(diff.unchanged.map((m) => m.uid)).toEqual(["learn.wwl.describe-cloud-compute"]);
    expect(diff.updated).toHaveLength(1);
    expect(diff.updated[0].uid).toBe("learn.wwl.describe-cloud-service-types");
    expect(diff.updated[0].changes).toEqual([
      { field: "durationMinutes", before: 30, after: 34 },
      { field: "products", before: ["azure"], after: ["azure", "m365"] },
    ]);
    expect(diff.invalid).toEqual([]);
    // Absent from the file is not reported as removed.
    expect(JSON.stringify(diff)).not.toContain("learn.wwl.retired-elsewhere");
  });

  it("is idempotent: applying the import and diffing again shows everything unchanged", () => {
    const parsed = parseLearnCatalogue(fixture("learn-catalogue.json"));
    const first = diffCatalogue([], parsed);
    expect(first.new).toHaveLength(14);
    expect(first.invalid).toHaveLength(2);
    const applied = [...first.new];
    const second = diffCatalogue(applied, parsed);
    expect(second.new).toEqual([]);
    expect(second.updated).toEqual([]);
    expect(second.unchanged).toHaveLength(14);
  });

  it("the CSV and JSON fixtures agree where they overlap, apart from the tracking query in the API urls", () => {
    const json = parseLearnCatalogue(fixture("learn-catalogue.json")).modules;
    const csv = parseLearnCatalogue(fixture("learn-catalogue.csv"));
    const diff = diffCatalogue(json, csv);
    expect(diff.new).toEqual([]);
    expect(diff.invalid.map((i) => i.row)).toEqual([6, 7]); // carried from the parse result
    const fieldsChanged = new Set(diff.updated.flatMap((u) => u.changes.map((c) => c.field)));
    expect([...fieldsChanged]).toEqual(["url"]);
  });

  it("re-validates a plain list, so bad or duplicate modules land in invalid", () => {
    const diff = diffCatalogue([], [mod(), mod(), mod({ uid: "learn.azure.bad", durationMinutes: 0 })]);
    expect(diff.new).toEqual([]);
    expect(diff.invalid.map((i) => [i.row, i.uid])).toEqual([
      [1, "learn.wwl.describe-cloud-compute"],
      [2, "learn.wwl.describe-cloud-compute"],
      [3, "learn.azure.bad"],
    ]);
  });

  it("does not modify its inputs", () => {
    const existing = [mod()];
    const incoming = [mod({ title: "New title" })];
    const snapshot = JSON.stringify([existing, incoming]);
    const diff = diffCatalogue(existing, incoming);
    expect(diff.updated[0].changes).toEqual([
      { field: "title", before: "Describe cloud computing", after: "New title" },
    ]);
    expect(JSON.stringify([existing, incoming])).toBe(snapshot);
  });
});
