import type { Route } from "./+types/privacy";

export const meta: Route.MetaFunction = () => [{ title: "Privacy notice – Staffordshire Digital Skills" }];

export default function Privacy() {
  return (
    <div className="stack" style={{ maxWidth: "44rem" }}>
      <h1>Privacy notice</h1>
      <p>
        This service is run by Staffordshire County Council and its university partner to support the Microsoft Digital
        Skills programme and digital apprenticeships. This page says, in plain English, what we hold about you and why.
      </p>
      <h2>What we hold</h2>
      <ul>
        <li>Your name, your school or employer, and your role.</li>
        <li>
          Pupils: a year group and, if your school adds it, your unique pupil number (UPN). We do not need a pupil's
          email address or date of birth.
        </li>
        <li>
          Apprentices: your apprenticeship details, learning and off-the-job training records, reviews and your date of
          birth (for age bands in reports).
        </li>
        <li>What you log: modules completed, learning time, credentials and work experience.</li>
      </ul>
      <h2>Why we hold it</h2>
      <p>
        Schools and the council process this data to carry out a public task: education and skills. Apprenticeship
        records are kept because funding rules require them.
      </p>
      <h2>What we never do</h2>
      <ul>
        <li>No advertising, tracking or third-party scripts. No location tracking. No profiling of children.</li>
        <li>The council only ever sees counts, rounded and with small numbers hidden, never a row about you.</li>
      </ul>
      <h2>How long we keep it</h2>
      <p>
        Apprenticeship evidence: 6 years after the apprenticeship ends. Pupil records: as long as your school's
        retention policy says. Expired sign-in sessions and used links are deleted automatically.
      </p>
      <h2>Your rights</h2>
      <p>
        You can ask for a copy of everything we hold about you, and ask for it to be corrected or erased. Ask your
        school, your employer or the partnership team.
      </p>
    </div>
  );
}
