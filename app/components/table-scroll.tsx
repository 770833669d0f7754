/**
 * A table in the box it scrolls sideways in, so the page itself reflows at 320 px (WCAG 1.4.10).
 * The box is a region named by the table's caption that takes keyboard focus, so the arrow keys
 * can scroll it (2.1.1) and a screen reader announces what it holds. Every table of the app is
 * one of these, so none can forget either part.
 */
import { useId, type ReactNode } from "react";

export function ScrollTable({
  caption,
  className,
  children,
}: {
  caption: ReactNode;
  className?: string;
  children: ReactNode;
}) {
  const captionId = useId();
  return (
    <div className="table-scroll" role="region" aria-labelledby={captionId} tabIndex={0}>
      <table className={className}>
        <caption id={captionId}>{caption}</caption>
        {children}
      </table>
    </div>
  );
}
