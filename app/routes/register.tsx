import { data, Form, Link, useActionData, useLoaderData } from "react-router";
import { z } from "zod";
import type { Route } from "./+types/register";
import { AccountError, PasswordError } from "~/auth/account.server.ts";
import { checkRegistrationThrottle, registrationRetryMessage } from "~/auth/throttle.server.ts";
import { PASSWORD_MIN } from "~/auth/password-policy.ts";
import { ErrorSummary, Field, SelectField } from "~/components/form.tsx";
import { db } from "~/db/client.server.ts";
import { requestRegistration } from "~/models/registration.server.ts";
import { email, parseForm, readForm, text } from "~/utils/forms.ts";
import { retryAfterHeaders } from "~/utils/retry-after.ts";
import { requestContext } from "~/load-context.ts";

export const meta: Route.MetaFunction = () => [{ title: "Ask to join – Staffordshire Digital Skills" }];

const RegisterForm = z
  .object({
    kind: z.enum(["SCHOOL", "EMPLOYER"], { message: "Choose whether you are a school or an employer." }),
    name: text("the organisation's name"),
    districtCode: z.string().regex(/^E0[67]\d{6}$/, "Choose the area the organisation is in."),
    urn: z
      .string()
      .trim()
      .regex(/^(\d{6})?$/, "A school URN is six digits.")
      .optional(),
    companyNumber: z
      .string()
      .trim()
      .toUpperCase()
      .regex(/^([A-Z0-9]{8})?$/, "A company number is eight characters, like 01234567 or SC123456.")
      .optional(),
    sector: z.string().trim().max(100).optional(),
    firstName: text("your first name", 100),
    lastName: text("your last name", 100),
    email: email(),
    password: z.string().min(1, "Choose a password."),
  })
  .superRefine((value, ctx) => {
    if (value.kind === "SCHOOL" && !value.urn)
      ctx.addIssue({ code: "custom", path: ["urn"], message: "Enter the school's URN (six digits)." });
  });

export const headers = retryAfterHeaders;

export async function loader() {
  return { districts: await db().district.findMany({ orderBy: { name: "asc" } }) };
}

export async function action({ request, context }: Route.ActionArgs) {
  const formData = await readForm(request);
  const form = parseForm(formData, RegisterForm);
  if (!form.ok) return data({ errors: form.errors, values: form.values }, { status: 400 });
  // What was typed comes back for the next try, but never the password (parseForm drops it from
  // form.values too): the page would carry it in its HTML.
  const { password: _password, ...values }: Record<string, string | undefined> = form.data;
  const throttle = await checkRegistrationThrottle(context.get(requestContext).clientIp);
  if (!throttle.allowed) {
    return data(
      { errors: { form: registrationRetryMessage(throttle.retryAfterSeconds) } as Record<string, string>, values },
      { status: 429, headers: { "Retry-After": String(throttle.retryAfterSeconds) } },
    );
  }
  try {
    // The same answer whether or not the address has an account (decision 030): what happens
    // next is in the email, which only the owner of the address reads.
    await requestRegistration(form.data);
    return { sent: form.data.email };
  } catch (error) {
    if (error instanceof AccountError)
      return data(
        {
          errors: { [error instanceof PasswordError ? "password" : "form"]: error.message } as Record<string, string>,
          values,
        },
        { status: 400 },
      );
    throw error;
  }
}

export default function Register() {
  const { districts } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  if (actionData && "sent" in actionData) {
    return (
      <div className="stack" style={{ maxWidth: "36rem" }}>
        <h1>Check your email</h1>
        <p role="status">
          We've sent a link to <strong>{actionData.sent}</strong> to confirm your request. Open it within a day to send
          your request to the partnership.
        </p>
        <p>
          If nothing arrives within a few minutes, look in your spam folder, or check the address and{" "}
          <Link to="/register">ask again</Link>.
        </p>
      </div>
    );
  }
  const errors = actionData?.errors;
  const values = (actionData?.values ?? {}) as Record<string, string>;
  return (
    <div className="stack" style={{ maxWidth: "36rem" }}>
      <h1>Ask to join the partnership</h1>
      <p>
        Schools and employers in Staffordshire and Stoke-on-Trent can join. The partnership checks each request before
        staff can be invited.
      </p>
      <ErrorSummary errors={errors} />
      <Form method="post" noValidate>
        <SelectField
          name="kind"
          label="We are a"
          defaultValue={values.kind}
          error={errors?.kind}
          options={[
            { value: "SCHOOL", label: "School" },
            { value: "EMPLOYER", label: "Employer" },
          ]}
        />
        <Field name="name" label="Organisation name" defaultValue={values.name} error={errors?.name} required />
        <SelectField
          name="districtCode"
          label="Area"
          defaultValue={values.districtCode}
          error={errors?.districtCode}
          options={districts.map((d) => ({ value: d.code, label: d.name }))}
        />
        <Field
          name="urn"
          label="School URN (schools only)"
          inputMode="numeric"
          defaultValue={values.urn}
          error={errors?.urn}
        />
        <Field
          name="companyNumber"
          label="Company number (employers, optional)"
          defaultValue={values.companyNumber}
          error={errors?.companyNumber}
        />
        <Field name="sector" label="Sector (employers, optional)" defaultValue={values.sector} error={errors?.sector} />
        <h2>Your details</h2>
        <Field
          name="firstName"
          label="First name"
          autoComplete="given-name"
          defaultValue={values.firstName}
          error={errors?.firstName}
          required
        />
        <Field
          name="lastName"
          label="Last name"
          autoComplete="family-name"
          defaultValue={values.lastName}
          error={errors?.lastName}
          required
        />
        <Field
          name="email"
          label="Work email address"
          type="email"
          autoComplete="email"
          defaultValue={values.email}
          error={errors?.email}
          required
        />
        <Field
          name="password"
          label="Choose a password"
          hint={`At least ${PASSWORD_MIN} characters.`}
          type="password"
          autoComplete="new-password"
          error={errors?.password}
          required
        />
        <button type="submit">Send request</button>
      </Form>
    </div>
  );
}
