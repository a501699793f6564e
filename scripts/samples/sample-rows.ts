import type { Database, SqlValue } from 'sql.js';

/**
 * The rows an app at each point of the demo's history wrote, keyed by how many migrations had run
 * when it wrote them (1 = after `000_initial_schema.sql`). Every timestamp is spelled out, never
 * left to `CURRENT_TIMESTAMP`, so building a sample twice gives the same bytes.
 */
export const ROWS_AFTER: Readonly<Record<number, readonly RowBatch[]>> = {
  1: [
    {
      table: 'notes',
      columns: ['id', 'slug', 'content', 'file_path', 'published', 'created_at', 'updated_at'],
      rows: [
        [
          1,
          'hello-world',
          'Hello, world. The first note, written when note bodies still lived in files next to the database.',
          'notes/2023/hello-world.md',
          1,
          '2023-03-01 09:15:00',
          '2023-03-01 09:15:00',
        ],
        [
          2,
          'why-sqlite',
          'One file, no server, and it outlives every framework I have used. That is why this site keeps everything in SQLite.',
          'notes/2023/why-sqlite.md',
          1,
          '2023-03-04 18:40:00',
          '2023-03-05 08:02:00',
        ],
        [
          3,
          'indieauth-notes',
          'IndieAuth lets me sign in with my own domain. The login state lives in auth_state for ten minutes.',
          'notes/2023/indieauth-notes.md',
          1,
          '2023-03-11 12:00:00',
          '2023-03-11 12:00:00',
        ],
        [
          4,
          'draft-backups',
          'Draft: how do I back up the database? Copy the file while nothing writes to it.',
          'notes/2023/draft-backups.md',
          0,
          '2023-03-19 21:30:00',
          '2023-03-20 07:45:00',
        ],
        [
          5,
          'micropub-works',
          'Posted from my phone through Micropub. It works!',
          null,
          1,
          '2023-04-02 16:05:00',
          '2023-04-02 16:05:00',
        ],
        [
          6,
          'offline-first',
          'Offline first means the app keeps working on a train; the database is the source of truth.',
          null,
          1,
          '2023-04-09 10:10:00',
          '2023-04-09 10:10:00',
        ],
      ],
    },
    {
      table: 'sessions',
      columns: ['id', 'session_token_hash', 'me', 'created_at', 'expires_at', 'last_used_at'],
      rows: [
        [
          1,
          'sess-3f1c9a',
          'https://alice.example/',
          '2023-03-01 09:00:00',
          '2023-04-01 09:00:00',
          '2023-03-19 21:31:00',
        ],
        [
          2,
          'sess-8b20d4',
          'https://alice.example/',
          '2023-04-02 16:00:00',
          '2023-05-02 16:00:00',
          null,
        ],
        [
          3,
          'sess-c47e11',
          'https://bob.example/',
          '2023-03-12 08:30:00',
          '2023-04-12 08:30:00',
          '2023-03-12 08:45:00',
        ],
      ],
    },
    {
      table: 'tokens',
      columns: ['token', 'me', 'client_id', 'scope', 'created_at', 'expires_at'],
      rows: [
        [
          'plain-token-quill',
          'https://alice.example/',
          'https://quill.example/',
          'create update',
          '2023-04-02 16:01:00',
          null,
        ],
      ],
    },
    {
      table: 'auth_state',
      columns: ['state', 'created_at', 'expires_at', 'redirect_uri'],
      rows: [
        [
          'state-5d02',
          '2023-04-09 10:00:00',
          '2023-04-09 10:10:00',
          'https://alice.example/auth/callback',
        ],
      ],
    },
  ],
  2: [
    {
      table: 'auth_state',
      columns: ['state', 'created_at', 'expires_at', 'redirect_uri', 'code_verifier'],
      rows: [
        ['state-9a7e', '2023-05-01 11:00:00', '2023-05-01 11:10:00', null, 'pkce-verifier-1b6f'],
      ],
    },
  ],
  3: [
    {
      table: 'tokens',
      columns: [
        'id',
        'token_hash',
        'me',
        'client_id',
        'scope',
        'created_at',
        'expires_at',
        'last_used_at',
        'revoked_at',
      ],
      rows: [
        [
          1,
          'sha256-4be1c0',
          'https://alice.example/',
          'https://quill.example/',
          'create update',
          '2023-05-10 09:00:00',
          '2023-08-10 09:00:00',
          '2023-05-11 07:30:00',
          null,
        ],
        [
          2,
          'sha256-a90d33',
          'https://bob.example/',
          'https://indigenous.example/',
          'create',
          '2023-05-12 14:00:00',
          null,
          null,
          '2023-05-20 14:00:00',
        ],
      ],
    },
    {
      table: 'authorization_codes',
      columns: [
        'id',
        'code_hash',
        'me',
        'client_id',
        'redirect_uri',
        'scope',
        'state',
        'code_challenge',
        'code_challenge_method',
        'created_at',
        'expires_at',
        'used_at',
      ],
      rows: [
        [
          1,
          'code-sha256-77c1',
          'https://alice.example/',
          'https://quill.example/',
          'https://quill.example/callback',
          'create update',
          'st-1',
          'challenge-e3b0',
          'S256',
          '2023-05-10 08:59:00',
          '2023-05-10 09:09:00',
          '2023-05-10 09:00:00',
        ],
      ],
    },
  ],
  4: [
    {
      table: 'notes',
      columns: ['id', 'slug', 'content', 'published', 'created_at', 'updated_at'],
      rows: [
        [
          7,
          'file-path-gone',
          'Note bodies live in the database now; the file_path column is gone.',
          1,
          '2023-06-01 08:00:00',
          '2023-06-01 08:00:00',
        ],
        [
          8,
          'summer-draft',
          'Draft: a list of things to write about this summer.',
          0,
          '2023-06-15 19:20:00',
          '2023-06-16 06:50:00',
        ],
      ],
    },
  ],
  5: [
    {
      table: 'sessions',
      columns: ['id', 'session_token_hash', 'user_id', 'created_at', 'expires_at', 'last_used_at'],
      rows: [[4, 'sess-e0f5b2', 1, '2023-07-03 07:00:00', '2023-08-03 07:00:00', null]],
    },
  ],
  6: [
    {
      table: 'tags',
      columns: ['id', 'name'],
      rows: [
        [1, 'SQLite'],
        [2, 'IndieWeb'],
        [3, 'meta'],
      ],
    },
    {
      table: 'note_tags',
      columns: ['note_id', 'tag_id'],
      rows: [
        [1, 3],
        [2, 1],
        [3, 2],
        [5, 2],
        [6, 1],
        [7, 1],
        [7, 3],
      ],
    },
  ],
};

/** Rows for one table, inserted in one statement per row. */
export interface RowBatch {
  table: string;
  columns: readonly string[];
  rows: readonly (readonly SqlValue[])[];
}

/** Inserts a batch's rows with bound parameters. */
export function insertRows(db: Database, batch: RowBatch): void {
  const placeholders = batch.columns.map(() => '?').join(', ');
  const statement = db.prepare(
    `INSERT INTO ${batch.table} (${batch.columns.join(', ')}) VALUES (${placeholders})`,
  );
  try {
    for (const row of batch.rows) statement.run([...row]);
  } finally {
    statement.free();
  }
}

/** How many filler notes the corrupt sample holds, so its notes table spans several pages. */
export const FILLER_NOTES = 120;

/** A filler note's text: plain words, the same every time. */
export function fillerText(serial: number): string {
  const words = 'sqlite schema ledger note session token backup offline browser worker'.split(' ');
  const parts: string[] = [];
  for (let i = 0; i < 40; i++) parts.push(words[(serial * 7 + i * 3) % words.length] as string);
  return `Note ${serial}: ${parts.join(' ')}.`;
}
