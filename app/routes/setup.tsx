import { data, Form, useActionData } from "react-router";
import { z } from "zod";
import type { Route } from "./+types/setup";
import { startSession } from "~/auth/auth.server.ts";
import { AccountError, PasswordError, redeemSetupCode } from "~/auth/account.server.ts";
import { PASSWORD_MIN } from "~/auth/password-policy.ts";
import { checkSignInThrottle, recordSignInFailure, retryMessage } from "~/auth/throttle.server.ts";
import { ErrorSummary, Field } from "~/components/form.tsx";
import { parseForm, readForm, text } from "~/utils/forms.ts";
import { retryAfterHeaders } from "~/utils/retry-after.ts";
import { requestContext } from "~/load-context.ts";

export const meta: Route.MetaFunction = () => [{ title: "Set your password – Staffordshire Digital Skills" }];

const SetupForm = z.object({
  username: text("your username", 64),
  code: text("the setup code from your teacher", 20),
  password: z.string().min(1, "Choose a password."),
});

export const headers = retryAfterHeaders;

export async function action({ request, context }: Route.ActionArgs) {
  const form = parseForm(await readForm(request), SetupForm);
  if (!form.ok) return data({ errors: form.errors, values: form.values }, { status: 400 });
  // Setup codes are short, so guesses are throttled like sign-ins.
  const verdict = await checkSignInThrottle(`setup:${form.data.username}`, context.get(requestContext).clientIp);
  if (!verdict.allowed)
    return data(
      {
        errors: { form: retryMessage(verdict.retryAfterSeconds) },
        values: { username: form.data.username, code: form.data.code },
      },
      { status: 429, headers: { "Retry-After": String(verdict.retryAfterSeconds) } },
    );
  try {
    const result = await redeemSetupCode(form.data);
    return startSession(result.userId, result.roles, "/", request);
  } catch (error) {
    if (!(error instanceof AccountError)) throw error;
    const values = { username: form.data.username, code: form.data.code };
    // The username and code were right: choosing a weak password is not a guess.
    if (error instanceof PasswordError) return data({ errors: { password: error.message }, values }, { status: 400 });
    await recordSignInFailure(`setup:${form.data.username}`, context.get(requestContext).clientIp);
    return data({ errors: { form: error.message }, values }, { status: 400 });
  }
}

export default function Setup() {
  const actionData = useActionData<typeof action>();
  const errors = actionData?.errors as Record<string, string> | undefined;
  return (
    <div className="stack" style={{ maxWidth: "32rem" }}>
      <h1>Set your password</h1>
      <p>Your teacher gave you a username and a setup code on paper. Use them once to choose your own password.</p>
      <ErrorSummary errors={errors} />
      <Form method="post" noValidate>
        <Field
          name="username"
          label="Username"
          autoComplete="username"
          autoCapitalize="none"
          spellCheck={false}
          defaultValue={actionData?.values?.username}
          error={errors?.username}
          required
        />
        <Field
          name="code"
          label="Setup code"
          hint="Eight letters and numbers, like ABCD-2345."
          autoComplete="one-time-code"
          autoCapitalize="characters"
          spellCheck={false}
          defaultValue={actionData?.values?.code}
          error={errors?.code}
          required
        />
        <Field
          name="password"
          label="Choose a password"
          hint={`At least ${PASSWORD_MIN} characters. Three random words are easy to remember.`}
          type="password"
          autoComplete="new-password"
          error={errors?.password}
          required
        />
        <button type="submit">Save password and sign in</button>
      </Form>
    </div>
  );
}
