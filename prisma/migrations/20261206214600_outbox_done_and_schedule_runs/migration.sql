-- An outbox row is done when its job finishes, not when it is handed to Redis (decision 027).
-- AlterTable
ALTER TABLE "outbox_messages" ADD COLUMN "done_at" TIMESTAMPTZ(3);

-- Rows handed over before this release: emails are done when notification_log says so (the
-- others are handed over again, and their send key keeps it to one email); other topics
-- count as done when they were dispatched, as they did before.
UPDATE "outbox_messages" AS o
   SET "done_at" = l."sent_at"
  FROM "notification_log" AS l
 WHERE o."dispatched_at" IS NOT NULL AND o."topic" LIKE 'email.%'
   AND l."dedupe_key" = 'outbox:' || o."id"::text AND l."status" IN ('sent', 'suppressed');
UPDATE "outbox_messages" SET "done_at" = "dispatched_at" WHERE "dispatched_at" IS NOT NULL AND "topic" NOT LIKE 'email.%';

-- DropIndex
DROP INDEX "outbox_messages_dispatched_at_available_at_idx";

-- CreateIndex
CREATE INDEX "outbox_messages_done_at_available_at_idx" ON "outbox_messages"("done_at", "available_at");

-- CreateTable
CREATE TABLE "job_schedule_runs" (
    "scheduler_id" TEXT NOT NULL,
    "job_name" TEXT NOT NULL,
    "declared_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "last_run_at" TIMESTAMPTZ(3),

    CONSTRAINT "job_schedule_runs_pkey" PRIMARY KEY ("scheduler_id")
);
