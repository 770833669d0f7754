/**
 * Compares Prisma's view of the schema (DMMF from schema.prisma) with what a migrated Postgres
 * database really contains, and lists every difference in words that name the table/column.
 * This stands in for `prisma migrate diff`, whose native engine we cannot download.
 *
 * Checked: enums and their values (in order); tables; columns with their full Postgres type
 * (native type, precision, list-ness), nullability and default (presence, and the expression
 * for the default kinds Prisma renders); primary keys, unique and normal indexes with Prisma's
 * default names; foreign keys with columns, target, ON DELETE and ON UPDATE; and anything in the
 * database the schema does not declare (other than _prisma_migrations).
 * Not checked: index sort order/operator classes, relation `map:` names (DMMF omits them: a
 * mapped foreign key name would show up as a difference; extend this file then), views.
 */
import type pg from "pg";
import type { Datamodel, DmmfField, DmmfModel } from "./dmmf.ts";

const IGNORED_TABLES = new Set(["_prisma_migrations"]);
/** Postgres identifiers are at most 63 bytes; Prisma shortens default names to fit. */
const MAX_IDENTIFIER = 63;

interface DbColumn {
  table: string;
  column: string;
  type: string;
  notNull: boolean;
  default: string | null;
}
interface DbIndex {
  table: string;
  name: string;
  unique: boolean;
  primary: boolean;
  columns: string[];
}
interface DbForeignKey {
  table: string;
  name: string;
  columns: string[];
  refTable: string;
  refColumns: string[];
  onDelete: string;
  onUpdate: string;
}
export interface DatabaseSchema {
  tables: string[];
  columns: DbColumn[];
  enums: Map<string, string[]>;
  indexes: DbIndex[];
  foreignKeys: DbForeignKey[];
}

const REFERENTIAL_ACTIONS: Record<string, string> = {
  a: "NO ACTION",
  r: "RESTRICT",
  c: "CASCADE",
  n: "SET NULL",
  d: "SET DEFAULT",
};
const PRISMA_ACTIONS: Record<string, string> = {
  Cascade: "CASCADE",
  Restrict: "RESTRICT",
  NoAction: "NO ACTION",
  SetNull: "SET NULL",
  SetDefault: "SET DEFAULT",
};

/** Reads the current schema (search_path's first schema, normally public) of a database. */
export async function introspect(client: pg.Client | pg.PoolClient): Promise<DatabaseSchema> {
  const tables = await client.query<{ table: string }>(
    `SELECT c.relname AS table FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p') ORDER BY 1`,
  );
  const columns = await client.query<DbColumn>(
    `SELECT c.relname AS table, a.attname AS column, format_type(a.atttypid, a.atttypmod) AS type,
            a.attnotnull AS "notNull", pg_get_expr(d.adbin, d.adrelid) AS default
       FROM pg_attribute a
       JOIN pg_class c ON c.oid = a.attrelid
       JOIN pg_namespace n ON n.oid = c.relnamespace
       LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
      WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p') AND a.attnum > 0 AND NOT a.attisdropped
      ORDER BY 1, a.attnum`,
  );
  const enumRows = await client.query<{ name: string; value: string }>(
    `SELECT t.typname AS name, e.enumlabel AS value
       FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace JOIN pg_enum e ON e.enumtypid = t.oid
      WHERE n.nspname = current_schema() ORDER BY t.typname, e.enumsortorder`,
  );
  const indexes = await client.query<DbIndex>(
    `SELECT t.relname AS table, i.relname AS name, x.indisunique AS unique, x.indisprimary AS primary,
            array(SELECT a.attname FROM unnest(x.indkey) WITH ORDINALITY k(attnum, ord)
                    JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum ORDER BY k.ord)::text[] AS columns
       FROM pg_index x
       JOIN pg_class i ON i.oid = x.indexrelid
       JOIN pg_class t ON t.oid = x.indrelid
       JOIN pg_namespace n ON n.oid = t.relnamespace
      WHERE n.nspname = current_schema() ORDER BY 1, 2`,
  );
  const foreignKeys = await client.query<DbForeignKey & { onDelete: string; onUpdate: string }>(
    `SELECT t.relname AS table, con.conname AS name, r.relname AS "refTable",
            array(SELECT a.attname FROM unnest(con.conkey) WITH ORDINALITY k(attnum, ord)
                    JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.attnum ORDER BY k.ord)::text[] AS columns,
            array(SELECT a.attname FROM unnest(con.confkey) WITH ORDINALITY k(attnum, ord)
                    JOIN pg_attribute a ON a.attrelid = con.confrelid AND a.attnum = k.attnum ORDER BY k.ord)::text[] AS "refColumns",
            con.confdeltype AS "onDelete", con.confupdtype AS "onUpdate"
       FROM pg_constraint con
       JOIN pg_class t ON t.oid = con.conrelid
       JOIN pg_class r ON r.oid = con.confrelid
       JOIN pg_namespace n ON n.oid = t.relnamespace
      WHERE con.contype = 'f' AND n.nspname = current_schema() ORDER BY 1, 2`,
  );
  const enums = new Map<string, string[]>();
  for (const row of enumRows.rows) enums.set(row.name, [...(enums.get(row.name) ?? []), row.value]);
  const keep = (t: string) => !IGNORED_TABLES.has(t);
  return {
    tables: tables.rows.map((r) => r.table).filter(keep),
    columns: columns.rows.filter((c) => keep(c.table)),
    enums,
    indexes: indexes.rows.filter((i) => keep(i.table)),
    foreignKeys: foreignKeys.rows
      .filter((f) => keep(f.table))
      .map((f) => ({
        ...f,
        onDelete: REFERENTIAL_ACTIONS[f.onDelete] ?? f.onDelete,
        onUpdate: REFERENTIAL_ACTIONS[f.onUpdate] ?? f.onUpdate,
      })),
  };
}

// ───────────────────────────── what the schema implies ─────────────────────────────

/** Prisma's default constraint/index name: table_col1_col2_suffix, shortened to 63 bytes. */
export function prismaDefaultName(table: string, columns: string[], suffix: string): string {
  const base = [table, ...columns].join("_");
  return `${base.slice(0, MAX_IDENTIFIER - suffix.length - 1)}_${suffix}`;
}

const tableName = (model: DmmfModel) => model.dbName ?? model.name;
const columnName = (field: DmmfField) => field.dbName ?? field.name;

function postgresType(field: DmmfField, enumDbName: (name: string) => string): string {
  const [native, args = []] = field.nativeType ?? [];
  let type: string;
  if (field.kind === "enum") type = enumDbName(field.type);
  else if (native) type = nativePostgresType(native, args, field);
  else {
    const scalarDefaults: Record<string, string> = {
      String: "text",
      Int: "integer",
      BigInt: "bigint",
      Float: "double precision",
      Boolean: "boolean",
      DateTime: "timestamp(3) without time zone",
      Json: "jsonb",
      Bytes: "bytea",
      Decimal: "numeric(65,30)",
    };
    type = scalarDefaults[field.type] ?? `unsupported ${field.type}`;
  }
  return field.isList ? `${type}[]` : type;
}

function nativePostgresType(native: string, args: string[], field: DmmfField): string {
  const withArgs = (name: string) => (args.length ? `${name}(${args.join(",")})` : name);
  switch (native) {
    case "Uuid":
      return "uuid";
    case "Text":
      return "text";
    case "VarChar":
      return withArgs("character varying");
    case "Char":
      return withArgs("character");
    case "Citext":
      return "citext";
    case "Inet":
      return "inet";
    case "Integer":
      return "integer";
    case "SmallInt":
      return "smallint";
    case "BigInt":
      return "bigint";
    case "Real":
      return "real";
    case "DoublePrecision":
      return "double precision";
    case "Decimal":
      return withArgs("numeric");
    case "Money":
      return "money";
    case "Boolean":
      return "boolean";
    case "Date":
      return "date";
    case "Timestamp":
      return `timestamp(${args[0] ?? 3}) without time zone`;
    case "Timestamptz":
      return `timestamp(${args[0] ?? 3}) with time zone`;
    case "Time":
      return `time(${args[0] ?? 3}) without time zone`;
    case "Timetz":
      return `time(${args[0] ?? 3}) with time zone`;
    case "Json":
      return "json";
    case "JsonB":
      return "jsonb";
    case "ByteA":
      return "bytea";
    case "Xml":
      return "xml";
    default:
      return `unsupported @db.${native} on ${field.name}`;
  }
}

/** The default expression Postgres reports for what Prisma writes, or undefined if we cannot tell. */
function expectedDefault(field: DmmfField, type: string): string | null | undefined {
  if (!field.hasDefaultValue) return null;
  const value = field.default;
  if (value !== null && typeof value === "object" && !Array.isArray(value)) {
    const fn = value as { name: string; args: unknown[] };
    if (fn.name === "dbgenerated") return typeof fn.args[0] === "string" ? fn.args[0] : undefined;
    if (fn.name === "now") return "CURRENT_TIMESTAMP";
    if (fn.name === "autoincrement") return undefined; // nextval('…_seq'::regclass)
    // uuid(), cuid(), nanoid(), ulid() are generated by the client: nothing in the database.
    return null;
  }
  if (field.isList) return undefined;
  if (typeof value === "boolean") return String(value);
  if (typeof value === "number") return value < 0 ? `'${value}'::${type}` : String(value);
  if (typeof value === "string") {
    const literal = `'${value.replace(/'/g, "''")}'`;
    if (field.kind === "enum") return `${literal}::${type}`;
    if (type === "text") return `${literal}::text`;
    if (type === "jsonb" || type === "json") return `${literal}::${type}`;
    return undefined;
  }
  return undefined;
}

interface Expected {
  tables: string[];
  columns: (DbColumn & { defaultKnown: boolean })[];
  enums: Map<string, string[]>;
  indexes: DbIndex[];
  foreignKeys: DbForeignKey[];
}

export function expectedFromDatamodel(datamodel: Datamodel): Expected {
  const enumDbName = (name: string) => {
    const e = datamodel.enums.find((x) => x.name === name);
    return e ? (e.dbName ?? e.name) : name;
  };
  const modelByName = new Map(datamodel.models.map((m) => [m.name, m]));
  const expected: Expected = { tables: [], columns: [], enums: new Map(), indexes: [], foreignKeys: [] };

  for (const e of datamodel.enums)
    expected.enums.set(
      e.dbName ?? e.name,
      e.values.map((v) => v.dbName ?? v.name),
    );

  for (const model of datamodel.models) {
    const table = tableName(model);
    const col = (fieldName: string) => {
      const field = model.fields.find((f) => f.name === fieldName);
      if (!field) throw new Error(`${model.name}.${fieldName} not found in DMMF`);
      return columnName(field);
    };
    expected.tables.push(table);

    for (const field of model.fields) {
      if (field.kind === "object") {
        if (field.isList && !field.relationFromFields?.length) {
          // The back side of a one-to-many is fine; an implicit many-to-many needs a join table.
          const other = modelByName
            .get(field.type)
            ?.fields.find((f) => f.relationName === field.relationName && f !== field);
          if (other?.isList)
            throw new Error(`Implicit many-to-many ${field.relationName} is not supported by the drift test`);
        }
        if (!field.relationFromFields?.length) continue;
        const target = modelByName.get(field.type)!;
        const columns = field.relationFromFields.map(col);
        const allRequired = field.relationFromFields.every((f) => model.fields.find((x) => x.name === f)?.isRequired);
        const onDelete = field.relationOnDelete ?? (allRequired ? "Restrict" : "SetNull");
        const onUpdate = (field as { relationOnUpdate?: string }).relationOnUpdate ?? "Cascade";
        expected.foreignKeys.push({
          table,
          name: prismaDefaultName(table, columns, "fkey"),
          columns,
          refTable: tableName(target),
          refColumns: (field.relationToFields ?? []).map((f) => columnName(target.fields.find((x) => x.name === f)!)),
          onDelete: PRISMA_ACTIONS[onDelete] ?? onDelete,
          onUpdate: PRISMA_ACTIONS[onUpdate] ?? onUpdate,
        });
        continue;
      }
      const type = postgresType(field, enumDbName);
      const def = expectedDefault(field, type);
      expected.columns.push({
        table,
        column: columnName(field),
        type,
        // Prisma renders scalar lists without NOT NULL.
        notNull: field.isRequired && !field.isList,
        default: def ?? null,
        defaultKnown: def !== undefined,
      });
    }

    for (const index of datamodel.indexes.filter((i) => i.model === model.name)) {
      const columns = index.fields.map((f) => col(f.name));
      if (index.type === "fulltext") throw new Error("fulltext indexes are not supported on Postgres");
      const suffix = index.type === "id" ? "pkey" : index.type === "unique" ? "key" : "idx";
      const name =
        index.dbName ??
        (index.type === "id"
          ? `${table.slice(0, MAX_IDENTIFIER - 5)}_pkey`
          : prismaDefaultName(table, columns, suffix));
      expected.indexes.push({ table, name, unique: index.type !== "normal", primary: index.type === "id", columns });
    }
  }
  return expected;
}

// ───────────────────────────── the comparison ─────────────────────────────

/** Every difference between the schema and the database, as sentences; empty when they agree. */
export function diffSchema(datamodel: Datamodel, db: DatabaseSchema): string[] {
  const want = expectedFromDatamodel(datamodel);
  const out: string[] = [];
  const q = (table: string, column?: string) => (column ? `"${table}"."${column}"` : `"${table}"`);

  for (const [name, values] of want.enums) {
    const actual = db.enums.get(name);
    if (!actual) out.push(`enum "${name}" is in schema.prisma but not in the database`);
    else if (actual.join(",") !== values.join(","))
      out.push(
        `enum "${name}" has values (${actual.join(", ")}) in the database, schema.prisma says (${values.join(", ")})`,
      );
  }
  for (const name of db.enums.keys())
    if (!want.enums.has(name)) out.push(`enum "${name}" is in the database but not in schema.prisma`);

  const dbTables = new Set(db.tables);
  const wantTables = new Set(want.tables);
  for (const t of want.tables)
    if (!dbTables.has(t)) out.push(`table ${q(t)} is in schema.prisma but not in the database`);
  for (const t of db.tables)
    if (!wantTables.has(t)) out.push(`table ${q(t)} is in the database but not in schema.prisma`);

  const dbColumns = new Map(db.columns.map((c) => [`${c.table}.${c.column}`, c]));
  const wantColumns = new Set(want.columns.map((c) => `${c.table}.${c.column}`));
  for (const w of want.columns) {
    if (!dbTables.has(w.table)) continue;
    const actual = dbColumns.get(`${w.table}.${w.column}`);
    const name = `column ${q(w.table, w.column)}`;
    if (!actual) {
      out.push(`${name} is in schema.prisma but not in the database`);
      continue;
    }
    if (actual.type !== w.type) out.push(`${name} is ${actual.type} in the database, schema.prisma says ${w.type}`);
    if (actual.notNull !== w.notNull)
      out.push(
        `${name} is ${actual.notNull ? "NOT NULL" : "nullable"} in the database, schema.prisma says ${w.notNull ? "NOT NULL" : "nullable"}`,
      );
    if ((actual.default === null) !== (w.default === null) && w.defaultKnown)
      out.push(
        `${name} has ${actual.default === null ? "no default" : `default ${actual.default}`} in the database, schema.prisma says ${w.default === null ? "no default" : `default ${w.default}`}`,
      );
    else if (w.defaultKnown && w.default !== null && actual.default !== w.default)
      out.push(`${name} has default ${actual.default} in the database, schema.prisma says ${w.default}`);
    else if (!w.defaultKnown && actual.default === null)
      out.push(`${name} has no default in the database, schema.prisma declares one`);
  }
  for (const c of db.columns)
    if (wantTables.has(c.table) && !wantColumns.has(`${c.table}.${c.column}`))
      out.push(`column ${q(c.table, c.column)} is in the database but not in schema.prisma`);

  const describeIndex = (i: DbIndex) =>
    `${i.primary ? "primary key" : i.unique ? "unique index" : "index"} "${i.name}" on ${q(i.table)}(${i.columns.join(", ")})`;
  const dbIndexes = new Map(db.indexes.map((i) => [describeIndex(i), i]));
  const wantIndexes = new Set(want.indexes.map(describeIndex));
  for (const key of wantIndexes)
    if (!dbIndexes.has(key)) out.push(`${key} is in schema.prisma but not in the database`);
  for (const [key, i] of dbIndexes)
    if (wantTables.has(i.table) && !wantIndexes.has(key))
      out.push(`${key} is in the database but not in schema.prisma`);

  const describeFk = (f: DbForeignKey) =>
    `foreign key "${f.name}" ${q(f.table)}(${f.columns.join(", ")}) → ${q(f.refTable)}(${f.refColumns.join(", ")}) ON DELETE ${f.onDelete} ON UPDATE ${f.onUpdate}`;
  const dbFks = new Set(db.foreignKeys.map(describeFk));
  const wantFks = new Set(want.foreignKeys.map(describeFk));
  for (const key of wantFks) if (!dbFks.has(key)) out.push(`${key} is in schema.prisma but not in the database`);
  for (const key of dbFks) if (!wantFks.has(key)) out.push(`${key} is in the database but not in schema.prisma`);

  return out;
}
