import fs from 'node:fs';
import path from 'node:path';
import initSqlJs from 'sql.js';
import type { SqlJsStatic } from 'sql.js';

let loading: Promise<SqlJsStatic> | undefined;
let loadedFrom: string | undefined;

/**
 * Where `sql-wasm.wasm` is: next to the bundle in `dist/` (extension and CLI), else the copy in
 * node_modules (unit tests run from source).
 */
export function defaultWasmPath(): string {
  const beside = path.join(__dirname, 'sql-wasm.wasm');
  if (fs.existsSync(beside)) return beside;
  // Running from source (src/storage): the package's own copy.
  return path.resolve(__dirname, '../../node_modules/sql.js/dist/sql-wasm.wasm');
}

/**
 * Loads sql.js once per process with the WebAssembly binary handed over explicitly (bundlers
 * break sql.js's own lookup). `initSqlJs` caches its first promise, so a second call with another
 * path would silently use the first binary: we keep that rule visible here instead.
 */
export function loadSqlJs(wasmPath: string = defaultWasmPath()): Promise<SqlJsStatic> {
  if (!loading) {
    loadedFrom = wasmPath;
    const wasmBinary = fs.readFileSync(wasmPath);
    const buffer = wasmBinary.buffer.slice(
      wasmBinary.byteOffset,
      wasmBinary.byteOffset + wasmBinary.byteLength,
    );
    loading = initSqlJs({ wasmBinary: buffer as ArrayBuffer });
  }
  return loading;
}

/** For diagnostics: which binary the process loaded. */
export function sqlJsWasmPath(): string | undefined {
  return loadedFrom;
}
