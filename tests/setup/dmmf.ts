/**
 * The schema's DMMF (Prisma's own description of models, fields, indexes and relations), read
 * without the native engine and without spawning the CLI.
 *
 * The `prisma` CLI package ships the schema wasm module it uses itself for `getDMMF`
 * (node_modules/prisma/build/prisma_schema_build_bg.wasm) but only inside its bundle, with no
 * export. This file instantiates that same wasm with a minimal wasm-bindgen glue (four imports,
 * matched by name prefix so the hash suffixes can change between releases) and calls `get_dmmf`.
 * If a Prisma upgrade changes the wasm-bindgen ABI this throws loudly; it cannot pass silently.
 * Test-only code.
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";

export interface DmmfField {
  name: string;
  dbName: string | null;
  kind: "scalar" | "object" | "enum" | "unsupported";
  isList: boolean;
  isRequired: boolean;
  isUnique: boolean;
  isId: boolean;
  isUpdatedAt: boolean;
  hasDefaultValue: boolean;
  default?: unknown;
  type: string;
  nativeType?: [string, string[]] | null;
  relationName?: string | null;
  relationFromFields?: string[];
  relationToFields?: string[];
  relationOnDelete?: string | null;
}

export interface DmmfModel {
  name: string;
  dbName: string | null;
  fields: DmmfField[];
  primaryKey: { name: string | null; fields: string[] } | null;
  uniqueFields: string[][];
  uniqueIndexes: { name: string | null; fields: string[] }[];
}

export interface DmmfIndex {
  model: string;
  type: "id" | "normal" | "unique" | "fulltext";
  isDefinedOnField: boolean;
  name?: string;
  dbName?: string;
  fields: { name: string; sortOrder?: string; length?: number; operatorClass?: string }[];
  algorithm?: string;
}

export interface Datamodel {
  models: DmmfModel[];
  enums: { name: string; dbName: string | null; values: { name: string; dbName: string | null }[] }[];
  indexes: DmmfIndex[];
}

type WasmExports = {
  memory: WebAssembly.Memory;
  __wbindgen_malloc: (size: number, align: number) => number;
  __wbindgen_free: (ptr: number, size: number, align: number) => void;
  __wbindgen_externrefs: WebAssembly.Table;
  __externref_table_dealloc: (idx: number) => void;
  __wbindgen_start: () => void;
  get_dmmf: (ptr: number, len: number) => [number, number, number, number];
};

let wasm: WasmExports | undefined;

function loadWasm(): WasmExports {
  if (wasm) return wasm;
  const require = createRequire(import.meta.url);
  const wasmPath = path.join(
    path.dirname(require.resolve("prisma/package.json")),
    "build",
    "prisma_schema_build_bg.wasm",
  );
  const module = new WebAssembly.Module(readFileSync(wasmPath));
  const decoder = new TextDecoder("utf-8", { ignoreBOM: true, fatal: true });
  const text = (ptr: number, len: number) => decoder.decode(new Uint8Array(exports.memory.buffer, ptr >>> 0, len));
  let panicMessage = "";
  const known: Record<string, (...args: number[]) => unknown> = {
    __wbg_Error_: (ptr, len) => new Error(text(ptr, len)),
    __wbg___wbindgen_throw_: (ptr, len) => {
      throw new Error(text(ptr, len));
    },
    __wbg_set_message_: (ptr, len) => {
      panicMessage = text(ptr, len);
    },
    __wbindgen_init_externref_table: () => {
      const table = exports.__wbindgen_externrefs;
      const offset = table.grow(4);
      table.set(0, undefined);
      table.set(offset + 0, undefined);
      table.set(offset + 1, null);
      table.set(offset + 2, true);
      table.set(offset + 3, false);
    },
  };
  const imports: Record<string, Record<string, unknown>> = {};
  for (const imp of WebAssembly.Module.imports(module)) {
    const impl = Object.entries(known).find(([prefix]) => imp.name.startsWith(prefix))?.[1];
    if (!impl)
      throw new Error(
        `prisma_schema_build_bg.wasm wants an unknown import ${imp.module}.${imp.name}: the Prisma upgrade changed its glue; update tests/setup/dmmf.ts`,
      );
    (imports[imp.module] ??= {})[imp.name] = (...args: number[]) => {
      try {
        return impl(...args);
      } catch (error) {
        if (panicMessage) (error as Error).message += ` (${panicMessage})`;
        throw error;
      }
    };
  }
  const exports = new WebAssembly.Instance(module, imports as WebAssembly.Imports).exports as unknown as WasmExports;
  exports.__wbindgen_start();
  wasm = exports;
  return exports;
}

/** Prisma's DMMF datamodel for a schema text (the same call `prisma generate` makes). */
export function getDatamodel(schemaText: string): Datamodel {
  const w = loadWasm();
  const input = new TextEncoder().encode(JSON.stringify({ prismaSchema: schemaText, noColor: true }));
  const ptr = w.__wbindgen_malloc(input.length, 1) >>> 0;
  new Uint8Array(w.memory.buffer, ptr, input.length).set(input);
  const [outPtr, outLen, errIdx, isErr] = w.get_dmmf(ptr, input.length);
  if (isErr) {
    const error = w.__wbindgen_externrefs.get(errIdx);
    w.__externref_table_dealloc(errIdx);
    throw error instanceof Error ? error : new Error(String(error));
  }
  try {
    const json = new TextDecoder().decode(new Uint8Array(w.memory.buffer, outPtr >>> 0, outLen));
    return (JSON.parse(json) as { datamodel: Datamodel }).datamodel;
  } finally {
    w.__wbindgen_free(outPtr, outLen, 1);
  }
}
