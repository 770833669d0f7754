import { data, Form, Link, redirect, useActionData, useLoaderData } from "react-router";
import { z } from "zod";
import type { Route } from "./+types/reset-password.$token";
import { AccountError, isResetLinkUsable, resetPassword } from "~/auth/account.server.ts";
import { PASSWORD_MIN } from "~/auth/password-policy.ts";
import { ErrorSummary, Field } from "~/components/form.tsx";
import { parseForm, readForm } from "~/utils/forms.ts";

export const meta: Route.MetaFunction = () => [{ title: "Choose a new password – Staffordshire Digital Skills" }];

const ResetForm = z.object({ password: z.string().min(1, "Enter a new password.") });

export async function loader({ params }: Route.LoaderArgs) {
  return { usable: await isResetLinkUsable(params.token) };
}

export async function action({ request, params }: Route.ActionArgs) {
  const form = parseForm(await readForm(request), ResetForm);
  if (!form.ok) return data({ errors: form.errors }, { status: 400 });
  try {
    await resetPassword(params.token, form.data.password);
  } catch (error) {
    if (error instanceof AccountError) return data({ errors: { password: error.message } }, { status: 400 });
    throw error;
  }
  return redirect("/login?reset=1");
}

export default function ResetPassword() {
  const { usable } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  if (!usable) {
    return (
      <div className="stack">
        <h1>This link has expired</h1>
        <p>
          Reset links work once, for one hour. <Link to="/forgot-password">Ask for a new link</Link>.
        </p>
      </div>
    );
  }
  return (
    <div className="stack" style={{ maxWidth: "32rem" }}>
      <h1>Choose a new password</h1>
      <ErrorSummary errors={actionData?.errors} />
      <Form method="post" noValidate>
        <Field
          name="password"
          label="New password"
          hint={`At least ${PASSWORD_MIN} characters. Three random words work well. You can paste from a password manager.`}
          type="password"
          autoComplete="new-password"
          error={actionData?.errors?.password}
          required
        />
        <button type="submit">Save password and sign in again</button>
      </Form>
    </div>
  );
}
