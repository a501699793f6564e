import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { GOOD_SET, makeTempDir, REPO_ROOT, writeFolder } from './cli-harness.ts';

/** Runs the real bin in a process of its own, its output through pipes, as `npm run cli` does. */
function runBin(args: string[]) {
  return spawnSync(
    process.execPath,
    ['--import', 'tsx', join(REPO_ROOT, 'src/cli/bin.ts'), ...args],
    {
      cwd: REPO_ROOT,
      encoding: 'utf8',
      timeout: 60_000,
    },
  );
}

describe('the sqljs-migrate bin', () => {
  it('migrates a file and exits 0 with the JSON document whole on a piped stdout', () => {
    const root = makeTempDir();
    const dir = writeFolder(root, 'migrations', GOOD_SET);
    const file = join(root, 'notes.db');

    const run = runBin(['migrate', file, '--dir', dir, '--json']);

    expect(run.status, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ ok: true, command: 'migrate', written: true });
    expect(readFileSync(file).subarray(0, 16).toString('latin1')).toBe('SQLite format 3\0');
  });

  it('exits with the code main returns, 2 for a usage error', () => {
    const run = runBin(['upgrade']);

    expect(run.status).toBe(2);
    expect(run.stderr).toContain('error [USAGE]: unknown command "upgrade"');
  });
});
