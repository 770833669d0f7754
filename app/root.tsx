import {
  Form,
  isRouteErrorResponse,
  Link,
  Links,
  Meta,
  NavLink,
  Outlet,
  Scripts,
  ScrollRestoration,
  useLoaderData,
  useRouteError,
  useRouteLoaderData,
  type ShouldRevalidateFunctionArgs,
} from "react-router";
import type { Route } from "./+types/root";
import { getViewer } from "~/auth/auth.server.ts";
import { navigationFor } from "~/auth/navigation.ts";
import { ROLE_LABELS } from "~/auth/permissions.ts";
import { inboxCount } from "~/models/inbox.server.ts"; // "Inbox (N)" in the navigation
import { pendingCount } from "~/models/verification.server.ts"; // "Verify (N)" in the navigation
import stylesheet from "~/styles/app.css?url";
import { requestContext } from "~/load-context.ts";

export const links: Route.LinksFunction = () => [
  { rel: "stylesheet", href: stylesheet },
  { rel: "icon", href: "/favicon.svg", type: "image/svg+xml" },
];

export const meta: Route.MetaFunction = () => [{ title: "Staffordshire Digital Skills" }];

export async function loader({ request, context }: Route.LoaderArgs) {
  const viewer = await getViewer(request);
  return {
    nonce: context.get(requestContext).nonce,
    viewer: viewer
      ? {
          displayName: viewer.displayName,
          roles: [...new Set(viewer.memberships.map((m) => `${ROLE_LABELS[m.role]}, ${m.organisationName}`))],
          nav: navigationFor(viewer, {
            inbox: (await inboxCount(viewer))?.total,
            verify: await pendingCount(viewer) /* no query unless a verifier */,
          }), // one cheap count query for employer roles
        }
      : null,
  };
}

// An entry the log form kept on the device (offline) must not trigger a reload of the
// layout's data, which would fail without a connection and replace the page with an error.
export function shouldRevalidate({ actionResult, defaultShouldRevalidate }: ShouldRevalidateFunctionArgs) {
  if (actionResult && typeof actionResult === "object" && "queued" in actionResult && actionResult.queued) return false;
  return defaultShouldRevalidate;
}

export function Layout({ children }: { children: React.ReactNode }) {
  const data = useRouteLoaderData<typeof loader>("root");
  const nonce = data?.nonce;
  return (
    <html lang="en-GB">
      <head>
        <meta charSet="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <Meta />
        <Links />
      </head>
      <body>
        <a className="skip-link" href="#main">
          Skip to main content
        </a>
        {children}
        <ScrollRestoration nonce={nonce} />
        <Scripts nonce={nonce} />
      </body>
    </html>
  );
}

export default function App() {
  const { viewer } = useLoaderData<typeof loader>();
  return (
    <>
      <header className="site-header">
        <div className="container site-header__inner">
          <Link to="/" className="brand">
            Staffordshire Digital Skills
          </Link>
          {viewer ? (
            <nav aria-label="Main">
              <ul className="nav-list">
                {viewer.nav.map((item) => (
                  <li key={item.to}>
                    <NavLink to={item.to} end={item.to === "/"}>
                      {item.label}
                    </NavLink>
                  </li>
                ))}
                <li>
                  <Form method="post" action="/logout">
                    <button type="submit" className="link-button">
                      Sign out
                    </button>
                  </Form>
                </li>
              </ul>
            </nav>
          ) : (
            <nav aria-label="Main">
              <ul className="nav-list">
                <li>
                  <Link to="/login">Sign in</Link>
                </li>
              </ul>
            </nav>
          )}
        </div>
      </header>
      <main id="main" className="container" tabIndex={-1}>
        <Outlet />
      </main>
      <SiteFooter signedInAs={viewer?.displayName} />
    </>
  );
}

function SiteFooter({ signedInAs }: { signedInAs?: string }) {
  return (
    <footer className="site-footer">
      <div className="container">
        {signedInAs ? <p>Signed in as {signedInAs}.</p> : null}
        <ul className="footer-links">
          <li>
            <Link to="/privacy">Privacy notice</Link>
          </li>
          <li>
            <Link to="/accessibility">Accessibility statement</Link>
          </li>
        </ul>
        <p>A Staffordshire County Council and university partnership.</p>
      </div>
    </footer>
  );
}

export function ErrorBoundary() {
  const error = useRouteError();
  const notFound = isRouteErrorResponse(error) && error.status === 404;
  const title = notFound
    ? "Page not found"
    : isRouteErrorResponse(error)
      ? `Sorry, there is a problem (${error.status})`
      : "Sorry, there is a problem with the service";
  // A 4xx thrown with a sentence (readForm's, for one) says what went wrong; show it.
  const told = isRouteErrorResponse(error) && error.status < 500 && typeof error.data === "string" ? error.data : null;
  return (
    <main id="main" className="container" tabIndex={-1}>
      <h1>{title}</h1>
      <p>
        {notFound
          ? "If you typed the web address, check it is correct. If you followed a link, it may point to something you cannot see."
          : (told ?? "Try again later.")}
      </p>
      <p>
        <Link to="/">Go to the home page</Link>
      </p>
    </main>
  );
}
