import { Fragment } from "react";
import { useLoaderData } from "react-router";
import type { Route } from "./+types/dev.mail";
import { requirePermission } from "~/auth/auth.server.ts";
import { listCaughtMail } from "~/mail/caught-mail.server.ts";
import { isProduction } from "~/utils/env.server.ts";
import { notFound } from "~/utils/http-errors.ts";

// Development only: the emails the local mail catcher received (npm run dev starts it).
export const meta: Route.MetaFunction = () => [{ title: "Caught emails (development) – Staffordshire Digital Skills" }];

export async function loader({ request }: Route.LoaderArgs) {
  if (isProduction()) notFound();
  await requirePermission(request, "dev-mail:read");
  const mails = await listCaughtMail();
  return {
    mails: mails.map((m) => ({
      id: m.id,
      subject: m.subject,
      to: m.to,
      receivedAt: m.receivedAt.toISOString(),
      text: m.text,
    })),
  };
}

const URL_PATTERN = /(https?:\/\/[^\s<>"')\]]+)/g;

/** Plain text with its web addresses turned into links. */
function LinkedText({ text }: { text: string }) {
  const parts = text.split(URL_PATTERN);
  return (
    <>
      {parts.map((part, i) =>
        i % 2 === 1 ? (
          <a key={i} href={part}>
            {part}
          </a>
        ) : (
          <Fragment key={i}>{part}</Fragment>
        ),
      )}
    </>
  );
}

const timeFormat = new Intl.DateTimeFormat("en-GB", {
  dateStyle: "medium",
  timeStyle: "medium",
  timeZone: "Europe/London",
});

export default function DevMail() {
  const { mails } = useLoaderData<typeof loader>();
  return (
    <div className="stack">
      <h1>Caught emails</h1>
      <p>
        Emails sent in development go to the local mail catcher, not to real inboxes. Newest first;{" "}
        {mails.length === 0 ? "none yet." : `${mails.length} shown.`}
      </p>
      {mails.length > 0 && (
        <ol className="stack" aria-label="Caught emails, newest first">
          {mails.map((mail) => (
            <li key={mail.id}>
              <article aria-labelledby={`mail-${mail.id}`} className="stack">
                <h2 id={`mail-${mail.id}`}>{mail.subject || "(no subject)"}</h2>
                <dl>
                  <dt>To</dt>
                  <dd>{mail.to.join(", ")}</dd>
                  <dt>Received</dt>
                  <dd>
                    <time dateTime={mail.receivedAt}>{timeFormat.format(new Date(mail.receivedAt))}</time>
                  </dd>
                </dl>
                <h3 className="visually-hidden">Message</h3>
                <pre style={{ whiteSpace: "pre-wrap", overflowWrap: "anywhere" }}>
                  <LinkedText text={mail.text} />
                </pre>
              </article>
            </li>
          ))}
        </ol>
      )}
    </div>
  );
}
