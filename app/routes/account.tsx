import { data, Form, useActionData } from "react-router";
import { z } from "zod";
import type { Route } from "./+types/account";
import { requireViewer } from "~/auth/auth.server.ts";
import { AccountError, changePassword } from "~/auth/account.server.ts";
import { verifyPassword } from "~/auth/password.server.ts";
import { PASSWORD_MIN } from "~/auth/password-policy.ts";
import { ErrorSummary, Field, Notice } from "~/components/form.tsx";
import { parseForm } from "~/utils/forms.ts";

export const meta: Route.MetaFunction = () => [{ title: "Your account – Staffordshire Digital Skills" }];

const ChangePasswordForm = z.object({
  currentPassword: z.string().min(1, "Enter your current password."),
  newPassword: z.string().min(1, "Enter a new password."),
});

export async function loader({ request }: Route.LoaderArgs) {
  const viewer = await requireViewer(request);
  return { displayName: viewer.displayName };
}

export async function action({ request }: Route.ActionArgs) {
  const viewer = await requireViewer(request);
  const form = parseForm(await request.formData(), ChangePasswordForm);
  if (!form.ok) return data({ changed: false, errors: form.errors }, { status: 400 });
  try {
    await changePassword(viewer, viewer.session.id, form.data.currentPassword, form.data.newPassword, verifyPassword);
  } catch (error) {
    if (error instanceof AccountError) return data({ changed: false, errors: { form: error.message } as Record<string, string> }, { status: 400 });
    throw error;
  }
  return { changed: true, errors: null };
}

export default function Account() {
  const actionData = useActionData<typeof action>();
  return (
    <div className="stack" style={{ maxWidth: "32rem" }}>
      <h1>Your account</h1>
      {actionData?.changed ? <Notice tone="success">Your password has been changed. You have been signed out everywhere else.</Notice> : null}
      <ErrorSummary errors={actionData?.errors} />
      <h2>Change your password</h2>
      <Form method="post" noValidate>
        <Field name="currentPassword" label="Current password" type="password" autoComplete="current-password" error={actionData?.errors?.currentPassword} required />
        <Field name="newPassword" label="New password" hint={`At least ${PASSWORD_MIN} characters.`} type="password" autoComplete="new-password" error={actionData?.errors?.newPassword} required />
        <button type="submit">Change password</button>
      </Form>
    </div>
  );
}
