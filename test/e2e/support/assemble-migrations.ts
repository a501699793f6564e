import {
  copyFileSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import path from 'node:path';
import { DEMO_MIGRATIONS_DIR } from './sites.ts';

/** Copies the demo's migrations and the build's extra ones into a folder of their own. */
export function assembleMigrations(target: string, extra: string | null): void {
  rmSync(target, { recursive: true, force: true });
  mkdirSync(target, { recursive: true });
  for (const name of readdirSync(DEMO_MIGRATIONS_DIR)) {
    if (name.endsWith('.sql'))
      copyFileSync(path.join(DEMO_MIGRATIONS_DIR, name), path.join(target, name));
  }
  if (extra === null) return;
  const schemaFile = path.join(target, 'schema.sql');
  for (const name of readdirSync(extra)
    .filter((file) => file.endsWith('.sql'))
    .sort()) {
    const sql = readFileSync(path.join(extra, name), 'utf8');
    writeFileSync(path.join(target, name), sql);
    // schema.sql must describe the state after every migration, the new one included.
    if (existsSync(schemaFile))
      writeFileSync(schemaFile, `${readFileSync(schemaFile, 'utf8')}\n${sql}`);
  }
}
