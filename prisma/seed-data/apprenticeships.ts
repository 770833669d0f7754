/**
 * Demo apprenticeships: the demo apprentice on Digital support technician (ST0120) from
 * 1 September 2025 with the demo tutor and supervisor. Its training plan is signed by the
 * apprentice and the tutor and waits for the employer, so the demo shows the signing flow (and
 * the "waiting for employer" state the partnership complains about).
 *
 * The second apprentice's apprenticeship (same standard, tutor and supervisor, plan agreed by all
 * three, no reviews yet) is the one the keyboard-only journey (tests/e2e/a11y-every-page.spec.ts)
 * logs learning and signs a review on, so the first one's review schedule stays as seeded.
 */
export const DEMO_APPRENTICESHIPS: {
  apprentice: string;
  employer: string;
  provider: string;
  tutor: string;
  supervisor: string;
  standard: string;
  startDate: string;
  plannedEndDate: string;
  contractedWeeklyHours: number;
  priorLearningHours: number;
  dateOfBirth: string;
  pathway: string | null;
  signedBy: ("apprentice" | "employer" | "tutor")[];
}[] = [
  {
    apprentice: "apprentice",
    employer: "trentside",
    provider: "university",
    tutor: "tutor",
    supervisor: "supervisor",
    standard: "ST0120",
    startDate: "2025-09-01",
    plannedEndDate: "2026-11-30",
    contractedWeeklyHours: 37.5,
    priorLearningHours: 0,
    dateOfBirth: "2006-03-14",
    pathway: "modern-workplace",
    signedBy: ["apprentice", "tutor"],
  },
  {
    apprentice: "apprentice-2",
    employer: "trentside",
    provider: "university",
    tutor: "tutor",
    supervisor: "supervisor",
    standard: "ST0120",
    startDate: "2025-09-01",
    plannedEndDate: "2026-11-30",
    contractedWeeklyHours: 37.5,
    priorLearningHours: 0,
    dateOfBirth: "2005-07-22",
    pathway: null,
    signedBy: ["apprentice", "employer", "tutor"],
  },
];
