/**
 * The starter catalogue: pathways by audience, credentials with their successors, and digital
 * apprenticeship standards with KSBs. Hours are planning estimates; module minutes are what a
 * catalogue import would bring from Microsoft Learn and are replaced by the next import.
 * Standards' OTJ minimums are planning figures to verify against the published funding band
 * data; a partnership admin can change them.
 */
export type SeedPathway = {
  slug: string;
  title: string;
  audience: "PUPIL" | "TEACHER" | "APPRENTICE" | "POST16";
  hoursMin: number;
  hoursMax: number;
  outcome: string;
  credentialCode?: string;
  countsAsEncounter?: boolean;
  isCpd?: boolean;
  description: string;
  modules: { uid: string; title: string; minutes: number; level: string }[];
};

const learn = (uid: string) => `https://learn.microsoft.com/en-gb/training/modules/${uid.split(".").pop()}/`;
export const moduleUrl = learn;

export const CREDENTIALS = [
  { code: "AZ-900", name: "Microsoft Azure Fundamentals", kind: "exam" },
  { code: "SC-900", name: "Microsoft Security, Compliance, and Identity Fundamentals", kind: "exam" },
  { code: "AB-900", name: "Microsoft 365 Copilot and Agent Administration Fundamentals", kind: "exam" },
  {
    code: "MS-900",
    name: "Microsoft 365 Fundamentals",
    kind: "exam",
    retiredOn: "2026-03-31",
    successorCode: "AB-900",
  },
  { code: "AI-901", name: "Microsoft Azure AI Fundamentals", kind: "exam" },
  {
    code: "AI-900",
    name: "Microsoft Azure AI Fundamentals (retired)",
    kind: "exam",
    retiredOn: "2026-06-30",
    successorCode: "AI-901",
  },
  { code: "DP-900", name: "Microsoft Azure Data Fundamentals", kind: "exam" },
  { code: "MO-100", name: "Microsoft Office Specialist: Word", kind: "mos" },
  { code: "MO-200", name: "Microsoft Office Specialist: Excel", kind: "mos" },
  { code: "MO-300", name: "Microsoft Office Specialist: PowerPoint", kind: "mos" },
  { code: "MIE", name: "Microsoft Innovative Educator", kind: "mie" },
  { code: "APPLIED-SKILLS", name: "Microsoft Applied Skills credential", kind: "applied-skill" },
] as const;

export const PATHWAYS: SeedPathway[] = [
  {
    slug: "digital-foundations",
    title: "Digital foundations",
    audience: "PUPIL",
    hoursMin: 10,
    hoursMax: 12,
    outcome: "badge",
    description: "Computer basics, the internet and email, productivity apps, digital life, security and privacy.",
    modules: [
      { uid: "learn.digital-literacy.computer-basics", title: "Computer basics", minutes: 120, level: "beginner" },
      { uid: "learn.digital-literacy.internet-email", title: "Internet and email", minutes: 120, level: "beginner" },
      { uid: "learn.digital-literacy.productivity-apps", title: "Productivity apps", minutes: 150, level: "beginner" },
      { uid: "learn.digital-literacy.digital-life", title: "Digital life", minutes: 120, level: "beginner" },
      {
        uid: "learn.digital-literacy.security-privacy",
        title: "Security and privacy",
        minutes: 150,
        level: "beginner",
      },
    ],
  },
  {
    slug: "coding-minecraft",
    title: "Coding with Minecraft and MakeCode",
    audience: "PUPIL",
    hoursMin: 30,
    hoursMax: 30,
    outcome: "badge",
    description: "Ten units from events to AI, in Minecraft Education and MakeCode.",
    modules: [
      "events",
      "coordinates",
      "variables",
      "loops",
      "conditionals",
      "functions",
      "arrays",
      "algorithms",
      "debugging",
      "artificial-intelligence",
    ].map((unit, i) => ({
      uid: `learn.minecraft.coding-${unit}`,
      title: `Coding ${i + 1}: ${unit.replace(/-/g, " ")}`,
      minutes: 180,
      level: "beginner",
    })),
  },
  {
    slug: "explore-digital-future",
    title: "Explore the digital future",
    audience: "PUPIL",
    hoursMin: 8,
    hoursMax: 10,
    outcome: "badge",
    countsAsEncounter: true,
    description:
      "Sessions on AI, data, the Internet of Things and accessibility, then a project. Counts as a Gatsby benchmark 5 employer encounter.",
    modules: [
      { uid: "learn.explore.ai-around-us", title: "AI around us", minutes: 90, level: "beginner" },
      { uid: "learn.explore.data-stories", title: "Telling stories with data", minutes: 90, level: "beginner" },
      { uid: "learn.explore.internet-of-things", title: "The Internet of Things", minutes: 90, level: "beginner" },
      {
        uid: "learn.explore.accessibility",
        title: "Technology for everyone: accessibility",
        minutes: 90,
        level: "beginner",
      },
      { uid: "learn.explore.project", title: "Digital future project", minutes: 180, level: "beginner" },
    ],
  },
  {
    slug: "m365-word",
    title: "Microsoft 365 apps: Word",
    audience: "POST16",
    hoursMin: 20,
    hoursMax: 30,
    outcome: "credential",
    credentialCode: "MO-100",
    description: "Word skills towards Microsoft Office Specialist: Word.",
    modules: [
      { uid: "learn.wwl.word-documents", title: "Create and manage documents", minutes: 300, level: "beginner" },
      {
        uid: "learn.wwl.word-formatting",
        title: "Format text, paragraphs and sections",
        minutes: 300,
        level: "intermediate",
      },
      { uid: "learn.wwl.word-tables", title: "Tables, lists and references", minutes: 300, level: "intermediate" },
    ],
  },
  {
    slug: "m365-excel",
    title: "Microsoft 365 apps: Excel",
    audience: "POST16",
    hoursMin: 20,
    hoursMax: 30,
    outcome: "credential",
    credentialCode: "MO-200",
    description: "Excel skills towards Microsoft Office Specialist: Excel.",
    modules: [
      { uid: "learn.wwl.excel-worksheets", title: "Manage worksheets and workbooks", minutes: 300, level: "beginner" },
      { uid: "learn.wwl.excel-formulas", title: "Formulas and functions", minutes: 360, level: "intermediate" },
      { uid: "learn.wwl.excel-charts", title: "Charts and data analysis", minutes: 300, level: "intermediate" },
    ],
  },
  {
    slug: "educator-track",
    title: "Educator track",
    audience: "TEACHER",
    hoursMin: 4,
    hoursMax: 20,
    outcome: "credential",
    credentialCode: "MIE",
    isCpd: true,
    description: "Microsoft Innovative Educator, Learn for Educators onboarding and AI for educators.",
    modules: [
      {
        uid: "learn.educator.mie-teaching-with-technology",
        title: "Teaching with technology",
        minutes: 120,
        level: "beginner",
      },
      {
        uid: "learn.educator.learn-for-educators-onboarding",
        title: "Learn for Educators onboarding",
        minutes: 90,
        level: "beginner",
      },
      { uid: "learn.educator.ai-for-educators", title: "AI for educators", minutes: 180, level: "beginner" },
    ],
  },
  {
    slug: "cloud-azure-fundamentals",
    title: "Cloud: Azure fundamentals",
    audience: "APPRENTICE",
    hoursMin: 10,
    hoursMax: 15,
    outcome: "credential",
    credentialCode: "AZ-900",
    description: "Cloud concepts, Azure architecture and services, management and governance.",
    modules: [
      { uid: "learn.wwl.describe-cloud-compute", title: "Describe cloud computing", minutes: 35, level: "beginner" },
      {
        uid: "learn.wwl.describe-benefits-use-cloud-services",
        title: "Describe the benefits of using cloud services",
        minutes: 30,
        level: "beginner",
      },
      {
        uid: "learn.wwl.describe-cloud-service-types",
        title: "Describe cloud service types",
        minutes: 25,
        level: "beginner",
      },
      {
        uid: "learn.wwl.describe-core-architectural-components-of-azure",
        title: "Describe the core architectural components of Azure",
        minutes: 58,
        level: "beginner",
      },
      {
        uid: "learn.wwl.describe-azure-compute-networking-services",
        title: "Describe Azure compute and networking services",
        minutes: 74,
        level: "beginner",
      },
    ],
  },
  {
    slug: "modern-workplace",
    title: "Modern workplace: Microsoft 365 and Copilot",
    audience: "APPRENTICE",
    hoursMin: 8,
    hoursMax: 12,
    outcome: "credential",
    credentialCode: "AB-900",
    description: "Microsoft 365 and Copilot fundamentals.",
    modules: [
      { uid: "learn.wwl.intro-microsoft-365", title: "Introduction to Microsoft 365", minutes: 60, level: "beginner" },
      {
        uid: "learn.wwl.copilot-fundamentals",
        title: "Microsoft 365 Copilot fundamentals",
        minutes: 90,
        level: "beginner",
      },
    ],
  },
  {
    slug: "security-fundamentals",
    title: "Security, compliance and identity",
    audience: "APPRENTICE",
    hoursMin: 8,
    hoursMax: 12,
    outcome: "credential",
    credentialCode: "SC-900",
    description: "Security, compliance and identity concepts and Microsoft's solutions.",
    modules: [
      {
        uid: "learn.wwl.describe-security-concepts-methodologies",
        title: "Describe security and compliance concepts",
        minutes: 60,
        level: "beginner",
      },
      {
        uid: "learn.wwl.describe-identity-principles-concepts",
        title: "Describe identity concepts",
        minutes: 45,
        level: "beginner",
      },
    ],
  },
  {
    slug: "ai-fundamentals",
    title: "AI: Azure AI fundamentals",
    audience: "APPRENTICE",
    hoursMin: 8,
    hoursMax: 12,
    outcome: "credential",
    credentialCode: "AI-901",
    description: "AI workloads, machine learning, computer vision, language and generative AI on Azure.",
    modules: [
      { uid: "learn.wwl.get-started-ai-fundamentals", title: "Fundamentals of AI", minutes: 40, level: "beginner" },
      {
        uid: "learn.wwl.fundamentals-generative-ai",
        title: "Fundamentals of generative AI",
        minutes: 50,
        level: "beginner",
      },
    ],
  },
  {
    slug: "data-fundamentals",
    title: "Data: data fundamentals and Power BI",
    audience: "APPRENTICE",
    hoursMin: 10,
    hoursMax: 20,
    outcome: "credential",
    credentialCode: "DP-900",
    description: "Core data concepts, relational and non-relational data, analytics and Power BI.",
    modules: [
      {
        uid: "learn.wwl.explore-core-data-concepts",
        title: "Explore core data concepts",
        minutes: 40,
        level: "beginner",
      },
      {
        uid: "learn.wwl.explore-fundamentals-data-visualization",
        title: "Explore fundamentals of data visualisation",
        minutes: 45,
        level: "beginner",
      },
    ],
  },
  {
    slug: "applied-skills",
    title: "Applied skills",
    audience: "APPRENTICE",
    hoursMin: 2,
    hoursMax: 2,
    outcome: "credential",
    credentialCode: "APPLIED-SKILLS",
    description: "Scenario labs with a 2-hour assessment, mapped to the standard's KSBs.",
    modules: [
      {
        uid: "learn.wwl.applied-skills-secure-storage",
        title: "Secure storage for Azure Files and Blob Storage",
        minutes: 120,
        level: "intermediate",
      },
    ],
  },
];

export const STANDARDS = [
  {
    reference: "ST0120",
    title: "Digital support technician",
    level: 3,
    otjMinimumHours: 278,
    minDurationMonths: 15,
    ksbs: [
      ["K1", "Approaches to back up and storage solutions"],
      ["K2", "Basic elements of technical documentation and its interpretation"],
      ["K3", "Principles of root cause problem solving using fault diagnostics"],
      ["S1", "Communicate with all levels of stakeholders, adapting style and approach"],
      ["S2", "Apply the appropriate tools and techniques to support digital users"],
      ["S3", "Use a range of digital technologies to support the organisation's activities"],
      ["B1", "Works professionally, taking initiative as appropriate"],
      ["B2", "Acts with integrity with respect to ethical, legal and regulatory matters"],
    ],
  },
  {
    reference: "ST0973",
    title: "Information communications technician",
    level: 3,
    otjMinimumHours: 300,
    minDurationMonths: 18,
    ksbs: [
      ["K1", "Approaches to back up and storage solutions"],
      ["K4", "Cloud computing concepts and services"],
      ["S5", "Install and configure relevant software and hardware"],
      ["S8", "Apply appropriate security measures"],
      ["B1", "Works professionally, taking initiative as appropriate"],
    ],
  },
  {
    reference: "ST0795",
    title: "Data technician",
    level: 3,
    otjMinimumHours: 300,
    minDurationMonths: 15,
    ksbs: [
      ["K1", "Current relevant legislation and its application to the safe use of data"],
      ["K6", "Common data models and data formats"],
      ["S1", "Source and migrate data from already identified sources"],
      ["S4", "Blend data sets from different sources"],
      ["B2", "Logical and analytical approach to problem solving"],
    ],
  },
  {
    reference: "ST0119",
    title: "Digital and technology solutions professional",
    level: 6,
    otjMinimumHours: 1200,
    minDurationMonths: 36,
    ksbs: [
      ["K1", "How to operate at all stages of the software development lifecycle"],
      ["K2", "How teams work effectively to develop digital and technology solutions"],
      ["S1", "Analyse a business problem to specify an appropriate solution"],
      ["S2", "Design, build and test a digital and technology solution"],
      ["B1", "Has a strong work ethic and commitment"],
    ],
  },
] as const;
