// Builds the package's two workers into dist/browser as files that import nothing: sql.js, Comlink,
// idb-keyval and the core are bundled in, so an app's dev server serves them as they are and its
// bundler finds them by `new URL('./database-worker.js', import.meta.url)`. SQLite's wasm is
// copied beside them and reached the same way.
import { copyFileSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, type Plugin } from 'rolldown';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const OUT = path.join(ROOT, 'dist/browser');
const WASM = 'sql-wasm.wasm';

/** The page's `?url` import of the wasm, as the plain relative URL any bundler follows. */
function wasmBesideWorker(): Plugin {
  const id = '\0sqljs-migrate:wasm-url';
  return {
    name: 'sqljs-migrate:wasm-url',
    resolveId: (source) => (source === `sql.js/dist/${WASM}?url` ? id : null),
    load: (loading) =>
      loading === id ? `export default new URL('./${WASM}', import.meta.url).href;` : null,
  };
}

mkdirSync(OUT, { recursive: true });
for (const worker of ['database-worker', 'upload-worker']) {
  await build({
    input: path.join(ROOT, `src/browser/${worker}.ts`),
    platform: 'browser',
    plugins: [wasmBesideWorker()],
    logLevel: 'warn',
    // Minified: a tool that copies the file as it is ships it as small as a bundler would.
    output: { file: path.join(OUT, `${worker}.js`), format: 'es', minify: true },
  });
}
const require = createRequire(import.meta.url);
copyFileSync(require.resolve(`sql.js/dist/${WASM}`), path.join(OUT, WASM));
console.log(`built ${path.relative(ROOT, OUT)}: database-worker.js, upload-worker.js, ${WASM}`);
