/**
 * The metrics label for a request path: the id of the React Router route it matches (e.g.
 * "routes/apprenticeships.$id"), never the path itself. Two apprenticeships share one label, and
 * a path that matches no route is "unmatched", so however many paths a client invents, the
 * number of label values stays the number of routes plus two.
 *
 * React Router's matchRoutes() flattens, ranks and compiles every route on each call (about a
 * millisecond of CPU for our 63 routes here), so the routes are flattened, ranked and compiled
 * once per build instead, by the same rules (react-router's flattenRoutes, computeScore and
 * compilePath); tests/integration/route-label.test.ts checks the two agree on every route.
 */
import type { ServerBuild } from "react-router";

export const UNMATCHED = "unmatched";
/** React Router's lazy route discovery (fog of war) asks this path for route manifests. */
const MANIFEST_PATH = "/__manifest";

type Manifest = ServerBuild["routes"];
type Branch = { id: string; matcher: RegExp; score: number };

const isSplat = (segment: string) => segment === "*";

/** react-router's computeScore: static segments outrank dynamic ones, index routes their parent. */
function computeScore(path: string, index: boolean | undefined): number {
  const segments = path.split("/");
  let score = segments.length + (segments.some(isSplat) ? -2 : 0) + (index ? 2 : 0);
  for (const segment of segments.filter((s) => !isSplat(s)))
    score += /^:[\w-]+$/.test(segment) ? 3 : segment === "" ? 1 : 10;
  return score;
}

/** react-router's compilePath for a whole path (end = true). */
function compilePath(path: string, caseSensitive: boolean | undefined): RegExp {
  let source =
    "^" +
    path
      .replace(/\/*\*?$/, "")
      .replace(/^\/*/, "/")
      .replace(/[\\.*+^${}|()[\]]/g, "\\$&")
      .replace(
        /\/:([\w-]+)(\?)?/g,
        (match, _name: string, optional: string | undefined, index: number, whole: string) => {
          if (!optional) return "/([^\\/]+)";
          const next = whole.charAt(index + match.length);
          return next && next !== "/" ? "/([^\\/]*)" : "(?:/([^\\/]*))?";
        },
      )
      .replace(/\/([\w-]+)\?(\/|$)/g, "(/$1)?$2");
  if (path.endsWith("*")) source += path === "*" || path === "/*" ? "(.*)$" : "(?:\\/(.+)|\\/*)$";
  else source += "\\/*$";
  return new RegExp(source, caseSensitive ? undefined : "i");
}

/** react-router's flattenRoutes (children before their parent) and rankRouteBranches (a stable sort by score). */
function rankedBranches(manifest: Manifest): Branch[] {
  const branches: Branch[] = [];
  const routes = Object.values(manifest).filter((route) => route !== undefined);
  const visit = (parentId: string | undefined, parentPath: string) => {
    for (const route of routes.filter((r) => r.parentId === parentId)) {
      const path = [parentPath, route.path ?? ""].join("/").replace(/\/\/+/g, "/");
      if (!route.index) visit(route.id, path);
      if (route.path === undefined && !route.index) continue;
      branches.push({
        id: route.id,
        matcher: compilePath(path, route.caseSensitive),
        score: computeScore(path, route.index),
      });
    }
  };
  visit(undefined, "");
  return branches.sort((a, b) => b.score - a.score);
}

/** react-router's decodePath: a malformed escape leaves the path as it is. */
function decodePath(pathname: string): string {
  try {
    return pathname
      .split("/")
      .map((segment) => decodeURIComponent(segment).replace(/\//g, "%2F"))
      .join("/");
  } catch {
    return pathname;
  }
}

/** Single-fetch data requests carry the page's path with ".data" (the root: "/_root.data"). */
function pagePath(pathname: string): string {
  if (!pathname.endsWith(".data")) return pathname;
  const page = pathname.slice(0, -".data".length);
  return page === "/_root" ? "/" : page;
}

const compiled = new WeakMap<Manifest, Branch[]>();

export function routeLabel(manifest: Manifest, pathname: string): string {
  if (pathname === MANIFEST_PATH) return "__manifest";
  let branches = compiled.get(manifest);
  if (!branches) compiled.set(manifest, (branches = rankedBranches(manifest)));
  const path = decodePath(pagePath(pathname || "/"));
  return branches.find((branch) => branch.matcher.test(path))?.id ?? UNMATCHED;
}
