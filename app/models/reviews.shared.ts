/**
 * Review vocabulary shared by the server module and the pages (no server code, so route
 * components can import it): parties, KSB ratings, status labels.
 */
import type { ReviewStatus } from "~/generated/prisma/enums.ts";

export type ReviewParty = "tutor" | "employer" | "apprentice";
/** The order the page lists them in; the tutor signs first, the other two in either order. */
export const REVIEW_PARTIES: readonly ReviewParty[] = ["tutor", "employer", "apprentice"];
export const REVIEW_PARTY_LABELS: Record<ReviewParty, string> = {
  tutor: "Tutor",
  employer: "Employer",
  apprentice: "Apprentice",
};

export const KSB_RATINGS = ["NOT_STARTED", "DEVELOPING", "COMPETENT"] as const;
export type KsbRating = (typeof KSB_RATINGS)[number];
export const KSB_RATING_LABELS: Record<KsbRating, string> = {
  NOT_STARTED: "Not started",
  DEVELOPING: "Developing",
  COMPETENT: "Competent",
};

export const REVIEW_STATUS_LABELS: Record<ReviewStatus, string> = {
  SCHEDULED: "Scheduled",
  OPEN: "Open: awaiting signatures",
  SIGNED: "Signed and locked",
};

/** Agreed actions: a fixed number of rows so the form works without JavaScript. */
export const MAX_ACTIONS = 5;
