/**
 * Demo organisations and one account per role, plus a second apprentice (whose apprenticeship the
 * keyboard-only journey in tests/e2e uses, so the first apprentice's reviews stay as seeded).
 * Names are fictional; districts are the real ONS areas. Every demo account shares DEMO_PASSWORD
 * (documented in README).
 */
import type { OrganisationKind, Role } from "../../app/generated/prisma/enums.ts";

export const DEMO_PASSWORD = "digital-skills-demo";

export const ORGANISATIONS: {
  key: string;
  name: string;
  kind: OrganisationKind;
  districtCode: string;
  urn?: string;
  companyNumber?: string;
  sector?: string;
}[] = [
  {
    key: "university",
    name: "Staffordshire Digital Skills Partnership (University)",
    kind: "PROVIDER",
    districtCode: "E07000197",
  },
  { key: "council", name: "Staffordshire County Council", kind: "COUNCIL", districtCode: "E07000197" },
  { key: "chase-valley", name: "Chase Valley Academy", kind: "SCHOOL", districtCode: "E07000192", urn: "900001" },
  { key: "trent-bridge", name: "Trent Bridge High School", kind: "SCHOOL", districtCode: "E07000193", urn: "900002" },
  { key: "potteries", name: "Potteries Community College", kind: "SCHOOL", districtCode: "E06000021", urn: "900003" },
  { key: "moorlands", name: "Moorlands Valley School", kind: "SCHOOL", districtCode: "E07000198", urn: "900004" },
  {
    key: "trentside",
    name: "Trentside Digital Ltd",
    kind: "EMPLOYER",
    districtCode: "E06000021",
    companyNumber: "09000001",
    sector: "Software and IT services",
  },
  {
    key: "tamworth-logistics",
    name: "Tamworth Logistics Group",
    kind: "EMPLOYER",
    districtCode: "E07000199",
    companyNumber: "09000002",
    sector: "Logistics",
  },
  {
    key: "lichfield-health",
    name: "Lichfield Health Partners",
    kind: "EMPLOYER",
    districtCode: "E07000194",
    companyNumber: "09000003",
    sector: "Health and care",
  },
  {
    key: "newcastle-makers",
    name: "Newcastle Makers Co-operative",
    kind: "EMPLOYER",
    districtCode: "E07000195",
    companyNumber: "09000004",
    sector: "Manufacturing",
  },
];

export const DEMO_ACCOUNTS: {
  key: string;
  org: string;
  role: Role;
  firstName: string;
  lastName: string;
  email?: string;
  username?: string;
  yearGroup?: number;
}[] = [
  {
    key: "admin",
    org: "university",
    role: "PARTNERSHIP_ADMIN",
    firstName: "Priya",
    lastName: "Shah",
    email: "admin@partnership.example",
  },
  {
    key: "tutor",
    org: "university",
    role: "TUTOR",
    firstName: "Tom",
    lastName: "Ashworth",
    email: "tutor@partnership.example",
  },
  {
    key: "officer",
    org: "council",
    role: "COUNCIL_OFFICER",
    firstName: "Helen",
    lastName: "Barker",
    email: "officer@council.example",
  },
  {
    key: "school-admin",
    org: "chase-valley",
    role: "SCHOOL_ADMIN",
    firstName: "Graham",
    lastName: "Wood",
    email: "schooladmin@chasevalley.example",
  },
  {
    key: "teacher",
    org: "chase-valley",
    role: "TEACHER",
    firstName: "Sian",
    lastName: "Evans",
    email: "teacher@chasevalley.example",
  },
  {
    key: "pupil",
    org: "chase-valley",
    role: "PUPIL",
    firstName: "Zoë",
    lastName: "Hughes",
    username: "demo.pupil",
    yearGroup: 9,
  },
  {
    key: "employer",
    org: "trentside",
    role: "EMPLOYER_ADMIN",
    firstName: "Marcus",
    lastName: "Bennett",
    email: "employer@trentside.example",
  },
  {
    key: "supervisor",
    org: "trentside",
    role: "WORKPLACE_SUPERVISOR",
    firstName: "Aisha",
    lastName: "Khan",
    email: "supervisor@trentside.example",
  },
  {
    key: "apprentice",
    org: "trentside",
    role: "APPRENTICE",
    firstName: "Liam",
    lastName: "Turner",
    email: "apprentice@trentside.example",
  },
  {
    key: "apprentice-2",
    org: "trentside",
    role: "APPRENTICE",
    firstName: "Chloe",
    lastName: "Wright",
    email: "apprentice2@trentside.example",
  },
];
