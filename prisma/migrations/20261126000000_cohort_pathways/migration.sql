-- CreateTable
CREATE TABLE "cohort_pathways" (
    "cohort_id" UUID NOT NULL,
    "pathway_id" UUID NOT NULL,
    "enrolled_by_id" UUID,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "cohort_pathways_pkey" PRIMARY KEY ("cohort_id","pathway_id")
);

-- CreateIndex
CREATE INDEX "cohort_pathways_pathway_id_idx" ON "cohort_pathways"("pathway_id");

-- AddForeignKey
ALTER TABLE "cohort_pathways" ADD CONSTRAINT "cohort_pathways_cohort_id_fkey" FOREIGN KEY ("cohort_id") REFERENCES "cohorts"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "cohort_pathways" ADD CONSTRAINT "cohort_pathways_pathway_id_fkey" FOREIGN KEY ("pathway_id") REFERENCES "pathways"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
