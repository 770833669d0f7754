import { data, Form, useActionData, useLoaderData } from "react-router";
import { z } from "zod";
import type { Route } from "./+types/account";
import { requireViewer } from "~/auth/auth.server.ts";
import { AccountError, changePassword, PasswordError } from "~/auth/account.server.ts";
import { verifyPassword } from "~/auth/password.server.ts";
import { PASSWORD_MIN } from "~/auth/password-policy.ts";
import { ErrorSummary, Field, Notice } from "~/components/form.tsx";
import { parseForm, readForm } from "~/utils/forms.ts";
import { getPrefs, setPrefs } from "~/models/notification-prefs.server.ts"; // notification preferences

export const meta: Route.MetaFunction = () => [{ title: "Your account – Staffordshire Digital Skills" }];

const ChangePasswordForm = z.object({
  currentPassword: z.string().min(1, "Enter your current password."),
  newPassword: z.string().min(1, "Enter a new password."),
});

// ── notification preferences (check boxes post "on" when ticked, nothing when not) ──
const NotificationsForm = z.object({
  intent: z.literal("notifications"),
  reminders: z.literal("on").optional(),
  digest: z.literal("on").optional(),
});

export async function loader({ request }: Route.LoaderArgs) {
  const viewer = await requireViewer(request);
  return { displayName: viewer.displayName, prefs: await getPrefs(viewer.userId) };
}

export async function action({ request }: Route.ActionArgs) {
  const viewer = await requireViewer(request);
  const formData = await readForm(request);
  if (formData.get("intent") === "notifications") {
    const prefsForm = parseForm(formData, NotificationsForm);
    if (!prefsForm.ok) return data({ changed: false, prefsSaved: false, errors: prefsForm.errors }, { status: 400 });
    await setPrefs(viewer.userId, {
      reminders: prefsForm.data.reminders === "on",
      digest: prefsForm.data.digest === "on",
    });
    return { changed: false, prefsSaved: true, errors: null };
  }
  const form = parseForm(formData, ChangePasswordForm);
  if (!form.ok) return data({ changed: false, prefsSaved: false, errors: form.errors }, { status: 400 });
  try {
    await changePassword(viewer, viewer.session.id, form.data.currentPassword, form.data.newPassword, verifyPassword);
  } catch (error) {
    if (error instanceof AccountError)
      return data(
        {
          changed: false,
          prefsSaved: false,
          errors: { [error instanceof PasswordError ? "newPassword" : "form"]: error.message } as Record<
            string,
            string
          >,
        },
        { status: 400 },
      );
    throw error;
  }
  return { changed: true, prefsSaved: false, errors: null };
}

export default function Account() {
  const actionData = useActionData<typeof action>();
  const { prefs } = useLoaderData<typeof loader>();
  return (
    <div className="stack" style={{ maxWidth: "32rem" }}>
      <h1>Your account</h1>
      {actionData?.changed ? (
        <Notice tone="success">Your password has been changed. You have been signed out everywhere else.</Notice>
      ) : null}
      <ErrorSummary errors={actionData?.errors} />
      <h2>Change your password</h2>
      <Form method="post" noValidate>
        <Field
          name="currentPassword"
          label="Current password"
          type="password"
          autoComplete="current-password"
          error={actionData?.errors?.currentPassword}
          required
        />
        <Field
          name="newPassword"
          label="New password"
          hint={`At least ${PASSWORD_MIN} characters.`}
          type="password"
          autoComplete="new-password"
          error={actionData?.errors?.newPassword}
          required
        />
        <button type="submit">Change password</button>
      </Form>
      {/* Notification preferences */}
      <h2 id="notifications">Email reminders and digests</h2>
      {actionData?.prefsSaved ? <Notice tone="success">Your email choices have been saved.</Notice> : null}
      <Form method="post" noValidate>
        <input type="hidden" name="intent" value="notifications" />
        <fieldset className="checkbox-group">
          <legend>Which emails would you like?</legend>
          <p className="hint">
            Emails you need to use your account, such as password resets, always arrive. We never send reminders between
            8pm and 7am.
          </p>
          <div className="checkbox">
            <input type="checkbox" id="pref-reminders" name="reminders" defaultChecked={prefs.reminders} />
            <label htmlFor="pref-reminders">Reminders about my own off-the-job training and reviews</label>
          </div>
          <div className="checkbox">
            <input type="checkbox" id="pref-digest" name="digest" defaultChecked={prefs.digest} />
            <label htmlFor="pref-digest">Weekly digests of what is waiting for me (inbox, classes or caseload)</label>
          </div>
        </fieldset>
        <button type="submit">Save email choices</button>
      </Form>
    </div>
  );
}
