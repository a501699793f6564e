import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { writeSamples } from '../../../scripts/samples/write-samples.ts';
import { MIGRATIONS_DIR } from '../../helpers/demo-migrations.ts';

const folders: string[] = [];

function scratchDir(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'sqljs-migrate-samples-'));
  folders.push(dir);
  return dir;
}

afterEach(() => {
  for (const dir of folders.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('writeSamples', () => {
  it('writes the four databases and their index into an empty folder', async () => {
    const outDir = path.join(scratchDir(), 'samples');
    const result = await writeSamples({ migrationsDir: MIGRATIONS_DIR, outDir });
    expect(result.written.sort()).toEqual(readdirSync(outDir).sort());
    expect(readdirSync(outDir).sort()).toEqual([
      'corrupt.db',
      'index.json',
      'legacy-middle.db',
      'legacy-oldest.db',
      'starpunk-seed.db',
    ]);
  });

  it('gives identical bytes on a second run and rewrites nothing', async () => {
    const outDir = scratchDir();
    await writeSamples({ migrationsDir: MIGRATIONS_DIR, outDir });
    const before = Object.fromEntries(
      readdirSync(outDir).map((name) => [name, readFileSync(path.join(outDir, name))]),
    );
    const modified = Object.fromEntries(
      readdirSync(outDir).map((name) => [name, statSync(path.join(outDir, name)).mtimeMs]),
    );
    const result = await writeSamples({ migrationsDir: MIGRATIONS_DIR, outDir });
    expect(result.written).toEqual([]);
    for (const name of readdirSync(outDir)) {
      expect(Buffer.compare(readFileSync(path.join(outDir, name)), before[name] as Buffer)).toBe(0);
      expect(statSync(path.join(outDir, name)).mtimeMs, name).toBe(modified[name]);
    }
  });

  it('lists every sample with its size in index.json', async () => {
    const outDir = scratchDir();
    await writeSamples({ migrationsDir: MIGRATIONS_DIR, outDir });
    const index = JSON.parse(readFileSync(path.join(outDir, 'index.json'), 'utf8')) as {
      file: string;
      sizeBytes: number;
    }[];
    expect(index.map((entry) => entry.file).sort()).toEqual([
      'corrupt.db',
      'legacy-middle.db',
      'legacy-oldest.db',
      'starpunk-seed.db',
    ]);
    for (const entry of index)
      expect(entry.sizeBytes, entry.file).toBe(statSync(path.join(outDir, entry.file)).size);
  });
});
