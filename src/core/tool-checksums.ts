import { sha256Hex, utf8Bytes } from './checksum.ts';
import { memoize } from './memo.ts';

/**
 * The checksums other migration tools store of a migration file, worked out the way each tool
 * does, so a ledger row can be matched to the file it was made from and an edit since be seen:
 * drizzle's and Prisma's SHA-256, sqlx's SHA-384, Flyway's CRC-32 of the file's lines.
 */

/** drizzle-orm's migrator: SHA-256 (hex) of the file's text exactly as read. */
export const drizzleHash: (text: string) => string = memoize(200, (text) =>
  sha256Hex(utf8Bytes(text)),
);

/**
 * Whether Prisma takes `checksum` for this `migration.sql`: SHA-256 (hex) of the file, also with
 * its line endings turned into the other kind (git changes them on checkout), and in the form
 * without leading zeros that early Prisma versions wrote.
 */
export function prismaChecksumMatches(text: string, checksum: string): boolean {
  const variants = [text, text.replaceAll('\r\n', '\n'), text.replaceAll('\n', '\r\n')];
  return variants.some((variant) => {
    const hex = drizzleHash(variant);
    return checksum.length === hex.length ? hex === checksum : unpadded(hex) === checksum;
  });
}

/** Each byte's hex without its leading zero (`0a` → `a`), as Prisma once wrote checksums. */
function unpadded(hex: string): string {
  return (hex.match(/../g) ?? []).map((byte) => byte.replace(/^0/, '')).join('');
}

/** sqlx: SHA-384 of the file's text, as 96 lower-case hex digits (it stores the 48 bytes). */
export const sqlxChecksum: (text: string) => string = memoize(200, (text) =>
  sha384Hex(utf8Bytes(text)),
);

/**
 * Flyway: CRC-32 of the file's lines, each as UTF-8 without its line ending (`\n`, `\r\n` or `\r`),
 * a byte-order mark taken off the first; stored as a signed 32-bit number.
 */
export function flywayChecksum(text: string): number {
  const lines = text.split(/\r\n|\r|\n/);
  if (lines[0]?.startsWith('\uFEFF')) lines[0] = lines[0].slice(1);
  let crc = 0xffffffff;
  for (const line of lines)
    for (const byte of utf8Bytes(line))
      crc = (crc >>> 8) ^ (CRC_TABLE[(crc ^ byte) & 0xff] as number);
  return (crc ^ 0xffffffff) | 0;
}

const CRC_TABLE = Uint32Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

/** SHA-384's round constants: SHA-512's. */
const K512 = [
  '428a2f98d728ae22',
  '7137449123ef65cd',
  'b5c0fbcfec4d3b2f',
  'e9b5dba58189dbbc',
  '3956c25bf348b538',
  '59f111f1b605d019',
  '923f82a4af194f9b',
  'ab1c5ed5da6d8118',
  'd807aa98a3030242',
  '12835b0145706fbe',
  '243185be4ee4b28c',
  '550c7dc3d5ffb4e2',
  '72be5d74f27b896f',
  '80deb1fe3b1696b1',
  '9bdc06a725c71235',
  'c19bf174cf692694',
  'e49b69c19ef14ad2',
  'efbe4786384f25e3',
  '0fc19dc68b8cd5b5',
  '240ca1cc77ac9c65',
  '2de92c6f592b0275',
  '4a7484aa6ea6e483',
  '5cb0a9dcbd41fbd4',
  '76f988da831153b5',
  '983e5152ee66dfab',
  'a831c66d2db43210',
  'b00327c898fb213f',
  'bf597fc7beef0ee4',
  'c6e00bf33da88fc2',
  'd5a79147930aa725',
  '06ca6351e003826f',
  '142929670a0e6e70',
  '27b70a8546d22ffc',
  '2e1b21385c26c926',
  '4d2c6dfc5ac42aed',
  '53380d139d95b3df',
  '650a73548baf63de',
  '766a0abb3c77b2a8',
  '81c2c92e47edaee6',
  '92722c851482353b',
  'a2bfe8a14cf10364',
  'a81a664bbc423001',
  'c24b8b70d0f89791',
  'c76c51a30654be30',
  'd192e819d6ef5218',
  'd69906245565a910',
  'f40e35855771202a',
  '106aa07032bbd1b8',
  '19a4c116b8d2d0c8',
  '1e376c085141ab53',
  '2748774cdf8eeb99',
  '34b0bcb5e19b48a8',
  '391c0cb3c5c95a63',
  '4ed8aa4ae3418acb',
  '5b9cca4f7763e373',
  '682e6ff3d6b2b8a3',
  '748f82ee5defb2fc',
  '78a5636f43172f60',
  '84c87814a1f0ab72',
  '8cc702081a6439ec',
  '90befffa23631e28',
  'a4506cebde82bde9',
  'bef9a3f7b2c67915',
  'c67178f2e372532b',
  'ca273eceea26619c',
  'd186b8c721c0c207',
  'eada7dd6cde0eb1e',
  'f57d4f7fee6ed178',
  '06f067aa72176fba',
  '0a637dc5a2c898a6',
  '113f9804bef90dae',
  '1b710b35131c471b',
  '28db77f523047d84',
  '32caab7b40c72493',
  '3c9ebe0a15c9bebc',
  '431d67c49c100d4c',
  '4cc5d4becb3e42b6',
  '597f299cfc657e2a',
  '5fcb6fab3ad6faec',
  '6c44198c4a475817',
].map((hex) => BigInt(`0x${hex}`));

/** SHA-384's initial state. */
const SHA384_START = [
  'cbbb9d5dc1059ed8',
  '629a292a367cd507',
  '9159015a3070dd17',
  '152fecd8f70e5939',
  '67332667ffc00b31',
  '8eb44a8768581511',
  'db0c2e0d64f98fa7',
  '47b5481dbefa4fa4',
].map((hex) => BigInt(`0x${hex}`));

const MASK = (1n << 64n) - 1n;

function rotr64(value: bigint, bits: bigint): bigint {
  return ((value >> bits) | (value << (64n - bits))) & MASK;
}

/**
 * SHA-384 of some bytes, in BigInt arithmetic: plain to check against the standard, and fast
 * enough for what it serves (reading a sqlx ledger once, when a database is adopted).
 */
function sha384Hex(message: Uint8Array): string {
  const paddedLength = Math.ceil((message.length + 17) / 128) * 128;
  const padded = new Uint8Array(paddedLength);
  padded.set(message);
  padded[message.length] = 0x80;
  const view = new DataView(padded.buffer);
  view.setBigUint64(paddedLength - 8, BigInt(message.length) * 8n);
  const h = [...SHA384_START];
  const w = new Array<bigint>(80);
  for (let block = 0; block < paddedLength; block += 128) {
    for (let i = 0; i < 16; i++) w[i] = view.getBigUint64(block + i * 8);
    for (let i = 16; i < 80; i++) {
      const w15 = w[i - 15] as bigint;
      const w2 = w[i - 2] as bigint;
      const s0 = rotr64(w15, 1n) ^ rotr64(w15, 8n) ^ (w15 >> 7n);
      const s1 = rotr64(w2, 19n) ^ rotr64(w2, 61n) ^ (w2 >> 6n);
      w[i] = ((w[i - 16] as bigint) + s0 + (w[i - 7] as bigint) + s1) & MASK;
    }
    let [a, b, c, d, e, f, g, hh] = h as [
      bigint,
      bigint,
      bigint,
      bigint,
      bigint,
      bigint,
      bigint,
      bigint,
    ];
    for (let i = 0; i < 80; i++) {
      const s1 = rotr64(e, 14n) ^ rotr64(e, 18n) ^ rotr64(e, 41n);
      const choice = (e & f) ^ (~e & MASK & g);
      const t1 = (hh + s1 + choice + (K512[i] as bigint) + (w[i] as bigint)) & MASK;
      const s0 = rotr64(a, 28n) ^ rotr64(a, 34n) ^ rotr64(a, 39n);
      const majority = (a & b) ^ (a & c) ^ (b & c);
      const t2 = (s0 + majority) & MASK;
      hh = g;
      g = f;
      f = e;
      e = (d + t1) & MASK;
      d = c;
      c = b;
      b = a;
      a = (t1 + t2) & MASK;
    }
    for (const [i, value] of [a, b, c, d, e, f, g, hh].entries())
      h[i] = ((h[i] as bigint) + value) & MASK;
  }
  return h
    .slice(0, 6)
    .map((word) => word.toString(16).padStart(16, '0'))
    .join('');
}
