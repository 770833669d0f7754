/**
 * The box a wide table scrolls sideways in, so the page itself reflows at 320 px (WCAG 1.4.10).
 * It is a named region that takes keyboard focus, so the arrow keys can scroll it (2.1.1) and a
 * screen reader announces what it holds: pass the id of the table's caption.
 */
import type { ReactNode } from "react";

export function TableScroll({ captionId, children }: { captionId: string; children: ReactNode }) {
  return (
    <div className="table-scroll" role="region" aria-labelledby={captionId} tabIndex={0}>
      {children}
    </div>
  );
}
