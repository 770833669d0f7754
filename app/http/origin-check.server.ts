/**
 * Cross-site request forgery defence for every route, page and resource alike: a request that
 * changes something (any method but GET/HEAD/OPTIONS) must come from our own origin.
 * Browsers send Sec-Fetch-Site (and Origin) on such requests; a value naming another site is
 * refused. Requests with neither header do not come from a browser and carry no ambient
 * credentials worth forging. SameSite=Lax cookies are the second layer.
 */
import type { NextFunction, Request, Response } from "express";

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

export function isCrossSiteRequest(input: {
  method: string;
  secFetchSite?: string;
  origin?: string;
  host?: string;
  protocol: string;
}): boolean {
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

/**
 * The ONE exemption (reminders): RFC 8058 one-click unsubscribe. A mail client sends
 * `POST /unsubscribe/<token>` with body `List-Unsubscribe=One-Click` from its own origin (a
 * webmail's), so it is cross-site by design. Safe to let through because that action reads no
 * cookie and no session: the signed token in the path is the whole authorisation, and all it can
 * do is switch one category of non-essential email off for the person it names. Forging it
 * needs the token, i.e. the email. Only this exact path shape, only POST.
 */
const ONE_CLICK_UNSUBSCRIBE = /^\/unsubscribe\/[A-Za-z0-9_-]{36}\.(reminders|digest)\.[A-Za-z0-9_-]{43}$/;

export function isOneClickUnsubscribe(method: string, path: string): boolean {
  return method.toUpperCase() === "POST" && ONE_CLICK_UNSUBSCRIBE.test(path);
}

export function originCheck() {
  return (req: Request, res: Response, next: NextFunction) => {
    if (isOneClickUnsubscribe(req.method, req.path)) {
      // React Router refuses a document POST whose Origin names another site; the mail
      // client's Origin means nothing to this cookie-less action, so it is dropped here.
      delete req.headers.origin;
      next();
      return;
    }
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
