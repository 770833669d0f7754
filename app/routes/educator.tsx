import { data, Form, useActionData, useLoaderData } from "react-router";
import { z } from "zod";
import type { Route } from "./+types/educator";
import { requirePermission } from "~/auth/auth.server.ts";
import { ErrorSummary, Notice, SelectField } from "~/components/form.tsx";
import { educatorOverview, enrolEducator } from "~/models/educator.server.ts";
import { parseForm, readForm } from "~/utils/forms.ts";
import { ScrollTable } from "~/components/table-scroll.tsx";

export const meta: Route.MetaFunction = () => [{ title: "Educator pathway – Staffordshire Digital Skills" }];

const SelfForm = z.object({ intent: z.literal("enrol-me"), pathwayId: z.string().uuid("Choose a pathway.") });
const ColleagueForm = z.object({
  intent: z.literal("enrol-colleague"),
  userId: z.string({ message: "Choose a colleague." }).uuid("Choose a colleague."),
  pathwayId: z.string({ message: "Choose a pathway." }).uuid("Choose a pathway."),
});

export async function loader({ request }: Route.LoaderArgs) {
  const viewer = await requirePermission(request, "educator:enrol");
  return educatorOverview(viewer);
}

export async function action({ request }: Route.ActionArgs) {
  const viewer = await requirePermission(request, "educator:enrol");
  const formData = await readForm(request);
  const intent = formData.get("intent");
  if (intent === "enrol-me") {
    const form = parseForm(formData, SelfForm);
    if (!form.ok) throw new Response("Bad request", { status: 400 });
    const result = await enrolEducator(viewer, { pathwayId: form.data.pathwayId });
    return {
      errors: null,
      notice: result.created
        ? `You are enrolled in ${result.pathwayTitle}.`
        : `You were already enrolled in ${result.pathwayTitle}; nothing has changed.`,
    };
  }
  if (intent === "enrol-colleague") {
    const form = parseForm(formData, ColleagueForm);
    if (!form.ok) return data({ errors: form.errors, notice: null }, { status: 400 });
    const result = await enrolEducator(viewer, { pathwayId: form.data.pathwayId, userId: form.data.userId });
    return {
      errors: null,
      notice: result.created
        ? `Your colleague is enrolled in ${result.pathwayTitle}.`
        : `Your colleague was already enrolled in ${result.pathwayTitle}; nothing has changed.`,
    };
  }
  throw new Response("Bad request", { status: 400 });
}

export default function Educator() {
  const { school, isSchoolAdmin, pathways, colleagues } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  return (
    <div className="stack">
      <h1>Educator pathway</h1>
      <p>
        Professional development for staff at {school.name}: Microsoft Innovative Educator, Learn for Educators and AI
        for educators.
      </p>
      {actionData?.notice ? <Notice tone="success">{actionData.notice}</Notice> : null}
      <ul className="cards">
        {pathways.map((p) => (
          <li className="card" key={p.id}>
            <h2>{p.title}</h2>
            <p>{p.description}</p>
            <p>
              About {p.hoursMin === p.hoursMax ? p.hoursMin : `${p.hoursMin} to ${p.hoursMax}`} hours
              {p.credentialCode ? `, leading to ${p.credentialCode}` : ""}.
            </p>
            {p.myEnrolment ? (
              <p>
                <span className="tag tag--green">You are enrolled</span>
              </p>
            ) : (
              <Form method="post">
                <input type="hidden" name="intent" value="enrol-me" />
                <input type="hidden" name="pathwayId" value={p.id} />
                <button type="submit">
                  Enrol me<span className="visually-hidden"> in {p.title}</span>
                </button>
              </Form>
            )}
          </li>
        ))}
      </ul>
      {isSchoolAdmin ? (
        <section aria-labelledby="colleague-title">
          <h2 id="colleague-title">Enrol a colleague</h2>
          <ErrorSummary errors={actionData?.errors} />
          <Form method="post" noValidate>
            <input type="hidden" name="intent" value="enrol-colleague" />
            <SelectField
              name="userId"
              label="Colleague"
              error={actionData?.errors?.userId}
              options={[
                { value: "", label: "Choose a colleague" },
                ...colleagues.filter((c) => !c.isMe).map((c) => ({ value: c.id, label: c.name })),
              ]}
            />
            <SelectField
              name="pathwayId"
              label="Pathway"
              error={actionData?.errors?.pathwayId}
              options={pathways.map((p) => ({ value: p.id, label: p.title }))}
            />
            <button type="submit">Enrol colleague</button>
          </Form>
          <ScrollTable caption={<>Staff at {school.name} and their educator pathways</>}>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Enrolled in</th>
              </tr>
            </thead>
            <tbody>
              {colleagues.map((c) => (
                <tr key={c.id}>
                  <th scope="row">
                    {c.name}
                    {c.isMe ? " (you)" : ""}
                  </th>
                  <td>
                    {c.enrolments.length
                      ? c.enrolments.map((e) => `${e.pathway} (${e.status.toLowerCase()})`).join("; ")
                      : "Not enrolled"}
                  </td>
                </tr>
              ))}
            </tbody>
          </ScrollTable>
        </section>
      ) : null}
    </div>
  );
}
