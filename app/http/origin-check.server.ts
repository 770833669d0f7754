/**
 * Cross-site request forgery defence for every route, page and resource alike: a request that
 * changes something (any method but GET/HEAD/OPTIONS) must come from our own origin.
 * Browsers send Sec-Fetch-Site (and Origin) on such requests; a value naming another site is
 * refused. Requests with neither header do not come from a browser and carry no ambient
 * credentials worth forging. SameSite=Lax cookies are the second layer.
 */
import type { NextFunction, Request, Response } from "express";

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

export function isCrossSiteRequest(input: { method: string; secFetchSite?: string; origin?: string; host?: string; protocol: string }): boolean {
  if (SAFE_METHODS.has(input.method.toUpperCase())) return false;
  if (input.secFetchSite && input.secFetchSite !== "same-origin" && input.secFetchSite !== "none") return true;
  if (input.origin) {
    if (input.origin === "null") return true;
    try {
      return new URL(input.origin).host !== input.host;
    } catch {
      return true;
    }
  }
  return false;
}

export function originCheck() {
  return (req: Request, res: Response, next: NextFunction) => {
    const crossSite = isCrossSiteRequest({
      method: req.method,
      secFetchSite: req.get("sec-fetch-site"),
      origin: req.get("origin"),
      host: req.get("host"),
      protocol: req.protocol,
    });
    if (crossSite) {
      res.status(403).type("text/plain").send("This request came from another site and was refused.");
      return;
    }
    next();
  };
}
