// ESLint flat config: @eslint/js and typescript-eslint recommended rules over the whole repo.
import js from "@eslint/js";
import { defineConfig, globalIgnores } from "eslint/config";
import tseslint from "typescript-eslint";

// Node globals for the few plain .js files (no `globals` package in the tree; TypeScript files
// get their globals checked by tsc, so typescript-eslint turns no-undef off for them).
const nodeGlobals = Object.fromEntries(
  ["process", "console", "Buffer", "URL", "URLSearchParams", "setTimeout", "clearTimeout", "setInterval", "clearInterval", "fetch", "AbortSignal", "structuredClone"].map((name) => [name, "readonly"]),
);

export default defineConfig(
  globalIgnores(["build/", ".react-router/", "app/generated/", "node_modules/", ".data/", "coverage/", "test-results/", "playwright-report/", "blob-report/"]),
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
  {
    files: ["app/routes/**"],
    rules: {
      // A body that is not a form must answer 4xx, never 500: actions read it through readForm.
      "no-restricted-syntax": [
        "error",
        { selector: "CallExpression[callee.object.name='request'][callee.property.name=/^(formData|json|arrayBuffer|blob)$/]", message: "Read the body with readForm(request) from ~/utils/forms.ts (or readUpload for files)." },
      ],
    },
  },
);
