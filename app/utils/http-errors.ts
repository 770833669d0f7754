/**
 * The one "not found" answer. A record outside the actor's reach gets the same 404 as a record
 * that does not exist, so nothing confirms that it exists (never a 403).
 */
export function notFound(): never {
  throw new Response("Not found", { status: 404 });
}
