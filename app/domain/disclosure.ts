/**
 * Disclosure control: the one place where unrounded figures become publishable ones.
 *
 * Every figure the council (or anyone outside the delivery team) sees passes through this module
 * on the server. It follows the conventions of DfE official statistics as we read them:
 *
 * - Counts. A count of 1 to 4 people could identify someone, so it is shown as `c`. A zero is
 *   shown as 0: an empty group identifies nobody. Every other count is rounded to the nearest 5,
 *   so two near-identical reports (for example "Tamworth" and "Tamworth without year 9") cannot be
 *   subtracted to reveal a small group. Only whole, non-negative counts are accepted, so a tie
 *   (a remainder of exactly 2.5) cannot occur: remainders 0-2 round down, 3-4 round up
 *   (12 -> 10, 13 -> 15, 7 -> 5, 8 -> 10).
 * - Derived figures add nothing. Every rate, percentage, share of a target and statistic about
 *   people is computed from the published (protected) counts, never from the unrounded ones, and
 *   whether it is shown depends on published figures alone. So the true counts consistent with a
 *   whole report (and with all its filters and versions) are exactly those consistent with its
 *   counts: a rate can never narrow a count that rounding left open. (Computing "7 of 12" as 58%
 *   beside the rounded 5 and 10 would pin the counts to 7 and 12; from 5 and 10 it is 50%.)
 * - Rates. A percentage is shown only when its published denominator is at least 10; its
 *   numerator or denominator shown as `c` makes it `c`; a published denominator of 0 gives `z`
 *   (not applicable: there is no rate). Whole percentages, half up. The threshold is on the
 *   published denominator because showing or hiding is itself published: a threshold on the
 *   true count would tell a reader of "10" whether the group is 8-9 or 10-12. Published counts
 *   are multiples of 5, so "at least 10" means a group of at least 8 people. No separate rule
 *   for a complement of 1-4 is needed: the difference of two published counts is 0 or 5+.
 * - Targets. Progress is a count (protected as one); the share of the target reached is the
 *   published progress over the (public) target value, rounded down.
 * - Statistics about a group (hours, a median) are shown only where the published count of the
 *   people behind them is large enough (5; 10 for a median), and rounded (hours to 10, days to
 *   whole days). They are sums and medians of hours and days, not counts of people.
 * - Tables. Where a row or column has exactly one hidden value, the hidden value could be worked
 *   out from the total. So a second value in that line (the next smallest non-zero one) is hidden
 *   too, repeating until stable. Totals are part of their lines: a total computed from unrounded
 *   cells, then protected like any count (a total of 1 to 4 is `c`), and a total can itself be
 *   hidden to protect a cell. On top of the "never exactly one per line" rule we check the
 *   pattern as a whole: a hidden value is recoverable from the published ones exactly when it
 *   lies on no cycle of hidden values (see `protectTable`), and we hide more until none is.
 * - Symbols follow the Government Statistical Service: `c` confidential, `x` unavailable,
 *   `z` not applicable.
 *
 * Pure: no I/O. Callers pass unrounded counts to the count functions, published cells to the
 * derived ones (rates, target shares, statistics), and send only the output onwards.
 */

/** DfE/GSS symbol: confidential (suppressed to protect people). */
export const CONFIDENTIAL = "c" as const;
/** DfE/GSS symbol: the figure is not available (for example not collected for that period). */
export const UNAVAILABLE = "x" as const;
/** DfE/GSS symbol: not applicable (for example a rate with no one to divide by). */
export const NOT_APPLICABLE = "z" as const;

export type DisclosureSymbol = typeof CONFIDENTIAL | typeof UNAVAILABLE | typeof NOT_APPLICABLE;
/** A value that may leave the server: a protected number or one of the three symbols. */
export type ProtectedCell = number | DisclosureSymbol;

/** Smallest count that may be shown (counts 1 to SMALLEST_SHOWN_COUNT - 1 are `c`). */
export const SMALLEST_SHOWN_COUNT = 5;
/** Counts are rounded to a multiple of this. */
export const ROUNDING_BASE = 5;
/** A rate is shown only when its published denominator is at least this. */
export const MIN_RATE_DENOMINATOR = 10;
/** A median is shown only when the published count of values behind it is at least this. */
export const MIN_MEDIAN_BASIS = 10;

/** Printed on every report page and in every export; built from the constants it states. */
export const DISCLOSURE_RULE_TEXT =
  `To protect individuals, counts of 1 to ${SMALLEST_SHOWN_COUNT - 1} are shown as c and all other ` +
  `counts are rounded to the nearest ${ROUNDING_BASE} (0 is shown as 0). Where a hidden figure could ` +
  "be worked out from a total, further figures are also shown as c. Totals are calculated from " +
  "unrounded numbers, so rounded figures may not add up to the totals shown. Percentages, " +
  "including progress against targets, are calculated from the rounded figures shown, so they " +
  `reveal nothing the counts do not; a percentage is shown only where the rounded group size is ` +
  `at least ${MIN_RATE_DENOMINATOR} and is c where either count is c. Symbols: c confidential, ` +
  "x not available, z not applicable.";

function assertCount(n: number, what = "count"): void {
  if (!Number.isSafeInteger(n) || n < 0) {
    throw new RangeError(`${what} must be a whole number of at least 0, got ${n}`);
  }
}

/** Only a value `protectCount` can publish (0, or a multiple of 5 from 5) may feed a derived figure. */
function assertPublished(n: number, what: string): void {
  assertCount(n, what);
  if (n % ROUNDING_BASE !== 0) {
    throw new RangeError(`${what} must be a published count (0 or a multiple of ${ROUNDING_BASE}), got ${n}`);
  }
}

function isSmall(n: number): boolean {
  return n >= 1 && n < SMALLEST_SHOWN_COUNT;
}

/** Round a whole count to the nearest multiple of 5. Integer input has no ties. */
function roundToBase(n: number): number {
  const remainder = n % ROUNDING_BASE;
  return remainder * 2 < ROUNDING_BASE ? n - remainder : n - remainder + ROUNDING_BASE;
}

/** Protect one count of people: 0 -> 0, 1-4 -> `c`, otherwise the nearest multiple of 5. */
export function protectCount(n: number): ProtectedCell {
  assertCount(n);
  if (n === 0) return 0;
  if (isSmall(n)) return CONFIDENTIAL;
  return roundToBase(n);
}

/** A symbol in, the same kind of gap out: `x` stays `x`, anything else hidden is `c`. */
function gapFor(...cells: ProtectedCell[]): ProtectedCell {
  return cells.includes(UNAVAILABLE) ? UNAVAILABLE : CONFIDENTIAL;
}

/**
 * A proportion as a whole percentage (0-100), from the PUBLISHED numerator and denominator
 * (the output of `protectCount`/`protectSeries`/`protectTable`; a raw count is refused):
 * - denominator 0 -> `z` (no rate exists);
 * - numerator or denominator `c` -> `c` (`x` -> `x`);
 * - denominator below 10 (i.e. 5) -> `c`;
 * - otherwise round(100 * numerator / denominator), half up, in exact integer arithmetic.
 */
export function protectRate(numerator: ProtectedCell, denominator: ProtectedCell): ProtectedCell {
  if (denominator === 0) return NOT_APPLICABLE;
  if (typeof numerator !== "number" || typeof denominator !== "number") return gapFor(numerator, denominator);
  assertPublished(numerator, "numerator");
  assertPublished(denominator, "denominator");
  if (numerator > denominator) {
    throw new RangeError(`numerator ${numerator} exceeds denominator ${denominator}`);
  }
  if (denominator < MIN_RATE_DENOMINATOR) return CONFIDENTIAL;
  return Math.floor((200 * numerator + denominator) / (2 * denominator));
}

/**
 * Progress as a whole percentage of a target, rounded down (a target is not reached until it
 * is), from the PUBLISHED progress and the target value (a public figure, not a count of
 * people). A target of 0 or less has no share (`z`); hidden progress hides the share.
 */
export function protectTargetShare(progress: ProtectedCell, targetValue: number): ProtectedCell {
  if (!(targetValue > 0)) return NOT_APPLICABLE;
  if (typeof progress !== "number") return gapFor(progress);
  assertPublished(progress, "target progress");
  return Math.floor((100 * progress) / targetValue);
}

/**
 * A statistic about a group of people (total hours, median days), shown only where the
 * PUBLISHED count of the people (or records) behind it is at least `minBasis`:
 * - basis 0 -> `whenEmpty` (0 hours; `z` for a median of nothing);
 * - basis `c`, or below `minBasis` -> `c` (`x` -> `x`);
 * - otherwise the value rounded to the nearest `roundTo`.
 */
export function protectStatistic(
  value: number,
  basis: ProtectedCell,
  options: { minBasis: number; roundTo: number; whenEmpty: ProtectedCell },
): ProtectedCell {
  if (basis === 0) return options.whenEmpty;
  if (typeof basis !== "number") return gapFor(basis);
  assertPublished(basis, "basis");
  if (basis < options.minBasis) return CONFIDENTIAL;
  return Math.round(value / options.roundTo) * options.roundTo;
}

// ---------------------------------------------------------------------------------------------
// Series: one breakdown (a single column) and its total.

export interface SeriesInput<K extends string = string> {
  keys: readonly K[];
  counts: readonly number[];
}

export interface ProtectedSeries<K extends string = string> {
  keys: readonly K[];
  cells: ProtectedCell[];
  total: ProtectedCell;
}

/**
 * Protect one breakdown and its total. The cells and the total form one equation
 * (cells add up to the total), so exactly one hidden member would be recoverable by subtraction:
 * when that happens, the smallest non-zero visible member is hidden too (a cell before the total
 * on a tie, then the first in order). One equation needs no more than that: with two or more
 * unknowns no single one is determined.
 */
export function protectSeries<K extends string>(input: SeriesInput<K>): ProtectedSeries<K> {
  const { keys, counts } = input;
  if (keys.length !== counts.length) {
    throw new RangeError(`series has ${keys.length} keys but ${counts.length} counts`);
  }
  counts.forEach((n) => assertCount(n));
  const total = counts.reduce((a, b) => a + b, 0);
  // members: the cells, then the total last (so ties prefer a cell).
  const values = [...counts, total];
  const hidden = values.map(isSmall);
  if (hidden.filter(Boolean).length === 1) {
    const pick = smallestVisibleNonZero(
      values,
      hidden,
      values.map((_, i) => i),
    );
    // A lone hidden member is non-zero, so the line always has another non-zero member: if the
    // lone one is a cell, the total is >= it; if it is the total, some cell is non-zero.
    if (pick === undefined) throw new Error("unreachable: no partner for a lone suppression");
    hidden[pick] = true;
  }
  const out = values.map((v, i) => (hidden[i] ? CONFIDENTIAL : protectCount(v)));
  return { keys, cells: out.slice(0, counts.length), total: out[counts.length] };
}

function smallestVisibleNonZero(
  values: readonly number[],
  hidden: readonly boolean[],
  order: readonly number[],
): number | undefined {
  let best: number | undefined;
  for (const i of order) {
    if (hidden[i] || values[i] === 0) continue;
    if (best === undefined || values[i] < values[best]) best = i;
  }
  return best;
}

// ---------------------------------------------------------------------------------------------
// Tables: rows x columns with row totals, column totals and a grand total.

export interface TableInput<R extends string = string, C extends string = string> {
  rowKeys: readonly R[];
  columnKeys: readonly C[];
  /** cells[row][column]: unrounded whole counts. */
  cells: readonly (readonly number[])[];
}

export interface ProtectedTable<R extends string = string, C extends string = string> {
  rowKeys: readonly R[];
  columnKeys: readonly C[];
  cells: ProtectedCell[][];
  rowTotals: ProtectedCell[];
  columnTotals: ProtectedCell[];
  grandTotal: ProtectedCell;
}

/**
 * Which entries of a table must be hidden. Works on the "augmented" grid: rows 0..R-1 are the
 * data rows and row R holds the column totals; columns 0..C-1 are the data columns and column C
 * holds the row totals; (R, C) is the grand total. Every row and every column of that grid is a
 * line whose interior adds up to its last entry.
 *
 * Why cycles: negate the margins and every line of the augmented grid sums to zero, so the
 * hidden entries are the unknowns of a flow on the bipartite graph "grid rows x grid columns"
 * (one edge per hidden entry). The published figures fix every hidden entry except along cycles
 * of hidden entries, where +d/-d alternately keeps every line sum. So a hidden entry can be
 * recovered exactly from the published ones if and only if it lies on no cycle, i.e. it is a
 * bridge of that graph. "Never exactly one hidden per line" removes the obvious bridges
 * (a line with one hidden entry); the bridge pass removes the rest, e.g. two separate blocks of
 * hidden cells joined through one shared row.
 *
 * Exported for tests and for renderers that need the mask without values; it returns booleans
 * only, never the reason (primary or secondary), since the reason itself says "this was 1-4".
 */
export function suppressionMask(cells: readonly (readonly number[])[]): {
  mask: boolean[][];
  grid: number[][];
} {
  const rows = cells.length;
  const cols = rows === 0 ? 0 : cells[0].length;
  cells.forEach((row, i) => {
    if (row.length !== cols) {
      throw new RangeError(`table row ${i} has ${row.length} cells, expected ${cols}`);
    }
    row.forEach((n) => assertCount(n, "table cell"));
  });

  // Build the augmented grid of unrounded values.
  const grid: number[][] = [];
  for (let i = 0; i <= rows; i++) grid.push(new Array<number>(cols + 1).fill(0));
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < cols; j++) {
      const v = cells[i][j];
      grid[i][j] = v;
      grid[i][cols] += v;
      grid[rows][j] += v;
      grid[rows][cols] += v;
    }
  }

  const mask = grid.map((row) => row.map(isSmall));
  const height = rows + 1;
  const width = cols + 1;

  // Lines: each grid row, then each grid column, as lists of [r, c] with the margin last so
  // that on equal values an interior cell is chosen before a total.
  const lines: [number, number][][] = [];
  for (let r = 0; r < height; r++) lines.push(Array.from({ length: width }, (_, c) => [r, c]));
  for (let c = 0; c < width; c++) lines.push(Array.from({ length: height }, (_, r) => [r, c]));

  const pickSmallest = (candidates: Iterable<[number, number]>, allowZero: boolean): [number, number] | undefined => {
    let best: [number, number] | undefined;
    for (const [r, c] of candidates) {
      if (mask[r][c]) continue;
      const v = grid[r][c];
      if (v === 0 && !allowZero) continue;
      if (best === undefined) {
        best = [r, c];
        continue;
      }
      const bv = grid[best[0]][best[1]];
      const isMargin = r === rows || c === cols;
      const bestIsMargin = best[0] === rows || best[1] === cols;
      if (v < bv || (v === bv && bestIsMargin && !isMargin)) best = [r, c];
    }
    return best;
  };

  // Phase 1: no line with exactly one hidden entry. Terminates: each pass hides one more entry.
  const fixLoneSuppressions = (): void => {
    for (;;) {
      const lone = lines.find((line) => line.filter(([r, c]) => mask[r][c]).length === 1);
      if (!lone) return;
      const pick = pickSmallest(lone, false) ?? pickSmallest(lone, true);
      // A lone hidden entry is never 0 (primaries are 1-4, partners here are non-zero; phase 2
      // may hide a 0 as a last resort, but only between rows/columns that already hold two
      // hidden entries, so never a lone one). So the line has a visible non-zero partner: the
      // margin if the hidden one is interior (margin >= it > 0), else some interior cell.
      if (!pick) throw new Error("unreachable: no partner for a lone suppression");
      mask[pick[0]][pick[1]] = true;
    }
  };

  // Phase 2: no hidden entry may be a bridge of the hidden-entry graph.
  for (;;) {
    fixLoneSuppressions();
    const bridge = findBridge(mask, height, width);
    if (!bridge) break;
    const [br, bc] = bridge;
    // The two sides of the bridge once it is removed; hiding any entry that joins them puts the
    // bridge on a cycle. Both sides have an entry to offer: after phase 1 each end of the bridge
    // has another hidden entry, so the row side holds a column and the column side holds a row.
    const near = componentOf(mask, height, width, { kind: "row", index: br }, [br, bc]);
    const far = componentOf(mask, height, width, { kind: "col", index: bc }, [br, bc]);
    const joining: [number, number][] = [];
    for (let r = 0; r < height; r++) {
      for (let c = 0; c < width; c++) {
        if (mask[r][c]) continue;
        if ((near.rows.has(r) && far.cols.has(c)) || (far.rows.has(r) && near.cols.has(c))) {
          joining.push([r, c]);
        }
      }
    }
    const pick = pickSmallest(joining, false) ?? pickSmallest(joining, true);
    if (!pick) throw new Error("unreachable: no entry joins the two sides of a bridge");
    mask[pick[0]][pick[1]] = true;
  }

  return { mask, grid };
}

type Node = { kind: "row" | "col"; index: number };

/** Rows and columns reachable from `start` along hidden entries (optionally ignoring one). */
function componentOf(
  mask: readonly (readonly boolean[])[],
  height: number,
  width: number,
  start: Node,
  ignore?: [number, number],
): { rows: Set<number>; cols: Set<number> } {
  const rowsSeen = new Set<number>();
  const colsSeen = new Set<number>();
  const stack: Node[] = [start];
  (start.kind === "row" ? rowsSeen : colsSeen).add(start.index);
  const skip = (r: number, c: number) => ignore !== undefined && ignore[0] === r && ignore[1] === c;
  while (stack.length > 0) {
    const node = stack.pop()!;
    if (node.kind === "row") {
      for (let c = 0; c < width; c++) {
        if (mask[node.index][c] && !skip(node.index, c) && !colsSeen.has(c)) {
          colsSeen.add(c);
          stack.push({ kind: "col", index: c });
        }
      }
    } else {
      for (let r = 0; r < height; r++) {
        if (mask[r][node.index] && !skip(r, node.index) && !rowsSeen.has(r)) {
          rowsSeen.add(r);
          stack.push({ kind: "row", index: r });
        }
      }
    }
  }
  return { rows: rowsSeen, cols: colsSeen };
}

/**
 * First hidden entry (row-major) that lies on no cycle of hidden entries. Tables here are
 * small (tens of rows), so the simple test "remove the edge, can its ends still reach each
 * other?" is fast enough and easy to trust.
 */
function findBridge(mask: boolean[][], height: number, width: number): [number, number] | undefined {
  for (let r = 0; r < height; r++) {
    for (let c = 0; c < width; c++) {
      if (!mask[r][c]) continue;
      const reach = componentOf(mask, height, width, { kind: "row", index: r }, [r, c]);
      if (!reach.cols.has(c)) return [r, c];
    }
  }
  return undefined;
}

/**
 * Protect a table with its margins. Totals are computed here from the unrounded cells (callers
 * must not pass their own), protected like any count, and take part in secondary suppression.
 * Published totals are rounded independently, so they need not equal the sum of the rounded
 * cells: that is intended, and DISCLOSURE_RULE_TEXT says so.
 *
 * What this guarantees: no hidden value can be computed exactly from the published values and
 * the row/column/grand-total equations, even treating the published (rounded) values as exact.
 * Partners are the smallest non-zero visible entries; only if a bridge can be closed by nothing
 * but zeros is a 0 shown as `c` (an unknown that might be 0 still blocks the subtraction).
 * What it does not: bounds. Because counts are non-negative, a reader can sometimes narrow a
 * hidden value to a range; rounding every visible figure to 5 widens those ranges.
 */
export function protectTable<R extends string, C extends string>(input: TableInput<R, C>): ProtectedTable<R, C> {
  const { rowKeys, columnKeys, cells } = input;
  if (cells.length !== rowKeys.length) {
    throw new RangeError(`table has ${rowKeys.length} row keys but ${cells.length} rows`);
  }
  cells.forEach((row, i) => {
    if (row.length !== columnKeys.length) {
      throw new RangeError(`table row ${i} has ${row.length} cells but there are ${columnKeys.length} column keys`);
    }
  });
  const rows = rowKeys.length;
  const cols = columnKeys.length;
  if (rows === 0 || cols === 0) {
    // Nothing to count: every total is a true zero.
    return {
      rowKeys,
      columnKeys,
      cells: cells.map(() => []),
      rowTotals: cells.map(() => 0),
      columnTotals: columnKeys.map(() => 0),
      grandTotal: 0,
    };
  }
  const { mask, grid } = suppressionMask(cells);
  const publish = (r: number, c: number): ProtectedCell => (mask[r][c] ? CONFIDENTIAL : protectCount(grid[r][c]));
  return {
    rowKeys,
    columnKeys,
    cells: Array.from({ length: rows }, (_, r) => Array.from({ length: cols }, (_, c) => publish(r, c))),
    rowTotals: Array.from({ length: rows }, (_, r) => publish(r, cols)),
    columnTotals: Array.from({ length: cols }, (_, c) => publish(rows, c)),
    grandTotal: publish(rows, cols),
  };
}
