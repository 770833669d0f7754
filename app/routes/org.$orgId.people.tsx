import { data, Form, Link, useActionData, useLoaderData } from "react-router";
import { z } from "zod";
import { strictNumber } from "~/domain/form-numbers.ts";
import type { Route } from "./+types/org.$orgId.people";
import { requirePermission } from "~/auth/auth.server.ts";
import {
  AccountError,
  createInvitation,
  createPupilAccount,
  disableUser,
  removeFromOrganisation,
} from "~/auth/account.server.ts";
import { can, orgsWith, ROLE_LABELS, ROLES_BY_ORG_KIND } from "~/auth/permissions.ts";
import { ErrorSummary, Field, Notice, SelectField } from "~/components/form.tsx";
import type { Role } from "~/generated/prisma/enums.ts";
import { getOrganisation, listMembers } from "~/models/organisation.server.ts";
import { email, parseForm, readForm, text } from "~/utils/forms.ts";
import { ScrollTable } from "~/components/table-scroll.tsx";
import { fullName } from "~/domain/names.ts";

export const meta: Route.MetaFunction = () => [{ title: "People – Staffordshire Digital Skills" }];

const InviteForm = z.object({ intent: z.literal("invite"), email: email(), role: z.string().min(1, "Choose a role.") });
const PupilForm = z.object({
  intent: z.literal("create-pupil"),
  firstName: text("the pupil's first name", 100),
  lastName: text("the pupil's last name", 100),
  yearGroup: strictNumber(
    z
      .number({ message: "Choose a year group." })
      .int()
      .min(7, "Choose a year group from 7 to 13.")
      .max(13, "Choose a year group from 7 to 13."),
  ),
  upn: z
    .string()
    .trim()
    .toUpperCase()
    .regex(/^([A-Z]\d{11}[0-9A-Z])?$/, "A UPN is 13 characters: a letter, 11 digits and a digit or letter.")
    .optional(),
});
const PersonForm = z.object({ intent: z.enum(["remove", "disable"]), userId: z.string().uuid() });

export async function loader({ request, params }: Route.LoaderArgs) {
  const viewer = await requirePermission(request, "people:read");
  const organisation = await getOrganisation(viewer, params.orgId, "people:read");
  const members = await listMembers(viewer, organisation.id);
  const inOrg = (permission: Parameters<typeof orgsWith>[1]) =>
    orgsWith(viewer, permission).includes(organisation.id) || can(viewer, "org:approve");
  const invitableRoles: Role[] = ROLES_BY_ORG_KIND[organisation.kind].filter(
    (role) => role !== "PUPIL" && (role !== "PARTNERSHIP_ADMIN" || can(viewer, "org:approve")),
  );
  return {
    organisation,
    members: members.map((m) => ({ ...m.user, role: ROLE_LABELS[m.role] })),
    canInvite: inOrg("staff:invite") && organisation.status === "APPROVED",
    canCreatePupil: organisation.kind === "SCHOOL" && orgsWith(viewer, "pupil:create").includes(organisation.id),
    canRemove: inOrg("membership:remove"),
    canDisable: can(viewer, "user:disable"),
    invitableRoles: invitableRoles.map((role) => ({ value: role, label: ROLE_LABELS[role] })),
    viewerId: viewer.userId,
  };
}

export async function action({ request, params }: Route.ActionArgs) {
  const viewer = await requirePermission(request, "people:read");
  const organisation = await getOrganisation(viewer, params.orgId, "people:read");
  const formData = await readForm(request);
  const intent = formData.get("intent");
  try {
    if (intent === "invite") {
      const form = parseForm(formData, InviteForm);
      if (!form.ok) return data({ intent, errors: form.errors, notice: null, pupil: null }, { status: 400 });
      await createInvitation(viewer, {
        organisationId: organisation.id,
        email: form.data.email,
        role: form.data.role as Role,
      });
      return { intent, errors: null, notice: `Invitation sent to ${form.data.email}.`, pupil: null };
    }
    if (intent === "create-pupil") {
      const form = parseForm(formData, PupilForm);
      if (!form.ok) return data({ intent, errors: form.errors, notice: null, pupil: null }, { status: 400 });
      const pupil = await createPupilAccount(viewer, { organisationId: organisation.id, ...form.data });
      return {
        intent,
        errors: null,
        notice: null,
        pupil: { name: fullName(form.data), username: pupil.username, setupCode: pupil.setupCode },
      };
    }
    if (intent === "remove" || intent === "disable") {
      const form = parseForm(formData, PersonForm);
      if (!form.ok) throw new Response("Bad request", { status: 400 });
      if (intent === "remove") {
        const removed = await removeFromOrganisation(viewer, organisation.id, form.data.userId);
        return {
          intent,
          errors: null,
          notice: `${removed.name} has been removed from ${removed.organisationName}. Their account, and any other organisations they belong to, are unchanged.`,
          pupil: null,
        };
      }
      await disableUser(viewer, form.data.userId);
      return { intent, errors: null, notice: "The account has been disabled and signed out everywhere.", pupil: null };
    }
  } catch (error) {
    if (error instanceof AccountError)
      return data(
        { intent, errors: { form: error.message } as Record<string, string>, notice: null, pupil: null },
        { status: 400 },
      );
    throw error;
  }
  throw new Response("Bad request", { status: 400 });
}

export default function People() {
  const { organisation, members, canInvite, canCreatePupil, canRemove, canDisable, invitableRoles, viewerId } =
    useLoaderData<typeof loader>();
  const canAct = canRemove || canDisable;
  const actionData = useActionData<typeof action>();
  const errorsFor = (intent: string) => (actionData?.intent === intent ? (actionData.errors ?? undefined) : undefined);
  return (
    <div className="stack">
      <h1>People at {organisation.name}</h1>
      {organisation.status === "PENDING" ? (
        <Notice tone="warning">
          This organisation is waiting for approval by the partnership. You can invite staff once it is approved.
        </Notice>
      ) : null}
      {actionData?.notice ? <Notice tone="success">{actionData.notice}</Notice> : null}
      {actionData?.pupil ? (
        <section aria-labelledby="setup-code-title" className="setup-code">
          <h2 id="setup-code-title">Setup code for {actionData.pupil.name}</h2>
          <p>
            Username: <strong>{actionData.pupil.username}</strong>
          </p>
          <p>
            Setup code: <code>{actionData.pupil.setupCode}</code>
          </p>
          <p>
            Give this to the pupil on paper. They go to <strong>/setup</strong> to choose a password. The code works
            once and lasts 30 days. It is shown only now.
          </p>
        </section>
      ) : null}
      {actionData?.intent === "remove" || actionData?.intent === "disable" ? (
        <ErrorSummary errors={actionData.errors ?? undefined} />
      ) : null}
      {canRemove ? (
        <p>
          <strong>Remove from {organisation.name}</strong> ends a person's access here: they leave its classes and no
          longer appear on this page. Their account stays, with their learning record and any other organisations they
          belong to.
        </p>
      ) : null}
      {canDisable ? (
        <p>
          <strong>Disable account</strong> (partnership admins only) stops the person signing in anywhere and signs them
          out of every device.
        </p>
      ) : null}
      <ScrollTable caption={<>{members.length} people</>}>
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">Role</th>
            <th scope="col">Sign-in</th>
            {canAct ? <th scope="col">Action</th> : null}
          </tr>
        </thead>
        <tbody>
          {members.map((m) => (
            <tr key={`${m.id}-${m.role}`}>
              <td>
                <Link to={`/people/${m.id}`}>
                  {m.firstName} {m.lastName}
                </Link>
                {m.disabledAt ? (
                  <>
                    {" "}
                    <span className="tag tag--red">disabled</span>
                  </>
                ) : null}
              </td>
              <td>{m.role}</td>
              <td>{m.email ?? m.username}</td>
              {canAct ? (
                <td>
                  {m.id !== viewerId ? (
                    <div className="inline-form">
                      {canRemove ? (
                        <Form method="post">
                          <input type="hidden" name="intent" value="remove" />
                          <input type="hidden" name="userId" value={m.id} />
                          <button type="submit" className="secondary">
                            Remove
                            <span className="visually-hidden">
                              {" "}
                              {m.firstName} {m.lastName}
                            </span>{" "}
                            from {organisation.name}
                          </button>
                        </Form>
                      ) : null}
                      {canDisable && !m.disabledAt ? (
                        <Form method="post">
                          <input type="hidden" name="intent" value="disable" />
                          <input type="hidden" name="userId" value={m.id} />
                          <button type="submit" className="secondary">
                            Disable account
                            <span className="visually-hidden">
                              {" "}
                              of {m.firstName} {m.lastName}
                            </span>{" "}
                            everywhere
                          </button>
                        </Form>
                      ) : null}
                    </div>
                  ) : null}
                </td>
              ) : null}
            </tr>
          ))}
        </tbody>
      </ScrollTable>
      {canInvite ? (
        <section aria-labelledby="invite-title">
          <h2 id="invite-title">Invite a member of staff</h2>
          <ErrorSummary errors={errorsFor("invite")} />
          <Form method="post" noValidate>
            <input type="hidden" name="intent" value="invite" />
            <Field
              name="email"
              label="Their email address"
              type="email"
              autoComplete="off"
              error={errorsFor("invite")?.email}
              required
            />
            <SelectField name="role" label="Role" options={invitableRoles} error={errorsFor("invite")?.role} />
            <button type="submit">Send invitation</button>
          </Form>
        </section>
      ) : null}
      {canCreatePupil ? (
        <section aria-labelledby="pupil-title">
          <h2 id="pupil-title">Add a pupil without an email address</h2>
          <p>Pupils need no email address or date of birth: a name, a year group and, if you like, their UPN.</p>
          <ErrorSummary errors={errorsFor("create-pupil")} />
          <Form method="post" noValidate>
            <input type="hidden" name="intent" value="create-pupil" />
            <Field
              name="firstName"
              label="First name"
              id="pupil-firstName"
              error={errorsFor("create-pupil")?.firstName}
              required
            />
            <Field
              name="lastName"
              label="Last name"
              id="pupil-lastName"
              error={errorsFor("create-pupil")?.lastName}
              required
            />
            <SelectField
              name="yearGroup"
              label="Year group"
              id="pupil-yearGroup"
              options={[7, 8, 9, 10, 11, 12, 13].map((y) => ({ value: String(y), label: `Year ${y}` }))}
              error={errorsFor("create-pupil")?.yearGroup}
            />
            <Field name="upn" label="UPN (optional)" id="pupil-upn" error={errorsFor("create-pupil")?.upn} />
            <button type="submit">Add pupil and show setup code</button>
          </Form>
        </section>
      ) : null}
    </div>
  );
}
