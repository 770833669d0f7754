import { data, Form, Link, useActionData, useLoaderData } from "react-router";
import { z } from "zod";
import type { Route } from "./+types/invite.$token";
import { getViewer, startSession } from "~/auth/auth.server.ts";
import { AccountError, describeInvitation, PasswordError } from "~/auth/account.server.ts";
import { PASSWORD_MIN } from "~/auth/password-policy.ts";
import { ROLE_LABELS } from "~/auth/permissions.ts";
import { ErrorSummary, Field } from "~/components/form.tsx";
import { acceptInvitationAndEnrolment, describeEnrolmentInvitation } from "~/models/enrolment-invitations.server.ts";
import { parseForm, readForm, text } from "~/utils/forms.ts";

export const meta: Route.MetaFunction = () => [{ title: "Accept your invitation – Staffordshire Digital Skills" }];

const NewAccountForm = z.object({
  firstName: text("your first name", 100),
  lastName: text("your last name", 100),
  password: z.string().min(1, "Choose a password."),
});
const ExistingAccountForm = z.object({});

export async function loader({ request, params }: Route.LoaderArgs) {
  const [invitation, enrolment] = await Promise.all([
    describeInvitation(params.token),
    describeEnrolmentInvitation(params.token),
  ]);
  const viewer = await getViewer(request);
  return {
    invitation: invitation ? { ...invitation, roleLabel: ROLE_LABELS[invitation.role] } : null,
    enrolment,
    signedIn: Boolean(viewer),
  };
}

export async function action({ request, params }: Route.ActionArgs) {
  const viewer = await getViewer(request);
  const invitation = await describeInvitation(params.token);
  const schema = invitation?.hasAccount ? ExistingAccountForm : NewAccountForm;
  const form = parseForm(await readForm(request), schema);
  if (!form.ok) return data({ errors: form.errors, values: form.values }, { status: 400 });
  try {
    const accepted = await acceptInvitationAndEnrolment(params.token, {
      signedInUserId: viewer?.userId,
      ...(form.data as Partial<z.infer<typeof NewAccountForm>>),
    });
    return startSession(accepted.userId, accepted.roles, "/?welcome=1", request);
  } catch (error) {
    // The names come back for the next try, never the password (the page would carry it in its HTML).
    const { password: _password, ...values } = form.data as Record<string, string>;
    if (error instanceof AccountError)
      return data(
        { errors: { [error instanceof PasswordError ? "password" : "form"]: error.message }, values },
        { status: 400 },
      );
    throw error;
  }
}

export default function AcceptInvitation() {
  const { invitation, enrolment, signedIn } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  if (!invitation) {
    return (
      <div className="stack">
        <h1>This invitation has expired</h1>
        <p>Invitations work once and last seven days. Ask the person who invited you to send a new one.</p>
      </div>
    );
  }
  const errors = actionData?.errors as Record<string, string> | undefined;
  const suggestedName = invitation.suggestedName ?? enrolment?.suggestedName;
  return (
    <div className="stack" style={{ maxWidth: "32rem" }}>
      <h1>Join {invitation.organisationName}</h1>
      <p>
        You have been invited as <strong>{invitation.roleLabel}</strong> ({invitation.email}).
      </p>
      {enrolment ? (
        <section aria-labelledby="apprenticeship-title">
          <h2 id="apprenticeship-title">Your apprenticeship</h2>
          <p>
            Accepting starts your apprenticeship with {enrolment.employerName}: {enrolment.standard}, from{" "}
            {enrolment.startDate} to {enrolment.plannedEndDate}.
          </p>
          <p>
            {enrolment.employerName} gave your date of birth as {enrolment.dateOfBirth}. If that is wrong, do not
            accept: ask them to correct it.
          </p>
        </section>
      ) : null}
      <ErrorSummary errors={errors} />
      {invitation.hasAccount ? (
        signedIn ? (
          <Form method="post">
            <button type="submit">Accept invitation</button>
          </Form>
        ) : (
          <p>
            You already have an account. <Link to="/login">Sign in</Link>, then open the link in your email again.
          </p>
        )
      ) : (
        <Form method="post" noValidate>
          <Field
            name="firstName"
            label="First name"
            autoComplete="given-name"
            defaultValue={actionData?.values?.firstName ?? suggestedName?.firstName}
            error={errors?.firstName}
            required
          />
          <Field
            name="lastName"
            label="Last name"
            autoComplete="family-name"
            defaultValue={actionData?.values?.lastName ?? suggestedName?.lastName}
            error={errors?.lastName}
            required
          />
          <Field
            name="password"
            label="Choose a password"
            hint={`At least ${PASSWORD_MIN} characters. You can paste from a password manager.`}
            type="password"
            autoComplete="new-password"
            error={errors?.password}
            required
          />
          <button type="submit">Create account and join</button>
        </Form>
      )}
    </div>
  );
}
