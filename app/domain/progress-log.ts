/**
 * The progress log's shared vocabulary and form schema: entry kinds, OTJ activity types, and the
 * zod schema of the 30-second log form. Pure (no I/O), so the server (app/models/progress-ledger.server.ts),
 * the log route and the browser's offline queue all read the same rules.
 *
 * The schema checks shapes only (a date, whole minutes 1–720, an https link, a known activity
 * type). What needs the database (the module belongs to one of your pathways, the KSB codes exist
 * in YOUR standard, the date is not before your apprenticeship started) is checked by logEntry.
 */
import { z } from "zod";
import { addDays, isBefore, type IsoDate } from "./dates.ts";
import { strictNumber } from "./form-numbers.ts";
import { isUuid, UUID } from "./ids.ts";

export const ENTRY_KINDS = ["MODULE_COMPLETED", "LEARNING_TIME", "CREDENTIAL", "OTJ_ACTIVITY"] as const;
export type EntryKindName = (typeof ENTRY_KINDS)[number];

export const ENTRY_KIND_LABELS: Record<EntryKindName, string> = {
  MODULE_COMPLETED: "Module completed",
  LEARNING_TIME: "Learning time",
  CREDENTIAL: "Credential earned",
  OTJ_ACTIVITY: "Off-the-job training",
};

/** Short slugs for /log?kind=… links. */
export const KIND_SLUGS: Record<EntryKindName, string> = {
  MODULE_COMPLETED: "module",
  LEARNING_TIME: "time",
  CREDENTIAL: "credential",
  OTJ_ACTIVITY: "otj",
};

export const OTJ_ACTIVITY_TYPES = [
  { value: "learn-module", label: "Microsoft Learn module" },
  { value: "workshop", label: "Workshop or training session" },
  { value: "shadowing", label: "Shadowing" },
  { value: "mentoring", label: "Mentoring" },
  { value: "project", label: "Project work" },
  { value: "assessment-prep", label: "Assessment preparation" },
  { value: "other", label: "Other new learning" },
] as const;
export type OtjActivityType = (typeof OTJ_ACTIVITY_TYPES)[number]["value"];

export function activityTypeLabel(value: string | null | undefined): string {
  return OTJ_ACTIVITY_TYPES.find((t) => t.value === value)?.label ?? (value || "—");
}

export const MAX_MINUTES_PER_ENTRY = 720;
/** Days without verified progress before a pupil is flagged as stuck (class grid, teacher digest). */
export const STUCK_AFTER_DAYS = 14;

/** Stuck: no verified progress for 14 days since the later of joining the class and the last verified progress. */
export function isStuck(joinedOn: IsoDate, lastVerifiedProgress: IsoDate | null, today: IsoDate): boolean {
  const since = lastVerifiedProgress && !isBefore(lastVerifiedProgress, joinedOn) ? lastVerifiedProgress : joinedOn;
  return isBefore(since, addDays(today, -STUCK_AFTER_DAYS));
}

export const ENGLISH_MATHS_REFUSAL =
  "English and maths up to level 2 do not count as off-the-job training, so this cannot be logged as OTJ. Ask your tutor how to record it.";

// Built once: constructing an Intl formatter costs far more than using one (hot on every page).
const ONE_DECIMAL = new Intl.NumberFormat("en-GB", { maximumFractionDigits: 1 });

/** "1 h 30 min", "45 min", "2 h". */
export function formatMinutes(minutes: number): string {
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  if (h === 0) return `${m} min`;
  return m === 0 ? `${h} h` : `${h} h ${m} min`;
}

export function formatHours(minutes: number): string {
  const hours = Math.round((minutes / 60) * 10) / 10;
  return `${ONE_DECIMAL.format(hours)} ${hours === 1 ? "hour" : "hours"}`;
}

const isoDate = z
  .string({ message: "Enter the date." })
  .trim()
  .min(1, "Enter the date.")
  .regex(/^\d{4}-\d{2}-\d{2}$/, "Enter the date in the format 2026-11-27.")
  .refine((s) => {
    const d = new Date(`${s}T00:00:00Z`);
    return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s;
  }, "Enter a real date.");

const minutes = strictNumber(
  z
    .number({ message: "Enter the time in minutes, as a number." })
    .int("Enter whole minutes.")
    .min(1, "Enter at least 1 minute.")
    .max(
      MAX_MINUTES_PER_ENTRY,
      `Enter at most ${MAX_MINUTES_PER_ENTRY} minutes (12 hours) in one entry. Log a longer activity as separate days.`,
    ),
);

const uuid = (message: string) => z.string({ message }).trim().regex(UUID, message);

const optionalUuid = z
  .string()
  .trim()
  .optional()
  .transform((v) => (v ? v : undefined))
  .refine((v) => v === undefined || isUuid(v), "Choose an option from the list.");

/** An https link or nothing. */
export const httpsUrl = z
  .string()
  .trim()
  .max(500, "The link must be 500 characters or fewer.")
  .optional()
  .transform((v) => (v ? v : undefined))
  .refine((v) => {
    if (v === undefined) return true;
    try {
      const url = new URL(v);
      return url.protocol === "https:" && url.hostname.length > 0 && !url.username && !url.password;
    } catch {
      return false;
    }
  }, "Enter a link that starts with https://, or leave it empty.");

const clientRef = z
  .string()
  .trim()
  .optional()
  .transform((v) => (v ? v : undefined))
  .refine(
    (v) => v === undefined || /^[A-Za-z0-9-]{8,64}$/.test(v),
    "The form was damaged. Reload the page and try again.",
  );

const description = (required: boolean) =>
  required
    ? z
        .string({ message: "Say what you learnt." })
        .trim()
        .min(1, "Say what you learnt.")
        .max(2000, "Keep it to 2,000 characters or fewer.")
    : z.string().trim().max(2000, "Keep it to 2,000 characters or fewer.").optional().default("");

const yesNo = z.enum(["yes", "no"], { message: "Say whether this was done at work." }).transform((v) => v === "yes");

export const LogModuleSchema = z.object({
  kind: z.literal("MODULE_COMPLETED"),
  moduleId: uuid("Choose the module you completed."),
  occurredOn: isoDate,
  clientRef,
});

export const LogTimeSchema = z.object({
  kind: z.literal("LEARNING_TIME"),
  minutes,
  occurredOn: isoDate,
  enrolmentId: optionalUuid,
  moduleId: optionalUuid,
  description: description(false),
  clientRef,
});

export const LogCredentialSchema = z.object({
  kind: z.literal("CREDENTIAL"),
  credentialCode: z
    .string({ message: "Choose the exam or credential." })
    .trim()
    .min(1, "Choose the exam or credential.")
    .max(40, "Choose the exam or credential."),
  occurredOn: isoDate,
  evidenceUrl: httpsUrl,
  clientRef,
});

export const LogOtjSchema = z.object({
  kind: z.literal("OTJ_ACTIVITY"),
  apprenticeshipId: optionalUuid,
  occurredOn: isoDate,
  minutes,
  activityType: z.enum(OTJ_ACTIVITY_TYPES.map((t) => t.value) as [OtjActivityType, ...OtjActivityType[]], {
    message: "Choose the type of activity.",
  }),
  description: description(true),
  ksbCodes: z
    .array(
      z
        .string()
        .trim()
        .toUpperCase()
        .regex(/^[KSB]\d{1,3}$/, "Choose the knowledge, skills or behaviours from the list."),
    )
    .min(1, "Choose at least one knowledge, skill or behaviour this covered.")
    .max(60, "Choose at most 60 KSBs."),
  atWork: yesNo,
  englishMaths: z
    .string()
    .optional()
    .refine((v) => !v, ENGLISH_MATHS_REFUSAL),
  evidenceUrl: httpsUrl,
  clientRef,
});

export const LogEntrySchema = z.discriminatedUnion(
  "kind",
  [LogModuleSchema.strict(), LogTimeSchema.strict(), LogCredentialSchema.strict(), LogOtjSchema.strict()],
  {
    message: "Choose what you are logging.",
  },
);
export type LogEntryInput = z.input<typeof LogEntrySchema>;
export type LogEntryData = z.output<typeof LogEntrySchema>;

export type FieldErrors = Record<string, string>;

/** Turns a submitted form into the object LogEntrySchema reads: repeated ksbCodes kept as a list. */
export function logFormValues(formData: FormData): Record<string, unknown> {
  const values: Record<string, unknown> = {};
  for (const [key, value] of formData.entries()) {
    if (typeof value !== "string") continue;
    if (key === "ksbCodes") continue;
    if (!(key in values)) values[key] = value;
  }
  if (values.kind === "OTJ_ACTIVITY")
    values.ksbCodes = formData.getAll("ksbCodes").filter((v): v is string => typeof v === "string");
  return values;
}

/** Flattens zod issues into one message per field (the first), for the error summary. */
export function fieldErrorsOf(error: z.ZodError): FieldErrors {
  const errors: FieldErrors = {};
  for (const issue of error.issues) {
    if (issue.code === "unrecognized_keys") {
      errors.form ??= "The form contained fields it should not have. Reload the page and try again.";
      continue;
    }
    const key = String(issue.path[0] ?? "form");
    errors[key] ??= issue.message;
  }
  return errors;
}
