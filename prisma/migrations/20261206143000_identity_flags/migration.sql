-- Identifiers a school gave its pupil that another account already holds (decision 025).

-- CreateEnum
CREATE TYPE "identifier_kind" AS ENUM ('UPN', 'EMAIL');

-- CreateTable
CREATE TABLE "identity_flags" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "organisation_id" UUID NOT NULL,
    "kind" "identifier_kind" NOT NULL,
    "value" TEXT NOT NULL,
    "claimant_id" UUID NOT NULL,
    "holder_id" UUID NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "identity_flags_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "identity_flags_organisation_id_kind_value_key" ON "identity_flags"("organisation_id", "kind", "value");

-- CreateIndex
CREATE INDEX "identity_flags_holder_id_idx" ON "identity_flags"("holder_id");

-- CreateIndex
CREATE INDEX "identity_flags_claimant_id_idx" ON "identity_flags"("claimant_id");

-- AddForeignKey
ALTER TABLE "identity_flags" ADD CONSTRAINT "identity_flags_organisation_id_fkey" FOREIGN KEY ("organisation_id") REFERENCES "organisations"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "identity_flags" ADD CONSTRAINT "identity_flags_claimant_id_fkey" FOREIGN KEY ("claimant_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "identity_flags" ADD CONSTRAINT "identity_flags_holder_id_fkey" FOREIGN KEY ("holder_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;
