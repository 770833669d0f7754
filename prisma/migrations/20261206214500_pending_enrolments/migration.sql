-- CreateTable
CREATE TABLE "pending_enrolments" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "invitation_id" UUID NOT NULL,
    "employer_id" UUID NOT NULL,
    "first_name" TEXT NOT NULL,
    "last_name" TEXT NOT NULL,
    "answers" JSONB NOT NULL,
    "problem_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "pending_enrolments_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "pending_enrolments_invitation_id_key" ON "pending_enrolments"("invitation_id");

-- CreateIndex
CREATE INDEX "pending_enrolments_employer_id_idx" ON "pending_enrolments"("employer_id");

-- AddForeignKey
ALTER TABLE "pending_enrolments" ADD CONSTRAINT "pending_enrolments_invitation_id_fkey" FOREIGN KEY ("invitation_id") REFERENCES "auth_tokens"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "pending_enrolments" ADD CONSTRAINT "pending_enrolments_employer_id_fkey" FOREIGN KEY ("employer_id") REFERENCES "organisations"("id") ON DELETE CASCADE ON UPDATE CASCADE;
