import { afterEach, describe, expect, it } from "vitest";
import { env, PRODUCTION_REQUIRED, resetEnvForTests } from "./env.server.ts";

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

const production = { NODE_ENV: "production", DATABASE_URL: "postgresql://postgres@127.0.0.1:5432/x", APP_URL: "https://skills.example.org", SMTP_URL: "smtp://mail.example.org:587", MAIL_FROM: "Skills <no-reply@skills.example.org>" };

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
