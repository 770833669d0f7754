-- AlterEnum
ALTER TYPE "auth_token_kind" ADD VALUE 'REGISTRATION';

-- CreateTable
CREATE TABLE "pending_registrations" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "token_id" UUID NOT NULL,
    "kind" "organisation_kind" NOT NULL,
    "name" TEXT NOT NULL,
    "district_code" TEXT NOT NULL,
    "urn" TEXT,
    "company_number" TEXT,
    "sector" TEXT,
    "first_name" TEXT NOT NULL,
    "last_name" TEXT NOT NULL,
    "password_hash" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "pending_registrations_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "pending_registrations_token_id_key" ON "pending_registrations"("token_id");

-- AddForeignKey
ALTER TABLE "pending_registrations" ADD CONSTRAINT "pending_registrations_token_id_fkey" FOREIGN KEY ("token_id") REFERENCES "auth_tokens"("id") ON DELETE CASCADE ON UPDATE CASCADE;
