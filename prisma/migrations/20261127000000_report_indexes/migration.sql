-- CreateIndex
CREATE INDEX "progress_entries_report_idx" ON "progress_entries"("status", "kind", "occurred_on", "superseded_at", "learner_id", "enrolment_id", "apprenticeship_id", "minutes", "credential_code");

-- CreateIndex
CREATE INDEX "progress_entries_verified_at_idx" ON "progress_entries"("verified_at");
