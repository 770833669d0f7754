import { defineConfig } from "prisma/config";

// The URL comes from the environment. `prisma generate` does not connect, so a placeholder
// keeps it working on a machine with nothing configured (see docs/decisions/003).
export default defineConfig({
  schema: "prisma/schema.prisma",
  migrations: { path: "prisma/migrations", seed: "tsx prisma/seed.ts" },
  datasource: {
    url: process.env.DATABASE_URL ?? "postgresql://placeholder@localhost:5432/placeholder",
  },
});
