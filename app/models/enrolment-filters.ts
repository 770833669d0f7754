/** Constants of the partnership admin's enrolments view, shared by its page and its server module. */
import type { Role } from "~/generated/prisma/enums.ts";

export const PAGE_SIZE = 50;

export const LEARNER_TYPES = {
  pupil: { label: "Pupil", roles: ["PUPIL"] },
  teacher: { label: "Teacher", roles: ["TEACHER", "SCHOOL_ADMIN"] },
  apprentice: { label: "Apprentice", roles: ["APPRENTICE"] },
} as const satisfies Record<string, { label: string; roles: Role[] }>;
