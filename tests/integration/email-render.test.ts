/**
 * The email templates render to HTML and plain text that carry the link and the partnership's
 * name, are accessible (language, a real heading, link text that says what it does), and
 * contain nothing personal beyond what the recipient already knows about themselves.
 */
import { describe, expect, it } from "vitest";
import { PARTNERSHIP_NAME } from "../../emails/components/layout.tsx";
import InvitationEmail from "../../emails/invitation.tsx";
import PasswordResetEmail from "../../emails/password-reset.tsx";
import RegistrationConfirmEmail from "../../emails/registration-confirm.tsx";
import RegistrationExistingAccountEmail from "../../emails/registration-existing-account.tsx";
import { durationInWords, renderEmail } from "../../app/mail/render.server.ts";

const invitation = {
  organisationName: "Tamworth Academy",
  roleLabel: "Teacher",
  inviteUrl: "http://localhost:3000/invite/abcdefghijklmnopqrstuvwxyz234567",
  expiresIn: "7 days",
};
const reset = {
  resetUrl: "http://localhost:3000/reset-password/abcdefghijklmnopqrstuvwxyz234567",
  expiresIn: "1 hour",
};

describe("invitation email", () => {
  it("renders HTML and plain text with the link, the organisation, the role and the partnership", async () => {
    const email = await renderEmail("invitation", invitation);
    expect(email.subject).toBe("You are invited to join Tamworth Academy on Staffordshire Digital Skills");
    for (const body of [email.html, email.text]) {
      expect(body).toContain(invitation.inviteUrl);
      expect(body).toContain(PARTNERSHIP_NAME);
      expect(body).toContain("Tamworth Academy");
      expect(body).toContain("Teacher");
      expect(body).toContain("7 days");
    }
    expect(email.html).toMatch(/<html[^>]*lang="en-GB"/);
    expect(email.html).toMatch(/<h1[^>]*>Join Tamworth Academy<\/h1>/);
    expect(email.html).toMatch(/role="presentation"/);
    expect(email.html).toMatch(/>Accept the invitation to join Tamworth Academy<\/a>/);
    expect(email.text).not.toMatch(/<[a-z]/i);
  });

  it("has PreviewProps for the preview server and only the props it is given", async () => {
    expect(InvitationEmail.PreviewProps.inviteUrl).toMatch(/\/invite\//);
    const email = await renderEmail("invitation", invitation);
    // Props are the whole input: no inviter, no other person, no email address of anyone.
    expect(email.html).not.toMatch(/@[a-z0-9-]+\.[a-z]/i);
    expect(email.text).not.toMatch(/@[a-z0-9-]+\.[a-z]/i);
  });
});

describe("password reset email", () => {
  it("renders the reset link, the one-hour lifetime and what to do if you did not ask", async () => {
    expect(PasswordResetEmail.PreviewProps.resetUrl).toMatch(/\/reset-password\//);
    const email = await renderEmail("password-reset", reset);
    for (const body of [email.html, email.text]) {
      expect(body).toContain(reset.resetUrl);
      expect(body).toContain(PARTNERSHIP_NAME);
      expect(body).toContain("1 hour");
      expect(body).toMatch(/didn(?:'|&#x27;|&#39;)t ask/);
    }
    expect(email.html).toMatch(/<h1[^>]*>Reset your password<\/h1>/);
    expect(email.html).toMatch(/>Choose a new password<\/a>/);
    expect(email.html).not.toMatch(/@[a-z0-9-]+\.[a-z]/i);
  });
});

describe("registration emails", () => {
  it("the confirmation carries the link and its lifetime, and nothing the requester typed but the kind", async () => {
    const props = {
      kindLabel: "school",
      confirmUrl: "http://localhost:3000/register/confirm/abcdefghijklmnopqrstuvwxyz234567",
      expiresIn: "1 day",
    };
    expect(RegistrationConfirmEmail.PreviewProps.confirmUrl).toMatch(/\/register\/confirm\//);
    const email = await renderEmail("registration-confirm", props);
    expect(email.subject).toBe("Confirm your request to join Staffordshire Digital Skills");
    for (const body of [email.html, email.text]) {
      expect(body).toContain(props.confirmUrl);
      expect(body).toContain(PARTNERSHIP_NAME);
      expect(body).toContain("register a school");
      expect(body).toContain("1 day");
    }
    expect(email.html).toMatch(/<h1[^>]*>Confirm your request to join<\/h1>/);
    expect(email.html).toMatch(/>Confirm your email address and send the request<\/a>/);
    expect(email.html).not.toMatch(/@[a-z0-9-]+\.[a-z]/i);
  });

  it("the note to an existing account links to sign-in and a new password, and says nothing changed", async () => {
    const props = {
      signInUrl: "http://localhost:3000/login",
      forgotPasswordUrl: "http://localhost:3000/forgot-password",
    };
    expect(RegistrationExistingAccountEmail.PreviewProps).toEqual(props);
    const email = await renderEmail("registration-existing-account", props);
    expect(email.subject).toBe("You already have a Staffordshire Digital Skills account");
    for (const body of [email.html, email.text]) {
      expect(body).toContain(props.signInUrl);
      expect(body).toContain(props.forgotPasswordUrl);
      expect(body).toContain("no new account or organisation was created");
    }
    expect(email.html).toMatch(/<h1[^>]*>You already have an account<\/h1>/);
    expect(email.html).toMatch(/>Sign in to your account<\/a>/);
    expect(email.text).not.toMatch(/<[a-z]/i);
  });
});

describe("rendering cost", () => {
  it("takes a few milliseconds per email once warm", async () => {
    await renderEmail("invitation", invitation);
    const runs = 50;
    const started = performance.now();
    for (let i = 0; i < runs; i++) {
      await renderEmail("invitation", invitation);
      await renderEmail("password-reset", reset);
    }
    const perEmail = (performance.now() - started) / (runs * 2);
    console.info(
      `email render: ${perEmail.toFixed(2)} ms per email (HTML + plain text, NODE_ENV=${process.env.NODE_ENV})`,
    );
    expect(perEmail).toBeLessThan(100);
  });
});

describe("durationInWords", () => {
  it("says lifetimes the way people do", () => {
    expect(durationInWords(60 * 60 * 1000)).toBe("1 hour");
    expect(durationInWords(7 * 24 * 60 * 60 * 1000)).toBe("7 days");
    expect(durationInWords(30 * 60 * 1000)).toBe("30 minutes");
    expect(durationInWords(30 * 24 * 60 * 60 * 1000)).toBe("30 days");
  });
});
