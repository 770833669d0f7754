import { describe, expect, it } from "vitest";
import {
  AWAITING_SUPERVISOR_SQL_TEXT,
  AWAITING_SUPERVISOR_WHERE,
  awaitsSupervisor,
  type ConfirmableEntry,
} from "./awaiting-confirmation.ts";

const waiting: ConfirmableEntry = {
  kind: "OTJ_ACTIVITY",
  atWork: true,
  supersededAt: null,
  status: "PENDING",
  supervisorConfirmedAt: null,
};
const at = new Date("2026-01-05T10:00:00Z");

describe("awaitsSupervisor", () => {
  it("an activity done at work waits for the supervisor, before or after the tutor verifies it", () => {
    expect(awaitsSupervisor(waiting)).toBe(true);
    expect(awaitsSupervisor({ ...waiting, status: "VERIFIED" })).toBe(true);
  });

  it("stops waiting once confirmed or rejected (by the tutor or the supervisor)", () => {
    expect(awaitsSupervisor({ ...waiting, supervisorConfirmedAt: at })).toBe(false);
    expect(awaitsSupervisor({ ...waiting, status: "REJECTED" })).toBe(false);
  });

  it("a superseded version never waits: its correction does", () => {
    expect(awaitsSupervisor({ ...waiting, supersededAt: at })).toBe(false);
  });

  it("an activity done away from work, or another kind of entry, never waits for the supervisor", () => {
    expect(awaitsSupervisor({ ...waiting, atWork: false })).toBe(false);
    expect(awaitsSupervisor({ ...waiting, kind: "LEARNING_TIME" })).toBe(false);
  });
});

describe("the query forms say the same", () => {
  it("the where and the SQL carry every clause of the predicate", () => {
    expect(AWAITING_SUPERVISOR_WHERE).toEqual({
      kind: "OTJ_ACTIVITY",
      atWork: true,
      supersededAt: null,
      supervisorConfirmedAt: null,
      status: { not: "REJECTED" },
    });
    expect(AWAITING_SUPERVISOR_SQL_TEXT).toBe(
      "pe.kind = 'OTJ_ACTIVITY' AND pe.at_work AND pe.superseded_at IS NULL AND pe.supervisor_confirmed_at IS NULL AND pe.status <> 'REJECTED'",
    );
  });
});
