import { afterEach, describe, expect, it } from "vitest";
import { env, PRODUCTION_REQUIRED, resetEnvForTests, unsubscribeSecret } from "./env.server.ts";

const saved = { ...process.env };
afterEach(() => {
  process.env = { ...saved };
  resetEnvForTests();
});

function withEnv(values: Record<string, string | undefined>) {
  process.env = { ...saved, ...values };
  for (const [key, value] of Object.entries(values)) if (value === undefined) delete process.env[key];
  resetEnvForTests();
}

const production = {
  NODE_ENV: "production",
  DATABASE_URL: "postgresql://postgres@127.0.0.1:5432/x",
  APP_URL: "https://skills.example.org",
  SMTP_URL: "smtp://mail.example.org:587",
  MAIL_FROM: "Skills <no-reply@skills.example.org>",
};

describe("production settings", () => {
  it("starts when the public address, the mail server and the sender are set", () => {
    withEnv(production);
    expect(env().APP_URL).toBe("https://skills.example.org");
  });

  it.each(PRODUCTION_REQUIRED)("refuses to start without %s, naming it", (name) => {
    withEnv({ ...production, [name]: undefined });
    expect(() => env()).toThrow(`${name}: must be set in production`);
  });

  it("keeps the development defaults outside production", () => {
    withEnv({ ...production, NODE_ENV: "development", APP_URL: undefined, SMTP_URL: undefined, MAIL_FROM: undefined });
    expect(env()).toMatchObject({ APP_URL: "http://localhost:3000", SMTP_URL: "smtp://127.0.0.1:1025" });
  });
});

describe("the unsubscribe signing key", () => {
  const committed = "dev-only-unsubscribe-secret-change-me-in-production";

  it("refuses, in production, the development key that is in the repository", () => {
    withEnv({ ...production, UNSUBSCRIBE_SECRET: committed });
    expect(() => env()).toThrow(
      "UNSUBSCRIBE_SECRET: the development value from the repository is refused in production",
    );
  });

  it("has no default in production", () => {
    withEnv({ ...production, UNSUBSCRIBE_SECRET: undefined });
    expect(() => unsubscribeSecret()).toThrow("UNSUBSCRIBE_SECRET must be set in production");
  });

  it("uses the key production sets", () => {
    withEnv({ ...production, UNSUBSCRIBE_SECRET: "a".repeat(40) });
    expect(unsubscribeSecret()).toBe("a".repeat(40));
  });

  it("falls back to the development key outside production", () => {
    withEnv({ ...production, NODE_ENV: "development", UNSUBSCRIBE_SECRET: undefined });
    expect(unsubscribeSecret()).toBe(committed);
  });
});
