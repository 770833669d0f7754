/**
 * Server-side form parsing: one zod schema per form, strict (an unexpected field is an error,
 * never silently applied). Errors come back per field, in words a person can act on.
 */
import { z } from "zod";

export type FieldErrors = Record<string, string>;
export type FormResult<T> = { ok: true; data: T } | { ok: false; errors: FieldErrors; values: Record<string, string> };

// `.strict()` builds a new schema that zod compiles again on first parse: build it once per form.
const strictSchemas = new WeakMap<z.ZodObject, z.ZodObject>();
function strictOf(schema: z.ZodObject): z.ZodObject {
  let strict = strictSchemas.get(schema);
  if (!strict) strictSchemas.set(schema, (strict = schema.strict()));
  return strict;
}

export function parseForm<S extends z.ZodObject>(formData: FormData, schema: S): FormResult<z.infer<S>> {
  const values: Record<string, string> = {};
  for (const [key, value] of formData.entries()) {
    if (typeof value === "string" && !(key in values)) values[key] = value;
  }
  const parsed = strictOf(schema).safeParse(values);
  if (parsed.success) return { ok: true, data: parsed.data as z.infer<S> };
  const errors: FieldErrors = {};
  for (const issue of parsed.error.issues) {
    if (issue.code === "unrecognized_keys") {
      errors.form = "The form contained fields it should not have. Reload the page and try again.";
      continue;
    }
    const key = String(issue.path[0] ?? "form");
    errors[key] ??= issue.message;
  }
  // Never echo passwords back into the page.
  for (const key of Object.keys(values)) if (/password/i.test(key)) delete values[key];
  return { ok: false, errors, values };
}

export const text = (label: string, max = 200) =>
  z.string({ message: `Enter ${label}.` }).trim().min(1, `Enter ${label}.`).max(max, `${capitalise(label)} must be ${max} characters or fewer.`);

export const email = () =>
  z.string({ message: "Enter an email address." }).trim().toLowerCase().min(1, "Enter an email address.").max(254, "That email address is too long.")
    .email("Enter an email address in the right format, like name@example.org.");

function capitalise(s: string) {
  return s.charAt(0).toUpperCase() + s.slice(1);
}
