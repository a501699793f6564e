import { describe, expect, it } from 'vitest';
import { runCli } from './cli-harness.ts';

describe('sqljs-migrate usage', () => {
  it('prints usage on stdout and exits 0 for --help', () => {
    const run = runCli(['--help']);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('Usage: sqljs-migrate');
    expect(run.stdout).toContain('verify --dir DIR');
  });

  it('prints usage on stderr and exits 2 without arguments', () => {
    const run = runCli([]);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain('Usage: sqljs-migrate');
  });

  it('exits 2 for an unknown command, naming it', () => {
    const run = runCli(['upgrade', 'app.db', '--dir', 'migrations']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('error [USAGE]: unknown command "upgrade"');
  });

  it('exits 2 for an unknown flag, naming it', () => {
    const run = runCli(['migrate', 'app.db', '--dir', 'migrations', '--force']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('--force');
  });

  it('exits 2 when migrate has no database file', () => {
    const run = runCli(['migrate', '--dir', 'migrations']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('migrate needs a database FILE');
  });

  it('exits 2 when --dir is missing', () => {
    const run = runCli(['status', 'app.db']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('status needs --dir DIR');
  });

  it('exits 2 when --schema and --no-schema are both given', () => {
    const run = runCli(['verify', '--dir', 'migrations', '--schema', 'x.sql', '--no-schema']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('--schema and --no-schema exclude each other');
  });

  it('exits 2 for --dry-run on status, which never writes anyway', () => {
    const run = runCli(['status', 'app.db', '--dir', 'migrations', '--dry-run']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('--dry-run applies to migrate only');
  });

  it('prints a usage error as one JSON document with --json', () => {
    const run = runCli(['migrate', '--dir', 'migrations', '--json']);
    expect(run.code).toBe(2);
    const document = JSON.parse(run.stdout);
    expect(document).toMatchObject({ ok: false, command: 'migrate', error: { code: 'USAGE' } });
  });
});
