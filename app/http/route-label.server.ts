/**
 * The metrics label for a request path: the id of the React Router route it matches (e.g.
 * "routes/apprenticeships.$id"), never the path itself. Two apprenticeships share one label, and
 * a path that matches no route is "unmatched", so however many paths a client invents, the
 * number of label values stays the number of routes plus two.
 */
import { matchRoutes, type RouteObject, type ServerBuild } from "react-router";

export const UNMATCHED = "unmatched";
/** React Router's lazy route discovery (fog of war) asks this path for route manifests. */
const MANIFEST_PATH = "/__manifest";

function routeTree(manifest: ServerBuild["routes"], parentId: string | undefined): RouteObject[] {
  return Object.values(manifest)
    .filter((route) => route?.parentId === parentId)
    .map((route) => ({ id: route!.id, path: route!.path, index: route!.index, caseSensitive: route!.caseSensitive, children: route!.index ? undefined : routeTree(manifest, route!.id) }) as RouteObject);
}

/** Single-fetch data requests carry the page's path with ".data" (the root: "/_root.data"). */
function pagePath(pathname: string): string {
  if (!pathname.endsWith(".data")) return pathname;
  const page = pathname.slice(0, -".data".length);
  return page === "/_root" ? "/" : page;
}

const trees = new WeakMap<ServerBuild["routes"], RouteObject[]>();

export function routeLabel(manifest: ServerBuild["routes"], pathname: string): string {
  if (pathname === MANIFEST_PATH) return "__manifest";
  let tree = trees.get(manifest);
  if (!tree) trees.set(manifest, (tree = routeTree(manifest, undefined)));
  return matchRoutes(tree, pagePath(pathname))?.at(-1)?.route.id ?? UNMATCHED;
}
