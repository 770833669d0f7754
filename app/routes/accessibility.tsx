import type { Route } from "./+types/accessibility";

export const meta: Route.MetaFunction = () => [{ title: "Accessibility statement – Staffordshire Digital Skills" }];

export default function Accessibility() {
  return (
    <div className="stack" style={{ maxWidth: "44rem" }}>
      <h1>Accessibility statement</h1>
      <p>
        We want as many people as possible to be able to use this service. It is built to meet the Web Content
        Accessibility Guidelines (WCAG) 2.2 at level AA.
      </p>
      <h2>What you can do</h2>
      <ul>
        <li>Use it with a keyboard alone, a screen reader or speech recognition.</li>
        <li>Zoom up to 400% and use it on a small phone screen without losing content.</li>
        <li>Paste passwords from a password manager; we never ask you to retype information you have already given.</li>
        <li>Read every chart as text: each has a summary and its figures in a table.</li>
      </ul>
      <h2>How we test</h2>
      <p>
        Every page is checked automatically with axe on each change, and the main journeys are tested with a keyboard.
      </p>
      <h2>Reporting a problem</h2>
      <p>
        If something does not work for you, tell the partnership team and we will reply within 5 working days. If you
        are not happy with our reply, contact the Equality Advisory and Support Service (EASS).
      </p>
      <p>This statement was prepared on 25 November 2026.</p>
    </div>
  );
}
