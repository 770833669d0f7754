/**
 * `npm run bench -- signin`: sign-ins per second through the production server under 10
 * concurrent connections (p50, p99), beside bare argon2id verifications per second at the same
 * parallelism in the same run. The hash is the physical floor of a sign-in (it is meant to be
 * slow), so the goal is a ratio: at least 0.7× the bare hash rate.
 *
 * Uses its own database (bench_signin, dropped afterwards) and a production build (made here if
 * build/ is missing). Each connection signs in as its own user, so the per-account throttle never
 * trips; every answer must be the 302 of a successful sign-in.
 */
import { spawn } from "node:child_process";
import autocannon from "autocannon";
import { hash, verify } from "@node-rs/argon2";
import pg from "pg";
import { applyMigrations } from "../app/db/migrate.server.ts";
import { admin, ensureProductionBuild, freePort, freshDatabase, ROOT, serverNodeArgs, waitForHealthy } from "./support.ts";

const DB_NAME = "bench_signin";
const CONNECTIONS = 10;
const DURATION_S = Number(process.env.BENCH_DURATION_S ?? 10);
const PASSWORD = "bench-password-for-signin";
const ARGON2 = { algorithm: 2, memoryCost: 19456, timeCost: 2, parallelism: 1 } as const;
const GOAL_RATIO = 0.7;

/** Bare argon2id verifications per second with `parallelism` concurrent loops. */
async function bareArgon2Rate(storedHash: string, seconds: number) {
  let count = 0;
  const until = Date.now() + seconds * 1000;
  const loop = async () => {
    while (Date.now() < until) {
      if (!(await verify(storedHash, PASSWORD))) throw new Error("verification failed");
      count++;
    }
  };
  const started = Date.now();
  await Promise.all(Array.from({ length: CONNECTIONS }, loop));
  return count / ((Date.now() - started) / 1000);
}

export async function main() {
  ensureProductionBuild();

  const url = await freshDatabase(DB_NAME);
  await applyMigrations(url);
  const storedHash = await hash(PASSWORD, ARGON2);
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const org = await client.query(`INSERT INTO organisations (name, kind, status, district_code, updated_at) VALUES ('Bench Employer', 'EMPLOYER', 'APPROVED', 'E06000021', now()) RETURNING id`);
  for (let i = 0; i < CONNECTIONS; i++) {
    const user = await client.query(
      `INSERT INTO users (email, first_name, last_name, password_hash, updated_at) VALUES ($1, 'Bench', 'User', $2, now()) RETURNING id`,
      [`bench${i}@signin.example`, storedHash],
    );
    await client.query(`INSERT INTO memberships (user_id, organisation_id, role) VALUES ($1, $2, 'APPRENTICE')`, [user.rows[0].id, org.rows[0].id]);
  }
  await client.end();

  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  const server = spawn(process.execPath, [...serverNodeArgs(), "--import", "tsx", "server.ts"], {
    cwd: ROOT,
    env: { ...process.env, NODE_ENV: "production", PORT: String(port), DATABASE_URL: url, REDIS_PREFIX: `bench:signin:${process.pid}:`, LOG_LEVEL: "warn", UNSUBSCRIBE_SECRET: "bench-unsubscribe-secret-0123456789abcdef" },
    stdio: ["ignore", "inherit", "inherit"],
  });
  try {
    await waitForHealthy(baseUrl, server);
    // Warm up every web process (one per core): the first requests load the build and open pools.
    await autocannon({ url: `${baseUrl}/login`, connections: CONNECTIONS, duration: 2 });

    let next = 0;
    const result = await autocannon({
      url: `${baseUrl}/login`,
      connections: CONNECTIONS,
      duration: DURATION_S,
      requests: [
        {
          method: "POST",
          headers: { "content-type": "application/x-www-form-urlencoded" },
          setupRequest: (request) => ({ ...request, body: `identifier=bench${next++ % CONNECTIONS}%40signin.example&password=${PASSWORD}&redirectTo=%2F` }),
        },
      ],
    });
    const signedIn = result["3xx"];
    const failures = result.non2xx - result["3xx"] + result.errors + result.timeouts;
    const signinRate = signedIn / DURATION_S;

    const bareRate = await bareArgon2Rate(storedHash, Math.min(DURATION_S, 8));
    const ratio = signinRate / bareRate;
    console.log(`sign-ins through the production server: ${signinRate.toFixed(1)}/s at ${CONNECTIONS} connections (p50 ${result.latency.p50} ms, p99 ${result.latency.p99} ms), ${failures} failed`);
    console.log(`bare argon2id verifications (m=19456 KiB, t=2, p=1): ${bareRate.toFixed(1)}/s at ${CONNECTIONS} in parallel (${(1000 / (bareRate / Math.min(CONNECTIONS, 4))).toFixed(0)} ms per hash per thread)`);
    console.log(`ratio ${ratio.toFixed(2)} (goal ≥ ${GOAL_RATIO})`);
    console.log(JSON.stringify({ bench: "signin", value: Number(signinRate.toFixed(1)), unit: "sign-ins/s", baseline: Number(bareRate.toFixed(1)), ratio: Number(ratio.toFixed(2)), goal: `ratio >= ${GOAL_RATIO}, 0 failed`, pass: ratio >= GOAL_RATIO && failures === 0 }));
  } finally {
    server.kill("SIGTERM");
    await new Promise((resolve) => server.once("exit", resolve));
    await admin(`DROP DATABASE IF EXISTS ${DB_NAME} WITH (FORCE)`);
  }
}
