import { data, Form, redirect, useActionData, useLoaderData } from "react-router";
import { z } from "zod";
import { strictNumber } from "~/domain/form-numbers.ts";
import type { Route } from "./+types/classes.new";
import { requirePermission } from "~/auth/auth.server.ts";
import { ErrorSummary, Field, SelectField } from "~/components/form.tsx";
import { classSchoolsOf } from "~/auth/reach.server.ts";
import { ClassError, createClass, currentAcademicYear, formatAcademicYear } from "~/models/classes.server.ts";
import { parseForm, readForm, text } from "~/utils/forms.ts";
import { notFound } from "~/utils/http-errors.ts";

export const meta: Route.MetaFunction = () => [{ title: "Create a class – Staffordshire Digital Skills" }];

function years() {
  const now = currentAcademicYear();
  return [now - 1, now, now + 1];
}

function schema(allowedYears: number[]) {
  return z.object({
    name: text("a class name", 60),
    yearGroup: strictNumber(
      z
        .number({ message: "Choose a year group." })
        .int()
        .min(7, "Choose a year group from 7 to 13.")
        .max(13, "Choose a year group from 7 to 13."),
    ),
    academicYear: strictNumber(
      z
        .number({ message: "Choose an academic year." })
        .int()
        .refine((y) => allowedYears.includes(y), "Choose one of the academic years listed."),
    ),
  });
}

export async function loader({ request }: Route.LoaderArgs) {
  await requirePermission(request, "class:manage");
  return {
    years: years().map((y) => ({ value: String(y), label: formatAcademicYear(y) })),
    current: String(currentAcademicYear()),
  };
}

export async function action({ request }: Route.ActionArgs) {
  const viewer = await requirePermission(request, "class:manage");
  if (classSchoolsOf(viewer).length === 0) notFound();
  const form = parseForm(await readForm(request), schema(years()));
  if (!form.ok) return data({ errors: form.errors, values: form.values }, { status: 400 });
  try {
    const cohort = await createClass(viewer, form.data);
    return redirect(`/classes/${cohort.id}`);
  } catch (error) {
    if (error instanceof ClassError)
      return data(
        { errors: { name: error.message } as Record<string, string>, values: {} as Record<string, string> },
        { status: 400 },
      );
    throw error;
  }
}

export default function NewClass() {
  const { years, current } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const errors = actionData?.errors;
  const values = actionData?.values ?? {};
  return (
    <div className="stack">
      <h1>Create a class</h1>
      <ErrorSummary errors={errors} />
      <Form method="post" noValidate>
        <Field
          name="name"
          label="Class name"
          hint="For example 9X Digital Skills"
          defaultValue={values.name}
          error={errors?.name}
          required
          autoComplete="off"
        />
        <SelectField
          name="yearGroup"
          label="Year group"
          defaultValue={values.yearGroup ?? "9"}
          options={[7, 8, 9, 10, 11, 12, 13].map((y) => ({ value: String(y), label: `Year ${y}` }))}
          error={errors?.yearGroup}
        />
        <SelectField
          name="academicYear"
          label="Academic year"
          defaultValue={values.academicYear ?? current}
          options={years}
          error={errors?.academicYear}
        />
        <button type="submit">Create class</button>
      </Form>
    </div>
  );
}
