/**
 * The metrics' route labels (app/http/route-label.server.ts) name the same route React Router
 * itself matches, for a path made from every route of the production build and for the awkward
 * cases (trailing slash, letter case, escapes, data requests, paths that match nothing).
 */
import { matchRoutes, type RouteObject, type ServerBuild } from "react-router";
import { beforeAll, describe, expect, it } from "vitest";
import { routeLabel, UNMATCHED } from "../../app/http/route-label.server.ts";
import { ensureProductionBuild } from "../support/http.ts";

let manifest: ServerBuild["routes"];
beforeAll(async () => {
  await ensureProductionBuild();
  manifest = ((await import(new URL("../../build/server/index.js", import.meta.url).href)) as ServerBuild).routes;
}, 240_000);

function tree(parentId: string | undefined): RouteObject[] {
  return Object.values(manifest)
    .filter((route) => route?.parentId === parentId)
    .map(
      (route) =>
        ({
          id: route!.id,
          path: route!.path,
          index: route!.index,
          caseSensitive: route!.caseSensitive,
          children: route!.index ? undefined : tree(route!.id),
        }) as RouteObject,
    );
}

const reactRouterLabel = (path: string) => matchRoutes(tree(undefined), path)?.at(-1)?.route.id ?? UNMATCHED;

function fullPath(id: string): string {
  const route = manifest[id]!;
  const parent = route.parentId ? fullPath(route.parentId) : "";
  return `${parent}/${route.path ?? ""}`.replace(/\/\/+/g, "/");
}

describe("routeLabel", () => {
  it("agrees with React Router's matchRoutes for a path to every route and the awkward cases", () => {
    const paths = Object.keys(manifest).flatMap((id) => {
      const path = fullPath(id)
        .replace(/:[\w-]+/g, "a1b2c3")
        .replace(/\*$/, "x/y");
      return [path, `${path}/`, path.toUpperCase(), `${path}/extra`];
    });
    paths.push(
      "/",
      "",
      "/no/such/page",
      "/apprenticeships/%E2%9C%93",
      "/apprenticeships/%zz",
      "/apprenticeships/a%2Fb",
      "//apprenticeships//x",
      "/classes/new",
      "/classes/c1/import/i1",
    );
    for (const path of paths) expect(routeLabel(manifest, path), path).toBe(reactRouterLabel(path));
  });

  it("labels data requests by their page, and the manifest request by itself", () => {
    expect(routeLabel(manifest, "/apprenticeships/abc.data")).toBe("routes/apprenticeships.$id");
    expect(routeLabel(manifest, "/_root.data")).toBe("routes/_index");
    expect(routeLabel(manifest, "/__manifest")).toBe("__manifest");
  });
});
