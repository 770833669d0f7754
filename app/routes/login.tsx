import { data, Form, Link, redirect, useActionData, useNavigation, useSearchParams } from "react-router";
import { z } from "zod";
import type { Route } from "./+types/login";
import { getViewer, startSession } from "~/auth/auth.server.ts";
import { signIn } from "~/auth/sign-in.server.ts";
import { ErrorSummary, Field } from "~/components/form.tsx";
import { parseForm, readForm } from "~/utils/forms.ts";
import { retryAfterHeaders } from "~/utils/retry-after.ts";
import { safeRedirect } from "~/utils/safe-redirect.ts";
import { requestContext } from "~/load-context.ts";

export const meta: Route.MetaFunction = () => [{ title: "Sign in – Staffordshire Digital Skills" }];

const SignInForm = z.object({
  identifier: z
    .string()
    .trim()
    .min(1, "Enter your email address or username.")
    .max(254, "That is too long to be an email address or username."),
  password: z.string().min(1, "Enter your password.").max(1024, "That password is too long."),
  redirectTo: z.string().optional(),
});

export const headers = retryAfterHeaders;

export async function loader({ request }: Route.LoaderArgs) {
  if (await getViewer(request)) throw redirect("/");
  return null;
}

export async function action({ request, context }: Route.ActionArgs) {
  const form = parseForm(await readForm(request), SignInForm);
  if (!form.ok) return data({ errors: form.errors, identifier: form.values.identifier ?? "" }, { status: 400 });
  const result = await signIn({
    identifier: form.data.identifier,
    password: form.data.password,
    ip: context.get(requestContext).clientIp,
  });
  if (!result.ok) {
    const headers = result.retryAfterSeconds ? { "Retry-After": String(result.retryAfterSeconds) } : undefined;
    return data(
      { errors: { form: result.message }, identifier: form.data.identifier },
      { status: result.status, headers },
    );
  }
  return startSession(result.userId, result.roles, safeRedirect(form.data.redirectTo, "/"), request);
}

export default function Login() {
  const actionData = useActionData<typeof action>();
  const [params] = useSearchParams();
  const busy = useNavigation().state === "submitting";
  return (
    <div className="stack" style={{ maxWidth: "32rem" }}>
      <h1>Sign in</h1>
      <ErrorSummary errors={actionData?.errors} />
      <Form method="post" noValidate>
        <input type="hidden" name="redirectTo" value={params.get("redirectTo") ?? "/"} />
        <Field
          name="identifier"
          label="Email address or username"
          hint="Pupils: use the username your teacher gave you."
          type="text"
          autoComplete="username"
          autoCapitalize="none"
          spellCheck={false}
          defaultValue={actionData?.identifier}
          error={actionData?.errors && "identifier" in actionData.errors ? actionData.errors.identifier : undefined}
          required
        />
        <Field
          name="password"
          label="Password"
          type="password"
          autoComplete="current-password"
          error={actionData?.errors && "password" in actionData.errors ? actionData.errors.password : undefined}
          required
        />
        <div className="actions">
          <button type="submit" disabled={busy}>
            Sign in
          </button>
          <Link to="/forgot-password">Forgotten your password?</Link>
        </div>
      </Form>
      <p>
        Pupil with a setup code from your teacher? <Link to="/setup">Set your password</Link>.
      </p>
      <p>
        New school or employer? <Link to="/register">Ask to join the partnership</Link>.
      </p>
    </div>
  );
}
