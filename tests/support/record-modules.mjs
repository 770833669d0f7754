// Preloaded with `node --import` by tests/integration/production-build.test.ts: appends the URL of
// every module the process loads (import and require alike) to the file MODULE_LOG names.
import { appendFileSync } from "node:fs";
import { registerHooks } from "node:module";

const file = process.env.MODULE_LOG;
if (file) {
  registerHooks({
    load(url, context, nextLoad) {
      appendFileSync(file, `${url}\n`);
      return nextLoad(url, context);
    },
  });
}
