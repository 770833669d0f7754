/**
 * Accessible form pieces: labelled fields with hints and errors tied by aria-describedby, and an
 * error summary that takes focus and links to each field (GOV.UK Design System pattern).
 */
import {
  useEffect,
  useRef,
  type InputHTMLAttributes,
  type ReactNode,
  type SelectHTMLAttributes,
  type TextareaHTMLAttributes,
} from "react";

type FieldProps = InputHTMLAttributes<HTMLInputElement> & {
  name: string;
  label: string;
  hint?: ReactNode;
  error?: string;
};

/**
 * What every field shares: its label, hint and error message, and the attributes that tie them to
 * the control (GOV.UK Design System's question pages pattern).
 */
function FieldFrame({
  fieldId,
  label,
  hint,
  error,
  control,
}: {
  fieldId: string;
  label: string;
  hint?: ReactNode;
  error?: string;
  control: (aria: { "aria-invalid"?: true; "aria-describedby"?: string }) => ReactNode;
}) {
  const describedBy =
    [hint ? `${fieldId}-hint` : null, error ? `${fieldId}-error` : null].filter(Boolean).join(" ") || undefined;
  return (
    <div className={`field${error ? " field--error" : ""}`}>
      <label htmlFor={fieldId}>{label}</label>
      {hint ? (
        <p className="hint" id={`${fieldId}-hint`}>
          {hint}
        </p>
      ) : null}
      {error ? (
        <p className="error-message" id={`${fieldId}-error`}>
          <span className="visually-hidden">Error: </span>
          {error}
        </p>
      ) : null}
      {control({ "aria-invalid": error ? true : undefined, "aria-describedby": describedBy })}
    </div>
  );
}

export function Field({ name, label, hint, error, id, ...input }: FieldProps) {
  const fieldId = id ?? `field-${name}`;
  return (
    <FieldFrame
      fieldId={fieldId}
      label={label}
      hint={hint}
      error={error}
      control={(aria) => <input id={fieldId} name={name} {...aria} {...input} />}
    />
  );
}

type TextAreaProps = TextareaHTMLAttributes<HTMLTextAreaElement> & {
  name: string;
  label: string;
  hint?: ReactNode;
  error?: string;
};

export function TextAreaField({ name, label, hint, error, id, ...textarea }: TextAreaProps) {
  const fieldId = id ?? `field-${name}`;
  return (
    <FieldFrame
      fieldId={fieldId}
      label={label}
      hint={hint}
      error={error}
      control={(aria) => <textarea id={fieldId} name={name} {...aria} {...textarea} />}
    />
  );
}

type SelectProps = SelectHTMLAttributes<HTMLSelectElement> & {
  name: string;
  label: string;
  error?: string;
  options: { value: string; label: string }[];
};

export function SelectField({ name, label, error, options, id, ...select }: SelectProps) {
  const fieldId = id ?? `field-${name}`;
  return (
    <FieldFrame
      fieldId={fieldId}
      label={label}
      error={error}
      control={(aria) => (
        <select id={fieldId} name={name} {...aria} {...select}>
          {options.map((o) => (
            <option key={o.value} value={o.value}>
              {o.label}
            </option>
          ))}
        </select>
      )}
    />
  );
}

export function ErrorSummary({ errors }: { errors?: Record<string, string> | null }) {
  const ref = useRef<HTMLDivElement>(null);
  const entries = Object.entries(errors ?? {});
  useEffect(() => {
    if (entries.length) ref.current?.focus();
  }, [errors]); // on each new set of errors only (the entries array is new every render)
  if (!entries.length) return null;
  return (
    <div className="error-summary" role="alert" tabIndex={-1} ref={ref} aria-labelledby="error-summary-title">
      <h2 id="error-summary-title">There is a problem</h2>
      <ul>
        {entries.map(([key, message]) => (
          <li key={key}>{key === "form" ? message : <a href={`#field-${key}`}>{message}</a>}</li>
        ))}
      </ul>
    </div>
  );
}

export function Notice({ children, tone = "info" }: { children: ReactNode; tone?: "info" | "success" | "warning" }) {
  return (
    <div className={`notice notice--${tone}`} role={tone === "success" ? "status" : undefined}>
      {children}
    </div>
  );
}
