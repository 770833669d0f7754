import type { RouteConfig } from "@react-router/dev/routes";
import { flatRoutes } from "@react-router/fs-routes";

// File-based routes (app/routes/*): `admin.organisations.tsx` → /admin/organisations.
export default flatRoutes() satisfies RouteConfig;
