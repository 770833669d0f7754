/**
 * /admin/queues: the Bull Board dashboard, partnership admins only. Filled in by the workers
 * issue; until then this mounts nothing.
 */
import type { Express } from "express";

export async function mountQueueDashboard(_app: Express): Promise<void> {}
