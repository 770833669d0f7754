import { redirect } from "react-router";
import type { Route } from "./+types/logout";
import { getViewer } from "~/auth/auth.server.ts";
import { blankSessionCookie, invalidateSession } from "~/auth/session.server.ts";
import { audit } from "~/utils/audit.server.ts";

// Sign-out deletes the session server-side, so a copied cookie stops working at once.
export async function action({ request }: Route.ActionArgs) {
  const viewer = await getViewer(request);
  if (viewer) {
    await invalidateSession(viewer.session.id);
    await audit({ actorId: viewer.userId, action: "auth.sign-out", subjectType: "user", subjectId: viewer.userId });
  }
  return redirect("/login?signedOut=1", { headers: { "Set-Cookie": blankSessionCookie() } });
}

export function loader() {
  return redirect("/");
}
