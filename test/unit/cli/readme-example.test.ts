import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeTempDir, REPO_ROOT, runCli } from './cli-harness.ts';

/** The README's section on writing the next migration, whose example this test runs. */
const SECTION = (() => {
  const readme = readFileSync(join(REPO_ROOT, 'README.md'), 'utf8');
  const start = readme.indexOf('## Writing the next migration\n');
  return readme.slice(start, readme.indexOf('\n## ', start + 1));
})();

/** The text of the section's first fenced block of this language. */
function block(language: string): string {
  const open = SECTION.indexOf(`\`\`\`${language}\n`);
  expect(open, `a ${language} block`).toBeGreaterThan(-1);
  const start = open + language.length + 4;
  return SECTION.slice(start, SECTION.indexOf('```', start));
}

/**
 * A copy of the demo's schema.sql with the README's diff applied: each added line goes after the
 * line of context above it.
 */
function applyDiff(schema: string, diff: string): string {
  let result = schema;
  let context = '';
  for (const line of diff.split('\n')) {
    if (line.startsWith('+')) {
      const at = result.indexOf(`${context}\n`);
      expect(at, `context line ${context}`).toBeGreaterThan(-1);
      const end = at + context.length + 1;
      result = `${result.slice(0, end)}${line.slice(1)}\n${result.slice(end)}`;
      context = line.slice(1);
    } else if (line !== '') context = line.slice(1);
  }
  return result;
}

/** `a "b c" d` as `['a', 'b c', 'd']`. */
function words(command: string): string[] {
  return [...command.matchAll(/"([^"]*)"|(\S+)/g)].map((match) => match[1] ?? match[2] ?? '');
}

describe("the README's example of diff", () => {
  it('prints what the README shows, and writes the file it shows', async () => {
    const root = makeTempDir();
    const dir = join(root, 'migrations');
    cpSync(join(REPO_ROOT, 'migrations'), dir, { recursive: true });
    const schema = join(dir, 'schema.sql');
    writeFileSync(schema, applyDiff(readFileSync(schema, 'utf8'), block('diff')));

    // Each `$ command` of the console block, and the lines it prints.
    const session = block('console')
      .split(/^\$ /m)
      .filter((part) => part !== '');
    expect(session.length).toBe(2);
    for (const part of session) {
      const [command = '', ...printed] = part.split('\n');
      const expected = printed.join('\n');
      const [program, ...args] = words(command);
      let output: string;
      if (program === 'cat') output = readFileSync(join(root, args[0] ?? ''), 'utf8');
      else {
        expect(words(command).slice(0, 5)).toEqual(['npm', 'run', '--silent', 'cli', '--']);
        const cli = args.slice(4).map((arg) => (arg === 'migrations' ? dir : arg));
        const run = await runCli(cli);
        expect(run.code, run.stderr).toBe(0);
        output = run.stdout;
      }
      // The README runs in the repository, where the folder is `migrations`.
      expect(output.replaceAll(`${root}/`, ''), command).toBe(expected);
    }
  });
});
