/**
 * `npm run bench -- NAME` runs bench/NAME.ts. Each bench prints its figures and, as its last
 * line, one JSON object {"bench", "value", "unit", "baseline", "ratio", "goal", "pass"}.
 */
import { existsSync } from "node:fs";
import { fileURLToPath, pathToFileURL } from "node:url";

const name = process.argv[2];
if (!name || !/^[a-z0-9-]+$/.test(name)) {
  console.error("Usage: npm run bench -- NAME   (runs bench/NAME.ts)");
  process.exit(2);
}
const file = fileURLToPath(new URL(`./${name}.ts`, import.meta.url));
if (!existsSync(file)) {
  console.error(`No bench called "${name}" (expected ${file}).`);
  process.exit(2);
}
const mod = (await import(pathToFileURL(file).href)) as { main?: () => Promise<void> };
if (typeof mod.main === "function") await mod.main();
// A bench is one shot: a handle a library leaves open (a pool, a Redis connection) must not keep
// the process waiting once its figures are printed.
process.exit(process.exitCode ?? 0);
