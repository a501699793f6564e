// The consumer test's machinery: the package packed as `npm publish` would pack it, installed
// into a copy of test/consumer/app in a temporary folder outside the repository (so nothing can
// resolve from the repository's own node_modules), and that app's commands and servers.
import { type ChildProcess, spawn } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
} from 'node:fs';
import http from 'node:http';
import { type AddressInfo, createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { expect } from '@playwright/test';
import { PROJECT_ROOT } from './sites.ts';

/** The app, and the migrations the tests add to it later. */
export const CONSUMER_SOURCE = path.join(PROJECT_ROOT, 'test/consumer');
export const ADDED_MIGRATIONS = path.join(CONSUMER_SOURCE, 'added');
export const FAILING_MIGRATIONS = path.join(CONSUMER_SOURCE, 'failing');

/** The app installed with the packed tarball. */
export interface Consumer {
  /** The app's folder. */
  dir: string;
  /** What `npm install` printed. */
  installOutput: string;
  /** Deletes the app, the tarball and everything built from them. */
  remove(): void;
}

export interface CommandResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Packs the package (`npm pack`, whose `prepack` runs `npm run build:lib`), copies the app next
 * to the tarball and installs it there as a user would. Throws with npm's output when a step fails.
 */
export async function installConsumer(): Promise<Consumer> {
  const root = mkdtempSync(path.join(os.tmpdir(), 'sqljs-migrate-consumer-'));
  const remove = () => rmSync(root, { recursive: true, force: true });
  try {
    await mustRun('npm', ['pack', '--pack-destination', root], PROJECT_ROOT, 240_000);
    const tarball = readdirSync(root).find((name) => name.endsWith('.tgz'));
    if (tarball === undefined) throw new Error(`npm pack wrote no .tgz into ${root}`);
    const dir = path.join(root, 'app');
    cpSync(path.join(CONSUMER_SOURCE, 'app'), dir, {
      recursive: true,
      // Left over from trying the app by hand; the copy installs its own.
      filter: (source) => !/[\\/](node_modules|dist|build)$/.test(source),
    });
    const install = await mustRun(
      'npm',
      ['install', '--no-audit', '--no-fund', '--prefer-offline', path.join(root, tarball)],
      dir,
      240_000,
    );
    return { dir, installOutput: install.stdout + install.stderr, remove };
  } catch (error) {
    remove();
    throw error;
  }
}

/** Runs a command to its end, or kills it after `timeoutMs`; never throws for an exit code. */
export function run(
  command: string,
  args: string[],
  cwd: string,
  timeoutMs: number,
): Promise<CommandResult> {
  const child = spawn(command, args, { cwd, env: userEnvironment(), detached: true });
  const output = collect(child);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      killGroup(child, 'SIGKILL');
      reject(
        new Error(
          `${commandLine(command, args, cwd)} did not finish within ${timeoutMs / 1000} s:\n${tail(output.all())}`,
        ),
      );
    }, timeoutMs);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout: output.stdout(), stderr: output.stderr() });
    });
  });
}

/** Like `run`, but a non-zero exit throws with what the command printed. */
export async function mustRun(
  command: string,
  args: string[],
  cwd: string,
  timeoutMs: number,
): Promise<CommandResult> {
  const result = await run(command, args, cwd, timeoutMs);
  if (result.code !== 0) {
    throw new Error(
      `${commandLine(command, args, cwd)} exited with ${result.code}:\n${tail(result.stdout + result.stderr)}`,
    );
  }
  return result;
}

/** A running `vite` or `vite preview` of the app. */
export interface Server {
  origin: string;
  stop(): Promise<void>;
}

/**
 * Starts the app's own `vite` with `args` (`[]` for the dev server, `['preview', …]`) on
 * 127.0.0.1:`port`, and waits until it answers. Throws with Vite's output when it exits first or
 * does not answer within a minute.
 */
export async function startServer(dir: string, args: string[], port: number): Promise<Server> {
  const origin = `http://127.0.0.1:${port}`;
  const command = path.join(dir, 'node_modules/.bin/vite');
  const fullArgs = [...args, '--host', '127.0.0.1', '--port', String(port), '--strictPort'];
  const child = spawn(command, fullArgs, { cwd: dir, env: userEnvironment(), detached: true });
  const output = collect(child);
  const exited = new Promise<void>((resolve) => child.on('close', () => resolve()));
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    killGroup(child, 'SIGTERM');
    const gone = await Promise.race([exited.then(() => true), delay(5_000).then(() => false)]);
    if (!gone) killGroup(child, 'SIGKILL');
  };
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) break;
    if (await answers(origin)) return { origin, stop };
    await delay(200);
  }
  await stop();
  throw new Error(
    `${commandLine(command, fullArgs, dir)} did not serve ${origin}:\n${tail(output.all())}`,
  );
}

/** A port nothing listens on now, so parallel runs on one machine do not collide. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address !== null
          ? resolve(address.port)
          : reject(new Error('no port')),
      );
    });
  });
}

/** Makes the app's migrations folder hold its own files plus those of `extra` folders. */
export function useMigrations(dir: string, extra: string[] = []): void {
  const target = path.join(dir, 'migrations');
  rmSync(target, { recursive: true, force: true });
  cpSync(path.join(CONSUMER_SOURCE, 'app/migrations'), target, { recursive: true });
  for (const folder of extra) cpSync(folder, target, { recursive: true });
}

/** The `.sql` files in the app's migrations folder, sorted. */
export function migrationFiles(dir: string): string[] {
  return readdirSync(path.join(dir, 'migrations'))
    .filter((name) => name.endsWith('.sql'))
    .sort();
}

/**
 * Waits until the dev server's `src/main.ts` imports exactly the files in the migrations folder:
 * the server has seen a file added or removed, so the next page load gets it.
 */
export async function waitForDevServerToSee(origin: string, files: string[]): Promise<void> {
  const imported = async () => {
    const code = await (await fetch(`${origin}/src/main.ts`)).text();
    const seen = Array.from(code.matchAll(/\/migrations\/([^"'?/]+\.sql)/g), (m) => m[1] ?? '');
    return [...new Set(seen)].sort();
  };
  await expect
    .poll(imported, { message: "the migrations the dev server's main.ts imports", timeout: 30_000 })
    .toEqual(files);
}

/** One file of a build, with its size as served and gzipped. */
export interface BuiltFile {
  /** Its name without Vite's content hash, e.g. `assets/index.js`. */
  name: string;
  bytes: number;
  gzipBytes: number;
}

/** Every file Vite wrote under `outDir/assets`, by name. */
export function builtAssets(outDir: string): BuiltFile[] {
  const assets = path.join(outDir, 'assets');
  return readdirSync(assets)
    .sort()
    .map((file) => {
      const bytes = readFileSync(path.join(assets, file));
      return {
        name: `assets/${file.replace(/-[\w-]{8}(\.\w+)$/, '$1')}`,
        bytes: bytes.byteLength,
        gzipBytes: gzipSync(bytes).byteLength,
      };
    });
}

/** `assets/index.js: 11.25 kB, 4.66 kB gzip`, in Vite's units. */
export function formatSize(file: BuiltFile): string {
  const kB = (bytes: number) => `${(bytes / 1000).toFixed(2)} kB`;
  return `${file.name}: ${kB(file.bytes)}, ${kB(file.gzipBytes)} gzip`;
}

/**
 * The environment of a user's shell: without the `npm_*` variables `npm test` sets, and without
 * this repository's node_modules/.bin on PATH, so the app finds only what it installed.
 */
function userEnvironment(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { NO_COLOR: '1' };
  for (const [key, value] of Object.entries(process.env)) {
    if (!/^npm_/i.test(key) && key !== 'INIT_CWD' && key !== 'FORCE_COLOR') env[key] = value;
  }
  env.PATH = (process.env.PATH ?? '')
    .split(path.delimiter)
    .filter((entry) => !path.resolve(entry).startsWith(PROJECT_ROOT))
    .join(path.delimiter);
  return env;
}

function collect(child: ChildProcess) {
  const out: string[] = [];
  const err: string[] = [];
  const all: string[] = [];
  child.stdout?.on('data', (chunk: Buffer) => {
    out.push(chunk.toString());
    all.push(chunk.toString());
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    err.push(chunk.toString());
    all.push(chunk.toString());
  });
  return { stdout: () => out.join(''), stderr: () => err.join(''), all: () => all.join('') };
}

/** Signals the child's whole process group (npm and the scripts it started, vite and esbuild). */
function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // Already gone.
  }
}

async function answers(origin: string): Promise<boolean> {
  try {
    return (await fetch(origin, { signal: AbortSignal.timeout(2_000) })).ok;
  } catch {
    return false;
  }
}

function commandLine(command: string, args: string[], cwd: string): string {
  return `\`${[path.basename(command), ...args].join(' ')}\` in ${cwd}`;
}

function tail(text: string, lines = 60): string {
  return text.trimEnd().split('\n').slice(-lines).join('\n');
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** A static server of a built app that sends `policy` as its Content-Security-Policy header. */
export interface PolicyServer {
  origin: string;
  /** The header every response carries from now on, the worker's script and the wasm included. */
  policy: string;
  stop(): Promise<void>;
}

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.wasm': 'application/wasm',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
};

/**
 * Serves the built app in `root` on 127.0.0.1 with a Content-Security-Policy header on every
 * response, as a locked-down site sends it: a worker obeys the policy sent with its own script,
 * not the page's, so a `<meta>` policy would leave the worker's wasm compile unchecked.
 */
export async function serveWithPolicy(root: string, policy: string): Promise<PolicyServer> {
  const server = http.createServer((request, response) => {
    const pathname = decodeURIComponent(new URL(request.url ?? '/', 'http://x').pathname);
    const file = path.join(root, pathname.endsWith('/') ? `${pathname}index.html` : pathname);
    if (!file.startsWith(root) || !existsSync(file) || !statSync(file).isFile()) {
      response.writeHead(404).end();
      return;
    }
    response.writeHead(200, {
      'content-type': CONTENT_TYPES[path.extname(file)] ?? 'application/octet-stream',
      'content-security-policy': served.policy,
    });
    response.end(readFileSync(file));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const served: PolicyServer = {
    origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    policy,
    stop: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  return served;
}
