// Builds the package's two workers, each where its source lies under src/, as files that import
// nothing: sql.js, Comlink, idb-keyval and the core are bundled in, so an app's dev server serves
// them as they are and its bundler finds them by `new URL('../worker/database-worker.js',
// import.meta.url)` from the page's code. SQLite's wasm is copied beside the database worker once,
// and each worker reaches it by a relative URL.
import { copyFileSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, type Plugin } from 'rolldown';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const WASM = 'sql-wasm.wasm';
/** Where the one copy of the wasm goes: beside the database worker. */
const WASM_DIR = 'browser/worker';

/** Each worker's source, relative to src/ (its build goes to the same place under dist/). */
const WORKERS = ['browser/worker/database-worker', 'upload/worker/upload-worker'];

/** The `?url` import of the wasm, as the plain relative URL any bundler follows. */
function wasmUrlFrom(workerDir: string): Plugin {
  const id = '\0sqljs-migrate:wasm-url';
  const relative = path.posix.relative(workerDir, `${WASM_DIR}/${WASM}`);
  const url = relative.startsWith('.') ? relative : `./${relative}`;
  return {
    name: 'sqljs-migrate:wasm-url',
    resolveId: (source) => (source === `sql.js/dist/${WASM}?url` ? id : null),
    load: (loading) =>
      loading === id ? `export default new URL('${url}', import.meta.url).href;` : null,
  };
}

for (const worker of WORKERS) {
  const out = path.join(ROOT, 'dist', `${worker}.js`);
  mkdirSync(path.dirname(out), { recursive: true });
  await build({
    input: path.join(ROOT, 'src', `${worker}.ts`),
    platform: 'browser',
    plugins: [wasmUrlFrom(path.posix.dirname(worker))],
    logLevel: 'warn',
    // Minified: a tool that copies the file as it is ships it as small as a bundler would.
    output: { file: out, format: 'es', minify: true },
  });
}
const require = createRequire(import.meta.url);
copyFileSync(require.resolve(`sql.js/dist/${WASM}`), path.join(ROOT, 'dist', WASM_DIR, WASM));
console.log(
  `built ${WORKERS.map((worker) => `dist/${worker}.js`).join(', ')}, dist/${WASM_DIR}/${WASM}`,
);
