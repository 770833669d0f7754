/**
 * The enrolment and plan-change form schemas: shared by the route components (field names) and
 * the server (apprenticeship-enrolment.server.ts and apprenticeships.server.ts validate with
 * them). No I/O, so safe in the browser.
 */
import { z } from "zod";
import { strictNumber } from "~/domain/form-numbers.ts";
import { assertIsoDate, formatLongDate, isBefore, type IsoDate } from "~/domain/dates.ts";
import { email } from "~/utils/forms.ts";

/**
 * A real calendar date inside a sane window. Dates far outside it (9999-12-31) are typing
 * mistakes, and the date arithmetic of the OTJ rules cannot run past the year 9999.
 */
const isoDate = (label: string, window: { from: IsoDate; to: IsoDate }) =>
  z
    .string({ message: `Enter ${label}.` })
    .trim()
    .min(1, `Enter ${label}.`)
    .refine(isRealDate, `Enter ${label} as a real date, for example 2026-09-01.`)
    .refine(
      (v) => !isRealDate(v) || (!isBefore(v, window.from) && !isBefore(window.to, v)),
      `Enter ${label} between ${formatLongDate(window.from)} and ${formatLongDate(window.to)}.`,
    );

function isRealDate(value: string): boolean {
  try {
    assertIsoDate(value);
    return true;
  } catch {
    return false;
  }
}

/** Programme dates: the earliest start the product takes (2015) to well past any planned end. */
const PROGRAMME_DATES = { from: "2015-01-01", to: "2099-12-31" };
/** Dates of birth: anyone of working age; the age rules at the start are checked on the server. */
const BIRTH_DATES = { from: "1900-01-01", to: "2099-12-31" };

const optionalText = (max: number, label: string) =>
  z.string().trim().max(max, `${label} must be ${max} characters or fewer.`).optional().default("");

/** One schema for the enrolment form, shared by the preview and the confirm step. */
export const EnrolmentFields = {
  email: email(),
  firstName: optionalText(100, "First name"),
  lastName: optionalText(100, "Last name"),
  upn: z
    .string()
    .trim()
    .toUpperCase()
    .regex(
      /^([A-Z]\d{11}[0-9A-Z])?$/,
      "A UPN is 13 characters: a letter, 11 digits and a digit or letter. Leave it blank if you do not know it.",
    )
    .optional()
    .default(""),
  dateOfBirth: isoDate("their date of birth", BIRTH_DATES),
  standardId: z.string({ message: "Choose an apprenticeship standard." }).uuid("Choose an apprenticeship standard."),
  startDate: isoDate("the start date", PROGRAMME_DATES),
  plannedEndDate: isoDate("the planned end date", PROGRAMME_DATES),
  contractedWeeklyHours: strictNumber(
    z
      .number({ message: "Enter contracted weekly hours as a number, like 37.5." })
      .min(1, "Contracted weekly hours must be between 1 and 48.")
      .max(48, "Contracted weekly hours must be between 1 and 48.")
      .refine((v) => Math.round(v * 100) === v * 100, "Contracted weekly hours can have at most two decimal places."),
    { decimals: true },
  ),
  priorLearningHours: strictNumber(
    z
      .number({ message: "Enter prior learning hours as a whole number (0 if none)." })
      .int("Enter prior learning hours as a whole number (0 if none).")
      .min(0, "Prior learning hours cannot be negative.")
      .max(5000, "Prior learning hours must be 5,000 or fewer."),
  ),
  englishMaths: z.enum(["auto", "required", "not-required"], {
    message: "Choose whether English and maths are required.",
  }),
  tutorId: z.string({ message: "Choose the tutor." }).uuid("Choose the tutor."),
  supervisorId: z.string({ message: "Choose the workplace supervisor." }).uuid("Choose the workplace supervisor."),
  pathwayId: z
    .union([z.literal(""), z.string().uuid("Choose a pathway from the list.")])
    .optional()
    .default(""),
};
export const EnrolmentSchema = z.object(EnrolmentFields);
export type EnrolmentInput = z.infer<typeof EnrolmentSchema>;

export const PlanChangeSchema = z.object({
  plannedEndDate: EnrolmentFields.plannedEndDate,
  contractedWeeklyHours: EnrolmentFields.contractedWeeklyHours,
  priorLearningHours: EnrolmentFields.priorLearningHours,
});
