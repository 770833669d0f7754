/**
 * One-click unsubscribe from reminders or digests. No sign-in: the signed token in the
 * address is the authorisation (app/models/notification-prefs.server.ts).
 * - GET shows what will stop and a button; it never changes anything (link scanners and
 *   prefetchers follow GET links).
 * - POST switches that category off. It is also the RFC 8058 one-click endpoint: mail clients
 *   POST `List-Unsubscribe=One-Click` cross-site, which app/http/origin-check.server.ts lets
 *   through for this exact path only. No cookie is read; no session is needed.
 */
import { data, Form, Link, useActionData, useLoaderData } from "react-router";
import type { Route } from "./+types/unsubscribe.$token";
import { Notice } from "~/components/form.tsx";
import { CATEGORY_LABELS, unsubscribe, verifyUnsubscribeToken } from "~/models/notification-prefs.server.ts";

export const meta: Route.MetaFunction = () => [
  { title: "Unsubscribe – Staffordshire Digital Skills" },
  { name: "referrer", content: "no-referrer" },
];

export async function loader({ params }: Route.LoaderArgs) {
  const verified = verifyUnsubscribeToken(params.token);
  if (!verified) return data({ valid: false as const, what: null }, { status: 404 });
  return { valid: true as const, what: CATEGORY_LABELS[verified.category] };
}

export async function action({ request, params }: Route.ActionArgs) {
  // The body is either empty (our button) or RFC 8058's `List-Unsubscribe=One-Click`; nothing else is read.
  await request.text().catch(() => "");
  const done = await unsubscribe(params.token);
  if (!done) return data({ done: false as const, what: null }, { status: 404 });
  return { done: true as const, what: CATEGORY_LABELS[done.category] };
}

export default function Unsubscribe() {
  const loaded = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  if (actionData?.done) {
    return (
      <div className="stack" style={{ maxWidth: "36rem" }}>
        <h1>You have unsubscribed</h1>
        <Notice tone="success">We will not send you {actionData.what} any more.</Notice>
        <p>
          Emails you need to use your account, such as password resets and invitations, still arrive. You can turn these
          emails back on from <Link to="/account">your account page</Link> after signing in.
        </p>
      </div>
    );
  }
  if (!loaded.valid || actionData?.done === false) {
    return (
      <div className="stack" style={{ maxWidth: "36rem" }}>
        <h1>This unsubscribe link does not work</h1>
        <p>
          It may have been copied incompletely. You can choose which emails you get on{" "}
          <Link to="/account">your account page</Link> after signing in.
        </p>
      </div>
    );
  }
  return (
    <div className="stack" style={{ maxWidth: "36rem" }}>
      <h1>Unsubscribe</h1>
      <p>Stop {loaded.what}?</p>
      <Form method="post">
        <button type="submit">Unsubscribe</button>
      </Form>
      <p>You can turn them back on at any time from your account page.</p>
    </div>
  );
}
