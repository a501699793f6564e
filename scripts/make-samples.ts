// `npx tsx scripts/make-samples.ts [out-dir]`: builds the demo's sample databases (legacy,
// StarPunk ledger, corrupt) from migrations/ into public/samples/ (or out-dir). Vite runs the same
// step before `npm run dev` and every build, so this is only needed to look at the files by hand.
import path from 'node:path';
import { SAMPLES_DIR, writeSamples } from './samples/write-samples.ts';

const root = path.resolve(import.meta.dirname, '..');
const outDir = path.resolve(process.argv[2] ?? path.join(root, SAMPLES_DIR));
const result = await writeSamples({ migrationsDir: path.join(root, 'migrations'), outDir });
for (const name of result.written) console.log(`wrote ${path.join(result.outDir, name)}`);
for (const name of result.unchanged) console.log(`unchanged ${path.join(result.outDir, name)}`);
