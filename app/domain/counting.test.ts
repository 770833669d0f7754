import { describe, expect, it } from "vitest";
import { COUNTING_SQL_TEXT, COUNTING_WHERE, entryCounts, type CountableEntry } from "./counting.ts";

const counted: CountableEntry = { supersededAt: null, status: "VERIFIED", atWork: false, supervisorConfirmedAt: null };
const at = new Date("2026-01-05T10:00:00Z");

describe("entryCounts", () => {
  it("counts the latest verified version of an activity done away from work", () => {
    expect(entryCounts(counted)).toBe(true);
  });

  it("does not count an entry that is pending or rejected", () => {
    expect(entryCounts({ ...counted, status: "PENDING" })).toBe(false);
    expect(entryCounts({ ...counted, status: "REJECTED" })).toBe(false);
  });

  it("does not count a superseded version, even verified and confirmed", () => {
    expect(entryCounts({ ...counted, supersededAt: at })).toBe(false);
    expect(entryCounts({ ...counted, atWork: true, supervisorConfirmedAt: at, supersededAt: at })).toBe(false);
  });

  it("counts an activity done at work only once the supervisor has confirmed it", () => {
    expect(entryCounts({ ...counted, atWork: true })).toBe(false);
    expect(entryCounts({ ...counted, atWork: true, supervisorConfirmedAt: at })).toBe(true);
  });

  it("a supervisor's confirmation alone does not make an unverified entry count", () => {
    expect(entryCounts({ ...counted, status: "PENDING", atWork: true, supervisorConfirmedAt: at })).toBe(false);
  });
});

describe("the query forms say the same", () => {
  it("the where and the SQL carry every clause of the predicate", () => {
    expect(COUNTING_WHERE).toEqual({
      supersededAt: null,
      status: "VERIFIED",
      OR: [{ atWork: false }, { supervisorConfirmedAt: { not: null } }],
    });
    expect(COUNTING_SQL_TEXT).toBe(
      "pe.superseded_at IS NULL AND pe.status = 'VERIFIED' AND (pe.at_work = false OR pe.supervisor_confirmed_at IS NOT NULL)",
    );
  });
});
