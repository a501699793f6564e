import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT, runCli } from './cli-harness.ts';

describe('sqljs-migrate usage', () => {
  it('prints usage on stdout and exits 0 for --help', async () => {
    const run = await runCli(['--help']);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('Usage: sqljs-migrate');
    expect(run.stdout).toContain('verify --dir DIR');
    expect(run.stdout).toContain('new NAME --dir DIR');
    expect(run.stdout).toContain('diff --dir DIR');
    expect(run.stdout).toContain('--allow-data-loss');
  });

  it('prints the version from package.json and exits 0 for --version', async () => {
    const { version } = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8'));

    const run = await runCli(['--version']);

    expect(run.code).toBe(0);
    expect(run.stdout).toBe(`${version}\n`);
  });

  it('prints usage on stderr and exits 2 without arguments', async () => {
    const run = await runCli([]);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain('Usage: sqljs-migrate');
  });

  it('exits 2 for an unknown command, naming it', async () => {
    const run = await runCli(['upgrade', 'app.db', '--dir', 'migrations']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('error [USAGE]: unknown command "upgrade"');
  });

  it('exits 2 for an unknown flag, naming it', async () => {
    const run = await runCli(['migrate', 'app.db', '--dir', 'migrations', '--force']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('--force');
  });

  it('exits 2 when migrate has no database file', async () => {
    const run = await runCli(['migrate', '--dir', 'migrations']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('migrate needs a database FILE');
  });

  it('exits 2 when --dir is missing', async () => {
    const run = await runCli(['status', 'app.db']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('status needs --dir DIR');
  });

  it('exits 2 when --schema and --no-schema are both given', async () => {
    const run = await runCli(['verify', '--dir', 'migrations', '--schema', 'x.sql', '--no-schema']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('--schema and --no-schema exclude each other');
  });

  it('exits 2 for --dry-run on status, which never writes anyway', async () => {
    const run = await runCli(['status', 'app.db', '--dir', 'migrations', '--dry-run']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(
      '--dry-run applies to migrate and diff (status never changes anything)',
    );
  });

  it('prints a usage error as one JSON document with --json', async () => {
    const run = await runCli(['migrate', '--dir', 'migrations', '--json']);
    expect(run.code).toBe(2);
    const document = JSON.parse(run.stdout);
    expect(document).toMatchObject({ ok: false, command: 'migrate', error: { code: 'USAGE' } });
  });

  it.each([['0'], ['soon'], ['']])('exits 2 for --timeout %j, naming the value', async (value) => {
    const run = await runCli(['migrate', 'app.db', '--dir', 'migrations', '--timeout', value]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(
      `--timeout takes a number of seconds greater than 0, not "${value}"`,
    );
  });

  it('exits 2 for --timeout on verify', async () => {
    const run = await runCli(['verify', '--dir', 'migrations', '--timeout', '5']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('--timeout applies to migrate and status');
  });
});
