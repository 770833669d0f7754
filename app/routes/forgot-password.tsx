import { data, Form, Link, useActionData } from "react-router";
import { z } from "zod";
import type { Route } from "./+types/forgot-password";
import { requestPasswordReset } from "~/auth/account.server.ts";
import { ErrorSummary, Field, Notice } from "~/components/form.tsx";
import { email, parseForm, readForm } from "~/utils/forms.ts";
import { requestContext } from "~/load-context.ts";

export const meta: Route.MetaFunction = () => [{ title: "Reset your password – Staffordshire Digital Skills" }];

const ForgotForm = z.object({ email: email() });

export async function action({ request, context }: Route.ActionArgs) {
  const form = parseForm(await readForm(request), ForgotForm);
  if (!form.ok) return data({ sent: false, errors: form.errors }, { status: 400 });
  await requestPasswordReset(form.data.email, context.get(requestContext).clientIp);
  // The same answer whether or not the address has an account.
  return { sent: true, errors: null };
}

export default function ForgotPassword() {
  const actionData = useActionData<typeof action>();
  if (actionData?.sent) {
    return (
      <div className="stack">
        <h1>Check your email</h1>
        <Notice tone="success">
          If that address has an account, we have sent it a link to reset the password. The link works once, for one
          hour.
        </Notice>
        <p>
          <Link to="/login">Back to sign in</Link>
        </p>
      </div>
    );
  }
  return (
    <div className="stack" style={{ maxWidth: "32rem" }}>
      <h1>Reset your password</h1>
      <ErrorSummary errors={actionData?.errors} />
      <p>
        Enter the email address you sign in with. Pupils without an email address: ask your teacher for a new setup
        code.
      </p>
      <Form method="post" noValidate>
        <Field
          name="email"
          label="Email address"
          type="email"
          autoComplete="email"
          error={actionData?.errors?.email}
          required
        />
        <button type="submit">Send reset link</button>
      </Form>
    </div>
  );
}
