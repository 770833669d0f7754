/**
 * Forms shared by the placement page and the employer's inbox: the employer's
 * prerequisite confirmations and the supervisor's feedback on one pupil. Plain form posts to the
 * placement's own route, so both work without JavaScript; `returnTo` brings the person back.
 */
import { Form } from "react-router";

const CRITERIA = [
  ["attendance", "Attendance"],
  ["punctuality", "Punctuality"],
  ["teamwork", "Teamwork"],
  ["communication", "Communication"],
  ["digitalSkills", "Digital skills"],
] as const;
const SCALE = [
  [1, "Needs support"],
  [2, "Developing"],
  [3, "Good"],
  [4, "Excellent"],
] as const;

export function PrerequisitesForm({
  placementId,
  confirmed,
  returnTo,
  idPrefix = "",
}: {
  placementId: string;
  confirmed: { riskAssessment: boolean; insurance: boolean; healthSafety: boolean };
  returnTo?: string;
  idPrefix?: string;
}) {
  const items = [
    ["riskAssessment", "The risk assessment for this placement is done", confirmed.riskAssessment],
    ["insurance", "We hold Employers' Liability insurance that covers pupils on work experience", confirmed.insurance],
    [
      "healthSafety",
      "Health and safety arrangements (induction, supervision, first aid) are in place",
      confirmed.healthSafety,
    ],
  ] as const;
  return (
    <Form method="post" action={`/placements/${placementId}`} noValidate className="sign-box">
      <input type="hidden" name="intent" value="prerequisites" />
      {returnTo ? <input type="hidden" name="returnTo" value={returnTo} /> : null}
      <fieldset>
        <legend>Confirm as the host employer</legend>
        {items.map(([name, label, done]) =>
          done ? (
            <p key={name}>
              <span className="tag tag--green">Confirmed</span> {label}
            </p>
          ) : (
            <div className="field checkbox" key={name}>
              <input type="checkbox" id={`${idPrefix}field-${name}`} name={name} value="yes" />
              <label htmlFor={`${idPrefix}field-${name}`}>{label}</label>
            </div>
          ),
        )}
      </fieldset>
      <button type="submit">Confirm checks</button>
    </Form>
  );
}

export function FeedbackForm({
  placementId,
  pupilId,
  pupilName,
  returnTo,
  errors,
}: {
  placementId: string;
  pupilId: string;
  pupilName: string;
  returnTo?: string;
  errors?: Record<string, string>;
}) {
  const id = (name: string) => `field-${name}-${pupilId}`;
  return (
    <Form method="post" action={`/placements/${placementId}`} noValidate className="sign-box feedback-form">
      <h3>Feedback on {pupilName}</h3>
      <input type="hidden" name="intent" value="feedback" />
      <input type="hidden" name="pupilId" value={pupilId} />
      {returnTo ? <input type="hidden" name="returnTo" value={returnTo} /> : null}
      {CRITERIA.map(([name, label]) => (
        <fieldset key={name} className={errors?.[name] ? "field--error" : undefined}>
          <legend>{label}</legend>
          {errors?.[name] ? (
            <p className="error-message">
              <span className="visually-hidden">Error: </span>
              {errors[name]}
            </p>
          ) : null}
          <div className="radio-row">
            {SCALE.map(([value, text]) => (
              <div className="field checkbox" key={value}>
                <input type="radio" id={`${id(name)}-${value}`} name={name} value={value} />
                <label htmlFor={`${id(name)}-${value}`}>
                  {value} {text}
                </label>
              </div>
            ))}
          </div>
        </fieldset>
      ))}
      <div className="field">
        <label htmlFor={id("comment")}>Comment (optional)</label>
        <textarea id={id("comment")} name="comment" rows={3} />
      </div>
      <fieldset className={errors?.wouldHostAgain ? "field--error" : undefined}>
        <legend>Would you host a work experience placement again?</legend>
        {errors?.wouldHostAgain ? (
          <p className="error-message">
            <span className="visually-hidden">Error: </span>
            {errors.wouldHostAgain}
          </p>
        ) : null}
        <div className="radio-row">
          <div className="field checkbox">
            <input type="radio" id={id("host-yes")} name="wouldHostAgain" value="yes" />
            <label htmlFor={id("host-yes")}>Yes</label>
          </div>
          <div className="field checkbox">
            <input type="radio" id={id("host-no")} name="wouldHostAgain" value="no" />
            <label htmlFor={id("host-no")}>No</label>
          </div>
        </div>
      </fieldset>
      <button type="submit">Send feedback</button>
    </Form>
  );
}
