-- CreateEnum
CREATE TYPE "organisation_kind" AS ENUM ('SCHOOL', 'EMPLOYER', 'PROVIDER', 'COUNCIL');

-- CreateEnum
CREATE TYPE "organisation_status" AS ENUM ('PENDING', 'APPROVED', 'SUSPENDED');

-- CreateEnum
CREATE TYPE "role" AS ENUM ('PARTNERSHIP_ADMIN', 'TUTOR', 'COUNCIL_OFFICER', 'SCHOOL_ADMIN', 'TEACHER', 'PUPIL', 'EMPLOYER_ADMIN', 'WORKPLACE_SUPERVISOR', 'APPRENTICE');

-- CreateEnum
CREATE TYPE "auth_token_kind" AS ENUM ('PASSWORD_RESET', 'INVITATION', 'SETUP_CODE');

-- CreateEnum
CREATE TYPE "audience" AS ENUM ('PUPIL', 'TEACHER', 'APPRENTICE', 'POST16');

-- CreateEnum
CREATE TYPE "enrolment_status" AS ENUM ('ACTIVE', 'COMPLETED', 'WITHDRAWN');

-- CreateEnum
CREATE TYPE "entry_kind" AS ENUM ('MODULE_COMPLETED', 'LEARNING_TIME', 'CREDENTIAL', 'OTJ_ACTIVITY');

-- CreateEnum
CREATE TYPE "entry_status" AS ENUM ('PENDING', 'VERIFIED', 'REJECTED');

-- CreateEnum
CREATE TYPE "otj_regime" AS ENUM ('PERCENT_20', 'HOURS_6_PER_WEEK', 'STANDARD_MINIMUM');

-- CreateEnum
CREATE TYPE "apprenticeship_status" AS ENUM ('ACTIVE', 'BREAK', 'GATEWAY', 'COMPLETED', 'WITHDRAWN');

-- CreateEnum
CREATE TYPE "review_status" AS ENUM ('SCHEDULED', 'OPEN', 'SIGNED');

-- CreateEnum
CREATE TYPE "placement_status" AS ENUM ('PLANNED', 'STARTED', 'COMPLETED', 'CANCELLED');

-- CreateTable
CREATE TABLE "districts" (
    "code" TEXT NOT NULL,
    "name" TEXT NOT NULL,

    CONSTRAINT "districts_pkey" PRIMARY KEY ("code")
);

-- CreateTable
CREATE TABLE "organisations" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "name" TEXT NOT NULL,
    "kind" "organisation_kind" NOT NULL,
    "status" "organisation_status" NOT NULL DEFAULT 'PENDING',
    "district_code" TEXT NOT NULL,
    "urn" TEXT,
    "company_number" TEXT,
    "sector" TEXT,
    "pupil_reminders_enabled" BOOLEAN NOT NULL DEFAULT false,
    "approved_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "organisations_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "users" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "email" TEXT,
    "username" TEXT,
    "first_name" TEXT NOT NULL,
    "last_name" TEXT NOT NULL,
    "password_hash" TEXT,
    "upn" TEXT,
    "year_group" INTEGER,
    "date_of_birth" DATE,
    "notification_prefs" JSONB NOT NULL DEFAULT '{}',
    "disabled_at" TIMESTAMPTZ(3),
    "erased_at" TIMESTAMPTZ(3),
    "merged_into_id" UUID,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "users_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "memberships" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "user_id" UUID NOT NULL,
    "organisation_id" UUID NOT NULL,
    "role" "role" NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "memberships_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "sessions" (
    "id" TEXT NOT NULL,
    "secret_hash" BYTEA NOT NULL,
    "user_id" UUID NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "last_active_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expires_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "sessions_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "auth_tokens" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "kind" "auth_token_kind" NOT NULL,
    "token_hash" BYTEA NOT NULL,
    "user_id" UUID,
    "email" TEXT,
    "organisation_id" UUID,
    "role" "role",
    "created_by_id" UUID,
    "expires_at" TIMESTAMPTZ(3) NOT NULL,
    "used_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "auth_tokens_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "pathways" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "slug" TEXT NOT NULL,
    "title" TEXT NOT NULL,
    "audience" "audience" NOT NULL,
    "description" TEXT NOT NULL DEFAULT '',
    "hours_min" INTEGER NOT NULL,
    "hours_max" INTEGER NOT NULL,
    "counts_as_encounter" BOOLEAN NOT NULL DEFAULT false,
    "outcome" TEXT NOT NULL DEFAULT 'badge',
    "credential_code" TEXT,
    "is_cpd" BOOLEAN NOT NULL DEFAULT false,
    "sort_order" INTEGER NOT NULL DEFAULT 0,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "pathways_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "modules" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "uid" TEXT NOT NULL,
    "title" TEXT NOT NULL,
    "duration_minutes" INTEGER NOT NULL,
    "levels" TEXT[],
    "roles" TEXT[],
    "products" TEXT[],
    "url" TEXT NOT NULL,
    "retired_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "modules_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "pathway_modules" (
    "pathway_id" UUID NOT NULL,
    "module_id" UUID NOT NULL,
    "position" INTEGER NOT NULL,

    CONSTRAINT "pathway_modules_pkey" PRIMARY KEY ("pathway_id","module_id")
);

-- CreateTable
CREATE TABLE "credentials" (
    "code" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "kind" TEXT NOT NULL DEFAULT 'exam',
    "retired_on" DATE,
    "successor_code" TEXT,
    "expires" BOOLEAN NOT NULL DEFAULT false,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "credentials_pkey" PRIMARY KEY ("code")
);

-- CreateTable
CREATE TABLE "standards" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "reference" TEXT NOT NULL,
    "title" TEXT NOT NULL,
    "level" INTEGER NOT NULL,
    "otj_minimum_hours" INTEGER,
    "min_duration_months" INTEGER NOT NULL DEFAULT 12,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "standards_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ksbs" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "standard_id" UUID NOT NULL,
    "code" TEXT NOT NULL,
    "text" TEXT NOT NULL,

    CONSTRAINT "ksbs_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "cohorts" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "organisation_id" UUID NOT NULL,
    "teacher_id" UUID,
    "name" TEXT NOT NULL,
    "year_group" INTEGER NOT NULL,
    "academic_year" INTEGER NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "cohorts_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "cohort_members" (
    "cohort_id" UUID NOT NULL,
    "user_id" UUID NOT NULL,
    "joined_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "left_at" TIMESTAMPTZ(3),

    CONSTRAINT "cohort_members_pkey" PRIMARY KEY ("cohort_id","user_id")
);

-- CreateTable
CREATE TABLE "enrolments" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "user_id" UUID NOT NULL,
    "pathway_id" UUID NOT NULL,
    "organisation_id" UUID NOT NULL,
    "cohort_id" UUID,
    "status" "enrolment_status" NOT NULL DEFAULT 'ACTIVE',
    "started_on" DATE NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "completed_on" DATE,
    "withdrawn_on" DATE,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "enrolments_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "progress_entries" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "learner_id" UUID NOT NULL,
    "enrolment_id" UUID,
    "apprenticeship_id" UUID,
    "kind" "entry_kind" NOT NULL,
    "module_id" UUID,
    "credential_code" TEXT,
    "occurred_on" DATE NOT NULL,
    "minutes" INTEGER NOT NULL DEFAULT 0,
    "activity_type" TEXT,
    "description" TEXT NOT NULL DEFAULT '',
    "ksb_codes" TEXT[],
    "evidence_url" TEXT,
    "at_work" BOOLEAN NOT NULL DEFAULT false,
    "status" "entry_status" NOT NULL DEFAULT 'PENDING',
    "verified_by_id" UUID,
    "verified_at" TIMESTAMPTZ(3),
    "verifier_comment" TEXT,
    "supervisor_confirmed_by_id" UUID,
    "supervisor_confirmed_at" TIMESTAMPTZ(3),
    "version" INTEGER NOT NULL DEFAULT 1,
    "supersedes_id" UUID,
    "superseded_at" TIMESTAMPTZ(3),
    "correction_reason" TEXT,
    "client_ref" TEXT,
    "created_by_id" UUID NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "progress_entries_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "apprenticeships" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "apprentice_id" UUID NOT NULL,
    "employer_id" UUID NOT NULL,
    "provider_id" UUID NOT NULL,
    "standard_id" UUID NOT NULL,
    "tutor_id" UUID,
    "supervisor_id" UUID,
    "start_date" DATE NOT NULL,
    "planned_end_date" DATE NOT NULL,
    "contracted_weekly_hours" DECIMAL(5,2) NOT NULL,
    "otj_regime" "otj_regime" NOT NULL,
    "planned_otj_hours" INTEGER NOT NULL,
    "prior_learning_hours" INTEGER NOT NULL DEFAULT 0,
    "english_maths_required" BOOLEAN NOT NULL DEFAULT false,
    "status" "apprenticeship_status" NOT NULL DEFAULT 'ACTIVE',
    "gateway_date" DATE,
    "achieved_on" DATE,
    "withdrawn_on" DATE,
    "otj_actual_hours_reported" INTEGER,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "apprenticeships_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "learning_breaks" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "apprenticeship_id" UUID NOT NULL,
    "start_date" DATE NOT NULL,
    "end_date" DATE,
    "reason" TEXT NOT NULL DEFAULT '',
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "learning_breaks_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "training_plans" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "apprenticeship_id" UUID NOT NULL,
    "content" JSONB NOT NULL,
    "apprentice_signed_at" TIMESTAMPTZ(3),
    "apprentice_signed_by_id" UUID,
    "employer_signed_at" TIMESTAMPTZ(3),
    "employer_signed_by_id" UUID,
    "tutor_signed_at" TIMESTAMPTZ(3),
    "tutor_signed_by_id" UUID,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "training_plans_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "reviews" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "apprenticeship_id" UUID NOT NULL,
    "sequence" INTEGER NOT NULL,
    "due_on" DATE NOT NULL,
    "held_on" DATE,
    "status" "review_status" NOT NULL DEFAULT 'SCHEDULED',
    "content" JSONB NOT NULL DEFAULT '{}',
    "otj_hours_at_review" DECIMAL(8,2),
    "apprentice_signed_at" TIMESTAMPTZ(3),
    "apprentice_signed_by_id" UUID,
    "employer_signed_at" TIMESTAMPTZ(3),
    "employer_signed_by_id" UUID,
    "tutor_signed_at" TIMESTAMPTZ(3),
    "tutor_signed_by_id" UUID,
    "locked_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "reviews_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "review_addenda" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "review_id" UUID NOT NULL,
    "author_id" UUID NOT NULL,
    "text" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "review_addenda_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "gateway_checks" (
    "apprenticeship_id" UUID NOT NULL,
    "employer_confirmed_at" TIMESTAMPTZ(3),
    "employer_confirmed_by_id" UUID,
    "tutor_confirmed_at" TIMESTAMPTZ(3),
    "tutor_confirmed_by_id" UUID,
    "english_maths_met" BOOLEAN NOT NULL DEFAULT false,
    "minimum_duration_met" BOOLEAN NOT NULL DEFAULT false,
    "otj_met" BOOLEAN NOT NULL DEFAULT false,
    "gateway_date" DATE,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "gateway_checks_pkey" PRIMARY KEY ("apprenticeship_id")
);

-- CreateTable
CREATE TABLE "placements" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "school_id" UUID NOT NULL,
    "employer_id" UUID NOT NULL,
    "supervisor_id" UUID,
    "title" TEXT NOT NULL,
    "start_date" DATE NOT NULL,
    "end_date" DATE NOT NULL,
    "hours" INTEGER NOT NULL,
    "status" "placement_status" NOT NULL DEFAULT 'PLANNED',
    "risk_assessment_at" TIMESTAMPTZ(3),
    "insurance_confirmed_at" TIMESTAMPTZ(3),
    "health_safety_at" TIMESTAMPTZ(3),
    "employer_confirmed_by_id" UUID,
    "created_by_id" UUID NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "placements_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "placement_pupils" (
    "placement_id" UUID NOT NULL,
    "pupil_id" UUID NOT NULL,
    "consent_given_by" TEXT,
    "consent_date" DATE,
    "consent_method" TEXT,
    "hours_attended" INTEGER,
    "feedback" JSONB,
    "would_host_again" BOOLEAN,
    "feedback_at" TIMESTAMPTZ(3),
    "reflection" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "placement_pupils_pkey" PRIMARY KEY ("placement_id","pupil_id")
);

-- CreateTable
CREATE TABLE "encounters" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "school_id" UUID NOT NULL,
    "employer_id" UUID,
    "cohort_id" UUID,
    "kind" TEXT NOT NULL,
    "title" TEXT NOT NULL,
    "occurred_on" DATE NOT NULL,
    "created_by_id" UUID NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "encounters_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "encounter_attendees" (
    "encounter_id" UUID NOT NULL,
    "pupil_id" UUID NOT NULL,
    "reflection" TEXT,

    CONSTRAINT "encounter_attendees_pkey" PRIMARY KEY ("encounter_id","pupil_id")
);

-- CreateTable
CREATE TABLE "outbox_messages" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "topic" TEXT NOT NULL,
    "payload" JSONB NOT NULL,
    "available_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "dispatched_at" TIMESTAMPTZ(3),
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "last_error" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "outbox_messages_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "notification_log" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "user_id" UUID,
    "kind" TEXT NOT NULL,
    "dedupe_key" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'sent',
    "sent_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "notification_log_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "import_jobs" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "organisation_id" UUID NOT NULL,
    "cohort_id" UUID,
    "created_by_id" UUID NOT NULL,
    "kind" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'preview',
    "file_text" TEXT,
    "total_rows" INTEGER NOT NULL DEFAULT 0,
    "processed_rows" INTEGER NOT NULL DEFAULT 0,
    "summary" JSONB NOT NULL DEFAULT '{}',
    "error" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "finished_at" TIMESTAMPTZ(3),

    CONSTRAINT "import_jobs_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "report_snapshots" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "period_type" TEXT NOT NULL,
    "period_key" TEXT NOT NULL,
    "version" INTEGER NOT NULL,
    "data_version" TEXT NOT NULL,
    "figures" JSONB NOT NULL,
    "built_by_id" UUID,
    "built_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "report_snapshots_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "targets" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "key" TEXT NOT NULL,
    "label" TEXT NOT NULL,
    "target_value" INTEGER NOT NULL,
    "starts_on" DATE NOT NULL,
    "ends_on" DATE NOT NULL,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "targets_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "audit_log" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "actor_id" UUID,
    "action" TEXT NOT NULL,
    "subject_type" TEXT,
    "subject_id" TEXT,
    "organisation_id" UUID,
    "metadata" JSONB NOT NULL DEFAULT '{}',
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "audit_log_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "districts_name_key" ON "districts"("name");

-- CreateIndex
CREATE UNIQUE INDEX "organisations_urn_key" ON "organisations"("urn");

-- CreateIndex
CREATE UNIQUE INDEX "organisations_company_number_key" ON "organisations"("company_number");

-- CreateIndex
CREATE INDEX "organisations_kind_status_idx" ON "organisations"("kind", "status");

-- CreateIndex
CREATE INDEX "organisations_district_code_idx" ON "organisations"("district_code");

-- CreateIndex
CREATE UNIQUE INDEX "users_email_key" ON "users"("email");

-- CreateIndex
CREATE UNIQUE INDEX "users_username_key" ON "users"("username");

-- CreateIndex
CREATE UNIQUE INDEX "users_upn_key" ON "users"("upn");

-- CreateIndex
CREATE INDEX "users_last_name_first_name_idx" ON "users"("last_name", "first_name");

-- CreateIndex
CREATE INDEX "memberships_organisation_id_role_idx" ON "memberships"("organisation_id", "role");

-- CreateIndex
CREATE UNIQUE INDEX "memberships_user_id_organisation_id_role_key" ON "memberships"("user_id", "organisation_id", "role");

-- CreateIndex
CREATE INDEX "sessions_user_id_idx" ON "sessions"("user_id");

-- CreateIndex
CREATE INDEX "sessions_expires_at_idx" ON "sessions"("expires_at");

-- CreateIndex
CREATE UNIQUE INDEX "auth_tokens_token_hash_key" ON "auth_tokens"("token_hash");

-- CreateIndex
CREATE INDEX "auth_tokens_user_id_kind_idx" ON "auth_tokens"("user_id", "kind");

-- CreateIndex
CREATE INDEX "auth_tokens_expires_at_idx" ON "auth_tokens"("expires_at");

-- CreateIndex
CREATE UNIQUE INDEX "pathways_slug_key" ON "pathways"("slug");

-- CreateIndex
CREATE UNIQUE INDEX "modules_uid_key" ON "modules"("uid");

-- CreateIndex
CREATE INDEX "pathway_modules_module_id_idx" ON "pathway_modules"("module_id");

-- CreateIndex
CREATE UNIQUE INDEX "standards_reference_key" ON "standards"("reference");

-- CreateIndex
CREATE UNIQUE INDEX "ksbs_standard_id_code_key" ON "ksbs"("standard_id", "code");

-- CreateIndex
CREATE UNIQUE INDEX "cohorts_organisation_id_academic_year_name_key" ON "cohorts"("organisation_id", "academic_year", "name");

-- CreateIndex
CREATE INDEX "cohort_members_user_id_idx" ON "cohort_members"("user_id");

-- CreateIndex
CREATE INDEX "enrolments_organisation_id_status_idx" ON "enrolments"("organisation_id", "status");

-- CreateIndex
CREATE INDEX "enrolments_cohort_id_idx" ON "enrolments"("cohort_id");

-- CreateIndex
CREATE INDEX "enrolments_pathway_id_started_on_idx" ON "enrolments"("pathway_id", "started_on");

-- CreateIndex
CREATE UNIQUE INDEX "enrolments_user_id_pathway_id_key" ON "enrolments"("user_id", "pathway_id");

-- CreateIndex
CREATE UNIQUE INDEX "progress_entries_supersedes_id_key" ON "progress_entries"("supersedes_id");

-- CreateIndex
CREATE INDEX "progress_entries_learner_id_occurred_on_idx" ON "progress_entries"("learner_id", "occurred_on");

-- CreateIndex
CREATE INDEX "progress_entries_enrolment_id_status_idx" ON "progress_entries"("enrolment_id", "status");

-- CreateIndex
CREATE INDEX "progress_entries_apprenticeship_id_status_idx" ON "progress_entries"("apprenticeship_id", "status");

-- CreateIndex
CREATE INDEX "progress_entries_status_created_at_idx" ON "progress_entries"("status", "created_at");

-- CreateIndex
CREATE UNIQUE INDEX "progress_entries_learner_id_client_ref_key" ON "progress_entries"("learner_id", "client_ref");

-- CreateIndex
CREATE INDEX "apprenticeships_employer_id_status_idx" ON "apprenticeships"("employer_id", "status");

-- CreateIndex
CREATE INDEX "apprenticeships_provider_id_status_idx" ON "apprenticeships"("provider_id", "status");

-- CreateIndex
CREATE INDEX "apprenticeships_tutor_id_idx" ON "apprenticeships"("tutor_id");

-- CreateIndex
CREATE INDEX "apprenticeships_supervisor_id_idx" ON "apprenticeships"("supervisor_id");

-- CreateIndex
CREATE INDEX "apprenticeships_apprentice_id_idx" ON "apprenticeships"("apprentice_id");

-- CreateIndex
CREATE INDEX "learning_breaks_apprenticeship_id_idx" ON "learning_breaks"("apprenticeship_id");

-- CreateIndex
CREATE UNIQUE INDEX "training_plans_apprenticeship_id_key" ON "training_plans"("apprenticeship_id");

-- CreateIndex
CREATE INDEX "reviews_status_due_on_idx" ON "reviews"("status", "due_on");

-- CreateIndex
CREATE UNIQUE INDEX "reviews_apprenticeship_id_sequence_key" ON "reviews"("apprenticeship_id", "sequence");

-- CreateIndex
CREATE INDEX "review_addenda_review_id_idx" ON "review_addenda"("review_id");

-- CreateIndex
CREATE INDEX "placements_school_id_status_idx" ON "placements"("school_id", "status");

-- CreateIndex
CREATE INDEX "placements_employer_id_status_idx" ON "placements"("employer_id", "status");

-- CreateIndex
CREATE INDEX "placement_pupils_pupil_id_idx" ON "placement_pupils"("pupil_id");

-- CreateIndex
CREATE INDEX "encounters_school_id_occurred_on_idx" ON "encounters"("school_id", "occurred_on");

-- CreateIndex
CREATE INDEX "encounter_attendees_pupil_id_idx" ON "encounter_attendees"("pupil_id");

-- CreateIndex
CREATE INDEX "outbox_messages_dispatched_at_available_at_idx" ON "outbox_messages"("dispatched_at", "available_at");

-- CreateIndex
CREATE UNIQUE INDEX "notification_log_dedupe_key_key" ON "notification_log"("dedupe_key");

-- CreateIndex
CREATE INDEX "notification_log_user_id_sent_at_idx" ON "notification_log"("user_id", "sent_at");

-- CreateIndex
CREATE INDEX "import_jobs_organisation_id_created_at_idx" ON "import_jobs"("organisation_id", "created_at");

-- CreateIndex
CREATE UNIQUE INDEX "report_snapshots_period_type_period_key_version_key" ON "report_snapshots"("period_type", "period_key", "version");

-- CreateIndex
CREATE UNIQUE INDEX "targets_key_key" ON "targets"("key");

-- CreateIndex
CREATE INDEX "audit_log_subject_type_subject_id_idx" ON "audit_log"("subject_type", "subject_id");

-- CreateIndex
CREATE INDEX "audit_log_actor_id_created_at_idx" ON "audit_log"("actor_id", "created_at");

-- CreateIndex
CREATE INDEX "audit_log_action_created_at_idx" ON "audit_log"("action", "created_at");

-- AddForeignKey
ALTER TABLE "organisations" ADD CONSTRAINT "organisations_district_code_fkey" FOREIGN KEY ("district_code") REFERENCES "districts"("code") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "users" ADD CONSTRAINT "users_merged_into_id_fkey" FOREIGN KEY ("merged_into_id") REFERENCES "users"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "memberships" ADD CONSTRAINT "memberships_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "memberships" ADD CONSTRAINT "memberships_organisation_id_fkey" FOREIGN KEY ("organisation_id") REFERENCES "organisations"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "sessions" ADD CONSTRAINT "sessions_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "auth_tokens" ADD CONSTRAINT "auth_tokens_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "auth_tokens" ADD CONSTRAINT "auth_tokens_created_by_id_fkey" FOREIGN KEY ("created_by_id") REFERENCES "users"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "auth_tokens" ADD CONSTRAINT "auth_tokens_organisation_id_fkey" FOREIGN KEY ("organisation_id") REFERENCES "organisations"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "pathways" ADD CONSTRAINT "pathways_credential_code_fkey" FOREIGN KEY ("credential_code") REFERENCES "credentials"("code") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "pathway_modules" ADD CONSTRAINT "pathway_modules_pathway_id_fkey" FOREIGN KEY ("pathway_id") REFERENCES "pathways"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "pathway_modules" ADD CONSTRAINT "pathway_modules_module_id_fkey" FOREIGN KEY ("module_id") REFERENCES "modules"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "credentials" ADD CONSTRAINT "credentials_successor_code_fkey" FOREIGN KEY ("successor_code") REFERENCES "credentials"("code") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ksbs" ADD CONSTRAINT "ksbs_standard_id_fkey" FOREIGN KEY ("standard_id") REFERENCES "standards"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "cohorts" ADD CONSTRAINT "cohorts_organisation_id_fkey" FOREIGN KEY ("organisation_id") REFERENCES "organisations"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "cohorts" ADD CONSTRAINT "cohorts_teacher_id_fkey" FOREIGN KEY ("teacher_id") REFERENCES "users"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "cohort_members" ADD CONSTRAINT "cohort_members_cohort_id_fkey" FOREIGN KEY ("cohort_id") REFERENCES "cohorts"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "cohort_members" ADD CONSTRAINT "cohort_members_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "enrolments" ADD CONSTRAINT "enrolments_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "enrolments" ADD CONSTRAINT "enrolments_pathway_id_fkey" FOREIGN KEY ("pathway_id") REFERENCES "pathways"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "enrolments" ADD CONSTRAINT "enrolments_organisation_id_fkey" FOREIGN KEY ("organisation_id") REFERENCES "organisations"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "enrolments" ADD CONSTRAINT "enrolments_cohort_id_fkey" FOREIGN KEY ("cohort_id") REFERENCES "cohorts"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "progress_entries" ADD CONSTRAINT "progress_entries_learner_id_fkey" FOREIGN KEY ("learner_id") REFERENCES "users"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "progress_entries" ADD CONSTRAINT "progress_entries_created_by_id_fkey" FOREIGN KEY ("created_by_id") REFERENCES "users"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "progress_entries" ADD CONSTRAINT "progress_entries_verified_by_id_fkey" FOREIGN KEY ("verified_by_id") REFERENCES "users"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "progress_entries" ADD CONSTRAINT "progress_entries_enrolment_id_fkey" FOREIGN KEY ("enrolment_id") REFERENCES "enrolments"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "progress_entries" ADD CONSTRAINT "progress_entries_apprenticeship_id_fkey" FOREIGN KEY ("apprenticeship_id") REFERENCES "apprenticeships"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "progress_entries" ADD CONSTRAINT "progress_entries_module_id_fkey" FOREIGN KEY ("module_id") REFERENCES "modules"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "progress_entries" ADD CONSTRAINT "progress_entries_credential_code_fkey" FOREIGN KEY ("credential_code") REFERENCES "credentials"("code") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "progress_entries" ADD CONSTRAINT "progress_entries_supersedes_id_fkey" FOREIGN KEY ("supersedes_id") REFERENCES "progress_entries"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "apprenticeships" ADD CONSTRAINT "apprenticeships_apprentice_id_fkey" FOREIGN KEY ("apprentice_id") REFERENCES "users"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "apprenticeships" ADD CONSTRAINT "apprenticeships_employer_id_fkey" FOREIGN KEY ("employer_id") REFERENCES "organisations"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "apprenticeships" ADD CONSTRAINT "apprenticeships_provider_id_fkey" FOREIGN KEY ("provider_id") REFERENCES "organisations"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "apprenticeships" ADD CONSTRAINT "apprenticeships_standard_id_fkey" FOREIGN KEY ("standard_id") REFERENCES "standards"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "apprenticeships" ADD CONSTRAINT "apprenticeships_tutor_id_fkey" FOREIGN KEY ("tutor_id") REFERENCES "users"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "apprenticeships" ADD CONSTRAINT "apprenticeships_supervisor_id_fkey" FOREIGN KEY ("supervisor_id") REFERENCES "users"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "learning_breaks" ADD CONSTRAINT "learning_breaks_apprenticeship_id_fkey" FOREIGN KEY ("apprenticeship_id") REFERENCES "apprenticeships"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "training_plans" ADD CONSTRAINT "training_plans_apprenticeship_id_fkey" FOREIGN KEY ("apprenticeship_id") REFERENCES "apprenticeships"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "reviews" ADD CONSTRAINT "reviews_apprenticeship_id_fkey" FOREIGN KEY ("apprenticeship_id") REFERENCES "apprenticeships"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "review_addenda" ADD CONSTRAINT "review_addenda_review_id_fkey" FOREIGN KEY ("review_id") REFERENCES "reviews"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "gateway_checks" ADD CONSTRAINT "gateway_checks_apprenticeship_id_fkey" FOREIGN KEY ("apprenticeship_id") REFERENCES "apprenticeships"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "placements" ADD CONSTRAINT "placements_school_id_fkey" FOREIGN KEY ("school_id") REFERENCES "organisations"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "placements" ADD CONSTRAINT "placements_employer_id_fkey" FOREIGN KEY ("employer_id") REFERENCES "organisations"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "placements" ADD CONSTRAINT "placements_supervisor_id_fkey" FOREIGN KEY ("supervisor_id") REFERENCES "users"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "placement_pupils" ADD CONSTRAINT "placement_pupils_placement_id_fkey" FOREIGN KEY ("placement_id") REFERENCES "placements"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "placement_pupils" ADD CONSTRAINT "placement_pupils_pupil_id_fkey" FOREIGN KEY ("pupil_id") REFERENCES "users"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "encounters" ADD CONSTRAINT "encounters_school_id_fkey" FOREIGN KEY ("school_id") REFERENCES "organisations"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "encounters" ADD CONSTRAINT "encounters_employer_id_fkey" FOREIGN KEY ("employer_id") REFERENCES "organisations"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "encounters" ADD CONSTRAINT "encounters_cohort_id_fkey" FOREIGN KEY ("cohort_id") REFERENCES "cohorts"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "encounter_attendees" ADD CONSTRAINT "encounter_attendees_encounter_id_fkey" FOREIGN KEY ("encounter_id") REFERENCES "encounters"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "encounter_attendees" ADD CONSTRAINT "encounter_attendees_pupil_id_fkey" FOREIGN KEY ("pupil_id") REFERENCES "users"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "notification_log" ADD CONSTRAINT "notification_log_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "import_jobs" ADD CONSTRAINT "import_jobs_organisation_id_fkey" FOREIGN KEY ("organisation_id") REFERENCES "organisations"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "import_jobs" ADD CONSTRAINT "import_jobs_cohort_id_fkey" FOREIGN KEY ("cohort_id") REFERENCES "cohorts"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "audit_log" ADD CONSTRAINT "audit_log_actor_id_fkey" FOREIGN KEY ("actor_id") REFERENCES "users"("id") ON DELETE SET NULL ON UPDATE CASCADE;
