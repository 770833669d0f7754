/**
 * Demo work experience and reviews: a planned placement at Trentside Digital for the
 * demo pupil (the employer has confirmed the risk assessment only, so the school sees what is
 * missing and the employer's inbox has it), a careers talk the demo pupil attended this academic
 * year (Gatsby benchmark 5), and the demo apprenticeship's first progress review, held and signed
 * by all three (so the schedule shows history; review 2 onwards is left for the demo).
 */
export const DEMO_PLACEMENT = {
  school: "chase-valley",
  employer: "trentside",
  supervisor: "supervisor",
  pupil: "pupil",
  createdBy: "teacher",
  title: "Digital support taster week",
  /** Days from the seed date. */
  startInDays: 60,
  lengthDays: 4,
  hours: 30,
};

export const DEMO_ENCOUNTER = {
  school: "chase-valley",
  employer: "trentside",
  pupil: "pupil",
  createdBy: "teacher",
  kind: "talk",
  title: "Careers talk: working in digital support",
  /** Days before the seed date (kept inside the current academic year). */
  daysAgo: 7,
};

export const DEMO_REVIEW = {
  apprentice: "apprentice",
  standard: "ST0120",
  heldOn: "2025-12-10",
  progress:
    "Liam has completed the Microsoft 365 fundamentals modules and supports colleagues with account set-up. On track against the training plan.",
  support: "No additional support needs. Liam asked for more time shadowing the network team.",
  actions: [{ text: "Shadow the network team for two half-days", owner: "employer", dueOn: "2026-01-31" }],
};
