/**
 * Work-experience vocabulary shared by the server module and the pages (no server code):
 * statuses, consent methods, encounter kinds and the feedback scale.
 */
import type { PlacementStatus } from "~/generated/prisma/enums.ts";

export const PLACEMENT_STATUS_LABELS: Record<PlacementStatus, string> = {
  PLANNED: "Planned",
  STARTED: "Started",
  COMPLETED: "Completed",
  CANCELLED: "Cancelled",
};
export const CONSENT_METHODS = ["letter", "email", "form", "phone"] as const;
export const CONSENT_METHOD_LABELS: Record<(typeof CONSENT_METHODS)[number], string> = {
  letter: "Letter",
  email: "Email",
  form: "Consent form",
  phone: "Phone call",
};
export const ENCOUNTER_KINDS = ["talk", "visit", "workshop", "mentoring", "project"] as const;
export const ENCOUNTER_KIND_LABELS: Record<(typeof ENCOUNTER_KINDS)[number], string> = {
  talk: "Talk",
  visit: "Workplace visit",
  workshop: "Workshop",
  mentoring: "Mentoring",
  project: "Project",
};

export const FEEDBACK_CRITERIA = ["attendance", "punctuality", "teamwork", "communication", "digitalSkills"] as const;
export type FeedbackCriterion = (typeof FEEDBACK_CRITERIA)[number];
export const FEEDBACK_CRITERION_LABELS: Record<FeedbackCriterion, string> = {
  attendance: "Attendance",
  punctuality: "Punctuality",
  teamwork: "Teamwork",
  communication: "Communication",
  digitalSkills: "Digital skills",
};
export const FEEDBACK_SCALE = [
  { value: 1, label: "Needs support" },
  { value: 2, label: "Developing" },
  { value: 3, label: "Good" },
  { value: 4, label: "Excellent" },
] as const;
export type PlacementFeedback = Record<FeedbackCriterion, number> & { comment: string };
