/**
 * Server-side form parsing: one zod schema per form, strict (an unexpected field is an error,
 * never silently applied). Errors come back per field, in words a person can act on.
 *
 * Every action reads its body through `readForm`: a body that is not a form, or does not parse
 * as one, is the sender's mistake and answers 4xx with a message, never 500.
 */
import { z } from "zod";

const FORM_TYPES = /^\s*(application\/x-www-form-urlencoded|multipart\/form-data)\s*(;|$)/i;

/**
 * The request's form, or a thrown 4xx answer the page's error boundary shows: 400 when no form
 * came or it cannot be read (a broken multipart body, a body cut off, one over the size limit:
 * the server has already answered 413 to that one), 415 for any other kind of body (JSON, text).
 */
export async function readForm(request: Request): Promise<FormData> {
  const type = request.headers.get("content-type");
  if (!type) throw refusal("No form arrived with this request. Go back, reload the page and try again.", 400);
  if (!FORM_TYPES.test(type))
    throw refusal("This address takes forms sent from its page, and what arrived was not one.", 415);
  try {
    return await request.formData();
  } catch {
    throw refusal("The form did not arrive complete. Go back, reload the page and try again.", 400);
  }
}

// A plain Response, not react-router's data(): this module is shared with the browser and with
// tests that import models, and must not load React before the server bundle does.
const refusal = (message: string, status: number) =>
  new Response(message, { status, headers: { "Content-Type": "text/plain; charset=utf-8" } });

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
  z
    .string({ message: `Enter ${label}.` })
    .trim()
    .min(1, `Enter ${label}.`)
    .max(max, `${capitalise(label)} must be ${max} characters or fewer.`);

export const email = () =>
  z
    .string({ message: "Enter an email address." })
    .trim()
    .toLowerCase()
    .min(1, "Enter an email address.")
    .max(254, "That email address is too long.")
    .email("Enter an email address in the right format, like name@example.org.");

function capitalise(s: string) {
  return s.charAt(0).toUpperCase() + s.slice(1);
}
