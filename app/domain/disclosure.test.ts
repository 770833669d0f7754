import fc from "fast-check";
import { describe, expect, test } from "vitest";
import {
  DISCLOSURE_RULE_TEXT,
  protectCount,
  protectRate,
  protectSeries,
  protectStatistic,
  protectTable,
  protectTargetShare,
  suppressionMask,
  type ProtectedCell,
  type ProtectedTable,
} from "./disclosure.ts";

// --- helpers ---------------------------------------------------------------------------------

/** The table with its margins as one (R+1) x (C+1) grid, the way a reader sees it. */
function publishedGrid(t: ProtectedTable): ProtectedCell[][] {
  return [...t.cells.map((row, i) => [...row, t.rowTotals[i]]), [...t.columnTotals, t.grandTotal]];
}

/** Every row and column of the augmented grid (cells plus their total). */
function lines(grid: ProtectedCell[][]): ProtectedCell[][] {
  const rows = grid.map((r) => [...r]);
  const cols = grid[0].map((_, c) => grid.map((r) => r[c]));
  return [...rows, ...cols];
}

const countC = (line: ProtectedCell[]) => line.filter((v) => v === "c").length;

/**
 * Independent check that no hidden entry can be computed from the published ones. Treat every
 * published value as exact (a stronger reader than we face: ours are rounded). The unknowns are
 * the hidden entries; each grid row and column gives one linear equation. Unknown k is fixed by
 * the equations iff removing its column from the coefficient matrix lowers the rank. The matrix
 * is totally unimodular, so rank over the integers mod a prime equals rank over the rationals.
 */
function recoverableHiddenEntries(published: ProtectedCell[][]): [number, number][] {
  const P = 65521;
  const height = published.length;
  const width = published[0].length;
  const unknowns: [number, number][] = [];
  published.forEach((row, r) => row.forEach((v, c) => v === "c" && unknowns.push([r, c])));
  const column = new Map(unknowns.map(([r, c], k) => [`${r},${c}`, k]));
  const equations: number[][] = [];
  for (let r = 0; r < height; r++) {
    const eq = new Array(unknowns.length).fill(0);
    for (let c = 0; c < width; c++) {
      const k = column.get(`${r},${c}`);
      if (k !== undefined) eq[k] = c === width - 1 ? P - 1 : 1;
    }
    equations.push(eq);
  }
  for (let c = 0; c < width; c++) {
    const eq = new Array(unknowns.length).fill(0);
    for (let r = 0; r < height; r++) {
      const k = column.get(`${r},${c}`);
      if (k !== undefined) eq[k] = r === height - 1 ? P - 1 : 1;
    }
    equations.push(eq);
  }
  const rank = (m: number[][]): number => {
    const a = m.map((row) => [...row]);
    let rk = 0;
    const ncols = a.length === 0 ? 0 : a[0].length;
    for (let col = 0; col < ncols && rk < a.length; col++) {
      const pivot = a.findIndex((row, i) => i >= rk && row[col] % P !== 0);
      if (pivot === -1) continue;
      [a[rk], a[pivot]] = [a[pivot], a[rk]];
      let inv = 1;
      for (let e = P - 2, b = a[rk][col]; e > 0; e >>= 1, b = (b * b) % P) {
        if (e & 1) inv = (inv * b) % P;
      }
      for (let i = 0; i < a.length; i++) {
        if (i === rk || a[i][col] === 0) continue;
        const f = (a[i][col] * inv) % P;
        for (let j = col; j < ncols; j++) a[i][j] = (((a[i][j] - f * a[rk][j]) % P) + P) % P;
      }
      rk++;
    }
    return rk;
  };
  const full = rank(equations);
  return unknowns.filter((_, k) => rank(equations.map((eq) => eq.filter((__, j) => j !== k))) < full);
}

// --- counts ----------------------------------------------------------------------------------

describe("protectCount", () => {
  test.each([
    [0, 0],
    [1, "c"],
    [2, "c"],
    [3, "c"],
    [4, "c"],
    [5, 5],
    [6, 5],
    [7, 5],
    [8, 10],
    [9, 10],
    [10, 10],
    [12, 10],
    [13, 15],
    [17, 15],
    [18, 20],
    [1002, 1000],
    [1003, 1005],
  ] as const)("%i is published as %s", (n, expected) => {
    expect(protectCount(n)).toBe(expected);
  });

  test.each([-1, 2.5, 12.5, Number.NaN, Number.POSITIVE_INFINITY])(
    "refuses %s: only whole counts of people exist, so no rounding tie can arise",
    (n) => {
      expect(() => protectCount(n)).toThrow(RangeError);
    },
  );

  test("property: counts of 5 or more land on a multiple of 5 at most 2 away", () => {
    fc.assert(
      fc.property(fc.integer({ min: 5, max: 10_000_000 }), (n) => {
        const p = protectCount(n);
        expect(typeof p).toBe("number");
        expect((p as number) % 5).toBe(0);
        expect(Math.abs((p as number) - n)).toBeLessThanOrEqual(2);
        expect(p).toBeGreaterThanOrEqual(5);
      }),
    );
  });

  test("property: every published number is 0 or a multiple of 5 (nothing in 1-4 escapes)", () => {
    fc.assert(
      fc.property(fc.nat(1000), (n) => {
        const p = protectCount(n);
        if (n >= 1 && n <= 4) expect(p).toBe("c");
        else expect((p as number) % 5 === 0 && p !== 1).toBe(true);
      }),
    );
  });
});

// --- rates -----------------------------------------------------------------------------------

describe("protectRate", () => {
  const rateOf = (n: number, d: number) => protectRate(protectCount(n), protectCount(d));

  test("worked out from the published counts: 7 of 12 is shown as 5, 10 and 50%, not 58%", () => {
    expect(rateOf(7, 12)).toBe(50);
    expect(rateOf(8, 13)).toBe(67); // 10 of 15
    expect(rateOf(6, 13)).toBe(33); // 5 of 15
  });

  test("refuses an unrounded count: only a published figure may feed a rate", () => {
    expect(() => protectRate(7, 12)).toThrow(RangeError);
    expect(() => protectRate(5, 12)).toThrow(RangeError);
  });

  // Published denominators are multiples of 5, so thresholds 6 to 10 behave alike here; the
  // rule text names the constant itself, and its test below pins it at 10.
  test("a published denominator of 5 is too small to show; 10 is the first shown", () => {
    expect(protectRate(5, 5)).toBe("c");
    expect(protectRate(5, 10)).toBe(50);
    // so for true groups the line falls between 7 (published 5) and 8 (published 10)
    expect(rateOf(5, 7)).toBe("c");
    expect(rateOf(5, 8)).toBe(50);
  });

  test("a rate with no denominator is not applicable (z)", () => {
    expect(protectRate(0, 0)).toBe("z");
  });

  test("a numerator or denominator shown as c makes the rate c; x makes it x", () => {
    expect(protectRate("c", 20)).toBe("c");
    expect(protectRate(5, "c")).toBe("c");
    expect(rateOf(3, 20)).toBe("c");
    expect(protectRate("x", 20)).toBe("x");
    expect(protectRate(5, "x")).toBe("x");
  });

  test("19 of 20 shows as 20, 20 and 100%: the rate says no more than the two counts", () => {
    expect(rateOf(19, 20)).toBe(100);
    expect(rateOf(20, 20)).toBe(100);
    expect(rateOf(0, 12)).toBe(0);
  });

  test("whole percentages, halves round up, exactly (5 of 40 = 12.5% -> 13%)", () => {
    expect(protectRate(5, 40)).toBe(13);
    expect(protectRate(15, 40)).toBe(38); // 37.5
    expect(protectRate(5, 15)).toBe(33); // 33.3...
    expect(protectRate(10, 15)).toBe(67); // 66.6...
  });

  test("refuses a numerator larger than its denominator or a non-count", () => {
    expect(() => protectRate(15, 10)).toThrow(RangeError);
    expect(() => protectRate(-5, 10)).toThrow(RangeError);
    expect(() => protectRate(2.5, 10)).toThrow(RangeError);
  });

  test("property: the rate is a function of the two published counts, and close to their ratio", () => {
    const pair = fc.nat(300).chain((d) => fc.tuple(fc.nat(d), fc.constant(d)));
    fc.assert(
      fc.property(pair, pair, ([n, d], [m, e]) => {
        const r = rateOf(n, d);
        if (protectCount(n) === protectCount(m) && protectCount(d) === protectCount(e)) expect(rateOf(m, e)).toBe(r);
        const [pn, pd] = [protectCount(n), protectCount(d)];
        if (typeof r === "number") {
          expect(pd).toBeGreaterThanOrEqual(10);
          expect(Math.abs(r - (100 * (pn as number)) / (pd as number))).toBeLessThanOrEqual(0.5);
        } else {
          expect(r).toBe(d === 0 ? "z" : "c");
        }
      }),
    );
  });
});

describe("protectTargetShare", () => {
  test("37 of a target of 100 shows as 35 and 35%, not the exact 37%", () => {
    expect(protectCount(37)).toBe(35);
    expect(protectTargetShare(protectCount(37), 100)).toBe(35);
    expect(() => protectTargetShare(37, 100)).toThrow(RangeError);
  });

  test("rounded down: a target is not reached until it is", () => {
    expect(protectTargetShare(100, 300)).toBe(33);
    expect(protectTargetShare(995, 1000)).toBe(99); // 99.5%
    expect(protectTargetShare(5, 9)).toBe(55); // 55.6%
    expect(protectTargetShare(120, 100)).toBe(120);
  });

  test("hidden progress hides the share; no target has no share", () => {
    expect(protectTargetShare("c", 100)).toBe("c");
    expect(protectTargetShare("x", 100)).toBe("x");
    expect(protectTargetShare(35, 0)).toBe("z");
  });
});

describe("protectStatistic", () => {
  const hours = { minBasis: 5, roundTo: 10, whenEmpty: 0 } as const;
  const median = { minBasis: 10, roundTo: 1, whenEmpty: "z" } as const;

  test("shown by the published count behind it: 5 is too few for a median, 10 is enough", () => {
    expect(protectStatistic(6, 5, median)).toBe("c");
    expect(protectStatistic(6, 10, median)).toBe(6);
    expect(protectStatistic(6.5, 10, median)).toBe(7); // days are whole, half up
    expect(() => protectStatistic(6, 9, median)).toThrow(RangeError); // an unrounded basis
  });

  test("hours round to the nearest 10 and hide with their people", () => {
    expect(protectStatistic(63, 5, hours)).toBe(60);
    expect(protectStatistic(65, 5, hours)).toBe(70);
    expect(protectStatistic(63, "c", hours)).toBe("c");
    expect(protectStatistic(0, 0, hours)).toBe(0);
    expect(protectStatistic(0, 0, median)).toBe("z");
  });
});

// --- series ----------------------------------------------------------------------------------

describe("protectSeries", () => {
  test("a lone small cell takes the next smallest cell with it", () => {
    const s = protectSeries({ keys: ["Year 9", "Year 10", "Year 11"], counts: [3, 10, 12] });
    expect(s.cells).toEqual(["c", "c", 10]);
    expect(s.total).toBe(25);
  });

  test("when the other cells are all zero the total is itself small, so it is hidden too", () => {
    const s = protectSeries({ keys: ["a", "b", "c"], counts: [3, 0, 0] });
    expect(s.cells).toEqual(["c", 0, 0]);
    expect(s.total).toBe("c");
  });

  test("the partner is the smallest non-zero visible cell: never a 0, and the first of equals", () => {
    const s = protectSeries({ keys: ["a", "b", "c", "d", "e"], counts: [3, 0, 9, 6, 6] });
    expect(s.cells).toEqual(["c", 0, 10, "c", 5]);
    expect(s.total).toBe(25);
  });

  test("a lone hidden cell of 4 takes a partner; a 5 is shown and needs none", () => {
    expect(protectSeries({ keys: ["a", "b", "c"], counts: [4, 20, 30] }).cells).toEqual(["c", "c", 30]);
    expect(protectSeries({ keys: ["a", "b", "c"], counts: [5, 20, 30] }).cells).toEqual([5, 20, 30]);
  });

  test("two small cells already protect each other; no extra suppression", () => {
    const s = protectSeries({ keys: ["a", "b", "c"], counts: [2, 3, 40] });
    expect(s.cells).toEqual(["c", "c", 40]);
    expect(s.total).toBe(45);
  });

  test("property: the cells plus total never hold exactly one c", () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.nat(6), fc.nat(80)), { minLength: 1, maxLength: 12 }), (counts) => {
        const s = protectSeries({ keys: counts.map((_, i) => `k${i}`), counts });
        expect(countC([...s.cells, s.total])).not.toBe(1);
        counts.forEach((n, i) => {
          if (n >= 1 && n <= 4) expect(s.cells[i]).toBe("c");
          if (s.cells[i] !== "c") expect(s.cells[i]).toBe(protectCount(n));
        });
      }),
    );
  });
});

// --- tables ----------------------------------------------------------------------------------

const DISTRICTS = [
  "Cannock Chase",
  "East Staffordshire",
  "Lichfield",
  "Newcastle-under-Lyme",
  "South Staffordshire",
  "Stafford",
  "Staffordshire Moorlands",
  "Tamworth",
  "Stoke-on-Trent",
];
const LEARNER_TYPES = ["Pupil", "Teacher", "Apprentice", "Graduate"];
// Active learners by district and learner type, with a few small cells as real data would have.
const ACTIVE = [
  [120, 14, 22, 9],
  [95, 11, 3, 17],
  [88, 9, 15, 12],
  [140, 20, 31, 25],
  [60, 2, 8, 6],
  [110, 13, 19, 40],
  [45, 6, 1, 3],
  [70, 8, 12, 10],
  [310, 35, 52, 64],
];

describe("protectTable", () => {
  // Built inside each test, not when the file is collected: a mutation run activates its mutant
  // only once the tests start, so a table built here would never see one.
  const table = () => protectTable({ rowKeys: DISTRICTS, columnKeys: LEARNER_TYPES, cells: ACTIVE });
  const grid = () => publishedGrid(table());

  test("every small cell is c", () => {
    ACTIVE.forEach((row, i) =>
      row.forEach((n, j) => {
        if (n >= 1 && n <= 4) expect(table().cells[i][j]).toBe("c");
      }),
    );
  });

  test("no row or column (each with its total) has exactly one c", () => {
    for (const line of lines(grid())) expect(countC(line)).not.toBe(1);
    // and the rule had real work to do here: more cells hidden than the four small ones
    expect(
      table()
        .cells.flat()
        .filter((v) => v === "c").length,
    ).toBeGreaterThan(4);
  });

  test("a lone small cell takes the next smallest cell of its row", () => {
    // East Staffordshire [95, 11, 3, 17]: the 3 is alone in its row, so the 11 goes too.
    expect(table().cells[1]).toEqual([95, "c", "c", 15]);
    // South Staffordshire [60, 2, 8, 6]: the 2 is alone in its row, so the 6 goes too.
    expect(table().cells[4]).toEqual([60, "c", 10, "c"]);
    // Staffordshire Moorlands [45, 6, 1, 3]: two small cells already cover each other.
    expect(table().cells[6]).toEqual([45, 5, "c", "c"]);
    // Those partners pair up down the columns as well, so no total needs hiding.
    expect([...table().rowTotals, ...table().columnTotals, table().grandTotal]).not.toContain("c");
  });

  test("totals are summed unrounded, then protected", () => {
    // Newcastle-under-Lyme: 140+20+31+25 = 216 -> 215
    expect(table().rowTotals[3]).toBe(215);
    // Stafford: 110+13+19+40 = 182 -> 180, whereas its rounded cells sum to 110+15+20+40 = 185
    expect(table().rowTotals[5]).toBe(180);
    const grand = ACTIVE.flat().reduce((a, b) => a + b, 0);
    expect(table().grandTotal).toBe(protectCount(grand));
  });

  test("no hidden value can be computed from the published table", () => {
    expect(recoverableHiddenEntries(grid())).toEqual([]);
  });

  test("a total of 1-4 is c, and its lone cell is protected through its column", () => {
    const t = protectTable({
      rowKeys: ["a", "b", "c"],
      columnKeys: ["x", "y", "z"],
      cells: [
        [3, 0, 0],
        [20, 30, 40],
        [25, 35, 45],
      ],
    });
    expect(t.rowTotals[0]).toBe("c");
    expect(t.cells[0]).toEqual(["c", 0, 0]); // documented edge: one c among cells, total is c
    // the small cell's column hides a partner, so the cell is not its column total minus the rest
    expect(countC(t.cells.map((r) => r[0]))).toBeGreaterThanOrEqual(2);
    for (const line of lines(publishedGrid(t))) expect(countC(line)).not.toBe(1);
    expect(recoverableHiddenEntries(publishedGrid(t))).toEqual([]);
  });

  test("two hidden blocks joined by one cell: the joining cell is protected as well", () => {
    // Every row and column already has 0 or >= 2 small cells, so the one-per-line rule alone
    // would publish this unchanged; yet the 3 at (0,2) follows from rows 0-1 and columns 0-1.
    const cells = [
      [2, 2, 3, 20],
      [2, 2, 20, 20],
      [20, 20, 2, 2],
      [20, 20, 2, 2],
    ];
    const t = protectTable({ rowKeys: ["r0", "r1", "r2", "r3"], columnKeys: ["c0", "c1", "c2", "c3"], cells });
    const published = publishedGrid(t);
    expect(recoverableHiddenEntries(published)).toEqual([]);
    const hidden = published.flat().filter((v) => v === "c").length;
    expect(hidden).toBeGreaterThan(9); // more than the nine primary cells
  });

  test("a lone small cell's partner in its row is the first of two equal smallest cells", () => {
    const t = protectTable({
      rowKeys: ["r0", "r1"],
      columnKeys: ["c0", "c1", "c2"],
      cells: [
        [3, 8, 8],
        [10, 12, 20],
      ],
    });
    // Row 0 hides its first 8; columns 0 and 1 then each hide their other cell (10 and 12,
    // smaller than their totals 13 and 20), which pairs up in row 1.
    expect(t.cells).toEqual([
      ["c", "c", 10],
      ["c", "c", 20],
    ]);
    expect([...t.rowTotals, ...t.columnTotals, t.grandTotal]).toEqual([20, 40, 15, 20, 30, 60]);
  });

  test("refuses ragged tables and non-counts", () => {
    expect(() => protectTable({ rowKeys: ["a"], columnKeys: ["x", "y"], cells: [[1]] })).toThrow(RangeError);
    expect(() => protectTable({ rowKeys: ["a"], columnKeys: ["x"], cells: [[-1]] })).toThrow(RangeError);
  });

  test("property: random tables never leave a recoverable or lone hidden value", () => {
    // Values skewed small so that suppression patterns are dense and varied.
    const value = fc.oneof(
      { arbitrary: fc.constant(0), weight: 2 },
      { arbitrary: fc.integer({ min: 1, max: 4 }), weight: 3 },
      { arbitrary: fc.integer({ min: 5, max: 60 }), weight: 5 },
    );
    const tableArb = fc
      .tuple(fc.integer({ min: 1, max: 6 }), fc.integer({ min: 1, max: 6 }))
      .chain(([r, c]) => fc.array(fc.array(value, { minLength: c, maxLength: c }), { minLength: r, maxLength: r }));
    fc.assert(
      fc.property(tableArb, (cells) => {
        const t = protectTable({
          rowKeys: cells.map((_, i) => `r${i}`),
          columnKeys: cells[0].map((_, j) => `c${j}`),
          cells,
        });
        const published = publishedGrid(t);
        // 1. counting each line's total as a member, no line has exactly one hidden value
        for (const line of lines(published)) expect(countC(line)).not.toBe(1);
        // 2. the documented edge: among the cells alone a row or column may hold exactly one c,
        //    but only when its total is hidden too (typically: every other cell is 0, so the
        //    total equals the small cell)
        t.cells.forEach((row, i) => {
          if (countC(row) === 1) expect(t.rowTotals[i]).toBe("c");
        });
        cells[0].forEach((_, j) => {
          if (countC(t.cells.map((row) => row[j])) === 1) expect(t.columnTotals[j]).toBe("c");
        });
        // 3. primary suppression, and every visible value is the protected unrounded value
        const rowSums = cells.map((row) => row.reduce((a, b) => a + b, 0));
        const colSums = cells[0].map((_, j) => cells.reduce((a, row) => a + row[j], 0));
        cells.forEach((row, i) =>
          row.forEach((n, j) => {
            if (n >= 1 && n <= 4) expect(t.cells[i][j]).toBe("c");
            if (t.cells[i][j] !== "c") expect(t.cells[i][j]).toBe(protectCount(n));
          }),
        );
        rowSums.forEach((s, i) => t.rowTotals[i] !== "c" && expect(t.rowTotals[i]).toBe(protectCount(s)));
        colSums.forEach((s, j) => t.columnTotals[j] !== "c" && expect(t.columnTotals[j]).toBe(protectCount(s)));
        rowSums.forEach((s, i) => s >= 1 && s <= 4 && expect(t.rowTotals[i]).toBe("c"));
        // 4. nothing hidden can be solved for
        expect(recoverableHiddenEntries(published)).toEqual([]);
      }),
      { numRuns: 300 },
    );
  });
});

// --- differencing ----------------------------------------------------------------------------

describe("differencing two overlapping filtered reports", () => {
  /** All true counts a reader cannot tell apart from `n` once published. */
  const preimage = (n: number): number[] => {
    const shown = protectCount(n);
    const out: number[] = [];
    for (let m = 0; m <= n + 10; m++) if (protectCount(m) === shown) out.push(m);
    return out;
  };
  /** Differences a - b consistent with what was published, given b <= a (b is a subset). */
  const consistentDifferences = (a: number, b: number): Set<number> => {
    const out = new Set<number>();
    for (const x of preimage(a)) for (const y of preimage(b)) if (y <= x) out.add(x - y);
    return out;
  };

  test("Tamworth 23 and 'Tamworth without year 9' 21 publish as 25 and 20", () => {
    expect(protectCount(23)).toBe(25);
    expect(protectCount(21)).toBe(20);
    // The true difference, 2, is one of nine possibilities (1..9), including 5 or more.
    expect([...consistentDifferences(23, 21)].sort((x, y) => x - y)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  /*
   * What this proves: for every pair of true counts a >= b (a up to 500) whose difference is
   * 1-4, (1) at least two different differences fit the two published figures, so the hidden
   * group's size is never recovered; (2) unless one of the figures is itself c (which already
   * says "1 to 4"), a difference of 0 or of 5+ also fits, so a reader cannot even tell that a
   * small group was filtered out. It covers two reports; many overlapping filters are limited
   * by offering only fixed breakdowns (which protectTable protects) and by audit-logging exports.
   */
  test("for every pair differing by 1-4, the difference cannot be worked out", () => {
    for (let b = 0; b <= 500; b++) {
      for (let d = 1; d <= 4; d++) {
        const a = b + d;
        const diffs = consistentDifferences(a, b);
        expect(diffs.has(d)).toBe(true);
        expect(diffs.size).toBeGreaterThanOrEqual(2);
        if (protectCount(a) !== "c" && protectCount(b) !== "c") {
          expect([...diffs].some((x) => x === 0 || x >= 5)).toBe(true);
        }
      }
    }
  });
});

describe("DISCLOSURE_RULE_TEXT", () => {
  test("states each rule a reader needs", () => {
    expect(DISCLOSURE_RULE_TEXT).toMatch(/1 to 4 are shown as c/);
    expect(DISCLOSURE_RULE_TEXT).toMatch(/nearest 5/);
    expect(DISCLOSURE_RULE_TEXT).toMatch(/rounded group size is at least 10/);
    expect(DISCLOSURE_RULE_TEXT).toMatch(/Totals are calculated from unrounded numbers/);
    expect(DISCLOSURE_RULE_TEXT).toMatch(
      /Percentages, including progress against targets, are calculated from the rounded figures shown/,
    );
    expect(DISCLOSURE_RULE_TEXT).toMatch(/x not available, z not applicable/);
    expect(DISCLOSURE_RULE_TEXT).not.toMatch(/\n/);
  });
});

// --- what a mutation run showed no test noticed ------------------------------------------------

describe("refusals name the figure at fault", () => {
  test("each refusal says which figure was wrong and what it was", () => {
    expect(() => protectCount(-1)).toThrow("count must be a whole number of at least 0, got -1");
    expect(() => protectRate(7, 10)).toThrow("numerator must be a published count (0 or a multiple of 5), got 7");
    expect(() => protectRate(5, 12)).toThrow("denominator must be a published count (0 or a multiple of 5), got 12");
    expect(() => protectRate(15, 10)).toThrow("numerator 15 exceeds denominator 10");
    expect(() => protectTargetShare(7, 100)).toThrow("target progress must be a published count");
    expect(() => protectStatistic(10, 7, { minBasis: 5, roundTo: 1, whenEmpty: 0 })).toThrow(
      "basis must be a published count",
    );
  });

  test("a series or table whose shape or counts are wrong is refused before anything is published", () => {
    expect(() => protectSeries({ keys: ["a"], counts: [1, 2] })).toThrow("series has 1 keys but 2 counts");
    // 2.5 would otherwise pass as a small count and be hidden without complaint.
    expect(() => protectSeries({ keys: ["a", "b", "c"], counts: [2.5, 10, 10] })).toThrow(
      "count must be a whole number of at least 0, got 2.5",
    );
    expect(() => protectTable({ rowKeys: ["a", "b"], columnKeys: ["x"], cells: [[1]] })).toThrow(
      "table has 2 row keys but 1 rows",
    );
    expect(() => protectTable({ rowKeys: ["a"], columnKeys: ["x", "y"], cells: [[1]] })).toThrow(
      "table row 0 has 1 cells but there are 2 column keys",
    );
    expect(() => suppressionMask([[1, 2], [3]])).toThrow("table row 1 has 1 cells, expected 2");
    expect(() => suppressionMask([[2.5, 10]])).toThrow("table cell must be a whole number of at least 0, got 2.5");
  });
});

describe("empty tables", () => {
  test("a table without rows or without columns publishes true zeros for every total", () => {
    expect(protectTable({ rowKeys: ["a", "b"], columnKeys: [], cells: [[], []] })).toEqual({
      rowKeys: ["a", "b"],
      columnKeys: [],
      cells: [[], []],
      rowTotals: [0, 0],
      columnTotals: [],
      grandTotal: 0,
    });
    expect(protectTable({ rowKeys: [], columnKeys: ["x", "y"], cells: [] })).toEqual({
      rowKeys: [],
      columnKeys: ["x", "y"],
      cells: [],
      rowTotals: [],
      columnTotals: [0, 0],
      grandTotal: 0,
    });
    expect(suppressionMask([])).toEqual({ mask: [[false]], grid: [[0]] });
  });
});

describe("which neighbour secondary suppression hides", () => {
  // Two blocks of small cells, joined by the one cell at (a, y): every line already holds two
  // hidden values, yet that 3 follows from rows a-b and columns w-x. Something joining the two
  // blocks must be hidden as well.
  const blocks = (ab: number) => [
    [3, 3, 3, 0],
    [3, 3, 0, ab],
    [0, 0, 3, 3],
    [0, 0, 3, 3],
  ];
  const keys = { rowKeys: ["a", "b", "c", "d"], columnKeys: ["w", "x", "y", "z"] };

  test("a non-zero joining cell is hidden in preference to a zero", () => {
    const t = protectTable({ ...keys, cells: blocks(20) });
    expect(t.cells).toEqual([
      ["c", "c", "c", 0],
      ["c", "c", 0, "c"],
      [0, 0, "c", "c"],
      [0, 0, "c", "c"],
    ]);
    expect(recoverableHiddenEntries(publishedGrid(t))).toEqual([]);
  });

  test("only when nothing but zeros joins the blocks is a 0 shown as c: the first such zero", () => {
    const t = protectTable({ ...keys, cells: blocks(0) });
    expect(t.cells).toEqual([
      ["c", "c", "c", "c"],
      ["c", "c", 0, 0],
      [0, 0, "c", "c"],
      [0, 0, "c", "c"],
    ]);
    expect([...t.rowTotals, ...t.columnTotals, t.grandTotal]).toEqual([10, 5, 5, 5, 5, 5, 10, 5, 25]);
    expect(recoverableHiddenEntries(publishedGrid(t))).toEqual([]);
  });
});

describe("how ties and bridges are settled (tables found by mutating the rule)", () => {
  const keysFor = (cells: number[][]) => ({
    rowKeys: cells.map((_, i) => `r${i}`),
    columnKeys: cells[0].map((_, j) => `c${j}`),
    cells,
  });
  /** The published table as one grid with its margins; checked to leave nothing recoverable. */
  const published = (cells: number[][]) => {
    const grid = publishedGrid(protectTable(keysFor(cells)));
    expect(recoverableHiddenEntries(grid)).toEqual([]);
    for (const line of lines(grid)) expect(countC(line)).not.toBe(1);
    return grid;
  };

  test("on a tie between a cell and a total, the cell is hidden and the total stays", () => {
    expect(
      published([
        [0, 2, 0],
        [2, 4, 10],
        [8, 0, 8],
      ]),
    ).toEqual([
      [0, "c", 0, "c"],
      ["c", "c", "c", "c"],
      ["c", 0, "c", 15],
      [10, 5, 20, 35],
    ]);
    expect(
      published([
        [0, 4, 0],
        [3, 0, 10],
        [7, 13, 4],
        [0, 3, 6],
        [22, 0, 13],
      ]),
    ).toEqual([
      [0, "c", 0, "c"],
      ["c", 0, "c", 15],
      ["c", "c", "c", 25],
      [0, "c", "c", "c"],
      [20, 0, 15, 35],
      [30, 20, 35, 85],
    ]);
    // Equal 6s in row r0 and among the column totals: the first of equals goes, and no more
    // than the rule needs (the 6 in c3 and its column total stay).
    expect(
      published([
        [1, 6, 0, 6],
        [2, 0, 0, 0],
      ]),
    ).toEqual([
      ["c", "c", 0, 5, "c"],
      ["c", 0, 0, 0, "c"],
      ["c", "c", 0, 5, 15],
    ]);
  });

  test("only equals are tie-broken: a larger total is never hidden in place of a smaller cell, nor the other way round", () => {
    expect(
      published([
        [5, 0, 0, 3],
        [0, 0, 4, 0],
        [0, 0, 1, 6],
        [10, 6, 9, 0],
      ]),
    ).toEqual([
      ["c", 0, 0, "c", "c"],
      [0, 0, "c", 0, "c"],
      [0, 0, "c", "c", "c"],
      ["c", "c", 10, 0, 25],
      [15, "c", 15, "c", 45],
    ]);
    expect(
      published([
        [3, 0, 5, 2],
        [0, 3, 0, 0],
        [0, 2, 3, 0],
        [4, 10, 0, 1],
      ]),
    ).toEqual([
      ["c", 0, "c", "c", 10],
      [0, "c", 0, 0, "c"],
      [0, "c", "c", 0, "c"],
      ["c", "c", 0, "c", 15],
      ["c", 15, "c", "c", 35],
    ]);
  });

  test("two blocks joined by one small cell are joined again between the blocks, never inside one, whichever way round", () => {
    // A six-cell cycle of 2s (rows r0-r2) and a 2 x 2 block (rows r3-r4), joined only by the 3 at
    // (r0, c3). The 5s inside the cycle's rows and columns are smaller than the 20s between the
    // blocks, but hiding one of them would not put the joining 3 on a cycle.
    const cycleAndBlock = [
      [2, 2, 5, 3, 20],
      [5, 2, 2, 20, 20],
      [2, 5, 2, 20, 20],
      [20, 20, 20, 2, 2],
      [20, 20, 20, 2, 2],
    ];
    const grid = published(cycleAndBlock);
    expect(grid.slice(0, 5).map((row) => row.slice(0, 5))).toEqual([
      ["c", "c", 5, "c", "c"],
      [5, "c", "c", 20, 20],
      ["c", 5, "c", 20, 20],
      [20, 20, 20, "c", "c"],
      [20, 20, 20, "c", "c"],
    ]);
    // The same table turned on its side: the bridge is now found from its column end, and again a
    // 20 between the blocks is hidden (the first in reading order), not a 5 inside the cycle.
    const turned = cycleAndBlock[0].map((_, c) => cycleAndBlock.map((row) => row[c]));
    expect(
      published(turned)
        .slice(0, 5)
        .map((row) => row.slice(0, 5)),
    ).toEqual([
      ["c", 5, "c", "c", 20],
      ["c", "c", 5, 20, 20],
      [5, "c", "c", 20, 20],
      ["c", 20, 20, "c", "c"],
      [20, 20, 20, "c", "c"],
    ]);
  });
});
