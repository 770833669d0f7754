/**
 * The app's routes as the production build's manifest has them (build/server/index.js `routes`),
 * with their full paths: what the generated HTTP tests (the fuzz test) walk over, so a new
 * route is covered the day it ships. Call after startTestServer(), which makes the build.
 */
import path from "node:path";
import { pathToFileURL } from "node:url";

type ManifestRoute = { id: string; parentId?: string; path?: string; index?: boolean; module: Record<string, unknown> };
export type AppRoute = {
  id: string;
  path: string;
  index: boolean;
  resource: boolean;
  hasAction: boolean;
  params: string[];
};

function routePath(all: Record<string, ManifestRoute>, route: ManifestRoute): string {
  const parts: string[] = [];
  for (let r: ManifestRoute | undefined = route; r; r = r.parentId ? all[r.parentId] : undefined)
    if (r.path) parts.unshift(r.path);
  return "/" + parts.join("/").replace(/^\/+/, "");
}

/** Every route with a URL of its own (pathless layouts have none). */
export async function appRoutes(): Promise<AppRoute[]> {
  const build = (await import(pathToFileURL(path.resolve("build/server/index.js")).href)) as {
    routes: Record<string, ManifestRoute>;
  };
  const all = build.routes;
  return Object.values(all)
    .filter((r) => r.id !== "root" && (r.path || r.index))
    .map((r) => {
      const p = routePath(all, r);
      return {
        id: r.id,
        path: p,
        index: Boolean(r.index),
        resource: typeof r.module.default !== "function",
        hasAction: typeof r.module.action === "function",
        params: [...p.matchAll(/:(\w+)/g)].map((m) => m[1]),
      };
    });
}
