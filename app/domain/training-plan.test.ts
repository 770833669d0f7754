import { describe, expect, it } from "vitest";
import {
  isPlanFullySigned,
  loggedBeforePlanSigned,
  loggedBeforePlanSignedWhere,
  planFullySignedAt,
} from "./training-plan.ts";

const t = (iso: string) => new Date(iso);
const signed = {
  apprenticeSignedAt: t("2025-09-01T09:00:00Z"),
  employerSignedAt: t("2025-09-03T16:30:00Z"),
  tutorSignedAt: t("2025-09-02T11:00:00Z"),
};

describe("isPlanFullySigned / planFullySignedAt", () => {
  it("a plan signed by all three is agreed at the last signature", () => {
    expect(isPlanFullySigned(signed)).toBe(true);
    expect(planFullySignedAt(signed)).toEqual(t("2025-09-03T16:30:00Z"));
  });

  it("any missing signature, or no plan, means not signed", () => {
    for (const party of ["apprenticeSignedAt", "employerSignedAt", "tutorSignedAt"] as const) {
      expect(isPlanFullySigned({ ...signed, [party]: null })).toBe(false);
      expect(planFullySignedAt({ ...signed, [party]: null })).toBeNull();
    }
    expect(isPlanFullySigned(null)).toBe(false);
    expect(planFullySignedAt(undefined)).toBeNull();
  });
});

describe("loggedBeforePlanSigned", () => {
  const signedAt = t("2025-09-03T16:30:00Z");
  const entry = (createdAt: string, occurredOn: string) => ({
    createdAt: t(createdAt),
    occurredOn: t(`${occurredOn}T00:00:00Z`),
  });

  it("everything is flagged while the plan is unsigned", () => {
    expect(loggedBeforePlanSigned(entry("2026-01-01T00:00:00Z", "2026-01-01"), null)).toBe(true);
    expect(loggedBeforePlanSignedWhere(null)).toEqual({});
  });

  it("recorded before the last signature is flagged, even if dated after", () => {
    expect(loggedBeforePlanSigned(entry("2025-09-03T16:29:59Z", "2025-09-04"), signedAt)).toBe(true);
  });

  it("dated before the day of the last signature is flagged, even if recorded after", () => {
    expect(loggedBeforePlanSigned(entry("2025-09-10T09:00:00Z", "2025-09-02"), signedAt)).toBe(true);
  });

  it("recorded after the signature and dated on its day or later is not flagged", () => {
    expect(loggedBeforePlanSigned(entry("2025-09-03T16:30:00Z", "2025-09-03"), signedAt)).toBe(false);
    expect(loggedBeforePlanSigned(entry("2025-09-04T08:00:00Z", "2025-09-04"), signedAt)).toBe(false);
  });

  it("the where has the same two boundaries", () => {
    expect(loggedBeforePlanSignedWhere(signedAt)).toEqual({
      OR: [{ createdAt: { lt: signedAt } }, { occurredOn: { lt: t("2025-09-03T00:00:00Z") } }],
    });
  });
});
