import type { Migration } from '../src/index.ts';

/**
 * A history of 100 migrations shaped like a real app's (a project tracker growing over years):
 * tables created with foreign keys, columns added (some backfilled), indexes made and dropped, a
 * few views and triggers, and two table rebuilds by SQLite's 12-step procedure. The same list
 * every time; `inferenceMs100` detects an untracked database at its middle against it.
 */
export function hundredMigrations(): Migration[] {
  const history = new History();
  history.add('create_accounts_and_projects', [
    history.createTable('accounts', [
      ['email', 'TEXT UNIQUE NOT NULL'],
      ['display_name', 'TEXT NOT NULL'],
      ['created_at', "TEXT NOT NULL DEFAULT (datetime('now'))"],
    ]),
    history.createTable('projects', [
      ['account_id', 'INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE'],
      ['title', 'TEXT NOT NULL'],
      ['created_at', "TEXT NOT NULL DEFAULT (datetime('now'))"],
    ]),
    history.index('projects', 'account_id'),
  ]);
  history.create('tasks');
  history.create('comments');

  while (history.length < 100) {
    // Each step adds one migration, so a step's number is its file's number.
    const step = history.length + 1;
    const entity = ENTITIES[(step * 7) % ENTITIES.length] as string;
    if (step === 36 || step === 73) history.rebuild();
    else if (step % 11 === 0) history.view(step);
    else if (step % 13 === 0) history.trigger(step);
    else if (step % 17 === 0) history.dropIndex();
    else if (!history.has(entity)) history.create(entity);
    else if (step % 5 === 2 && history.canIndex(entity)) history.ownIndex(entity);
    else history.addColumn(entity, step, step % 3 === 0);
  }
  return history.migrations;
}

/** The entities tables are made for, in the order the history first meets them. */
const ENTITIES = [
  'tasks',
  'comments',
  'labels',
  'milestones',
  'teams',
  'memberships',
  'invitations',
  'notifications',
  'webhooks',
  'deliveries',
  'audit_events',
  'api_keys',
  'sprints',
  'time_entries',
  'invoices',
  'customers',
  'contacts',
  'documents',
  'reactions',
  'subscriptions',
  'settings',
  'feature_flags',
  'attachments',
];

const COLUMN_KINDS = [
  ['status', "TEXT NOT NULL DEFAULT 'open'"],
  ['priority', 'INTEGER NOT NULL DEFAULT 0'],
  ['archived_at', 'TEXT'],
  ['external_ref', 'TEXT'],
  ['weight', 'REAL'],
  ['color', "TEXT NOT NULL DEFAULT '#888888'"],
  ['position', 'INTEGER'],
  ['summary', 'TEXT'],
] as const;

/** A column: its name and the rest of its definition. */
type Column = [name: string, definition: string];

/** Tables a view or trigger reads: never rebuilt, since a rename would have to rewrite those. */
const READ_BY_VIEWS = new Set(['accounts', 'projects', 'tasks', 'comments']);

class History {
  readonly migrations: Migration[] = [];
  /** Columns of each table besides `id`, and the indexes on it, as they stand now. */
  private readonly columns = new Map<string, Column[]>();
  private readonly indexes = new Map<string, { name: string; column: string; sql: string }[]>();

  get length(): number {
    return this.migrations.length;
  }

  has(table: string): boolean {
    return this.columns.has(table);
  }

  add(description: string, statements: string[]): void {
    const number = String(this.migrations.length + 1).padStart(3, '0');
    this.migrations.push({
      name: `${number}_${description}.sql`,
      sql: `-- ${description.replaceAll('_', ' ')}\n\n${statements.join('\n\n')}\n`,
    });
  }

  createTable(table: string, columns: Column[], constraint?: string): string {
    this.columns.set(table, [...columns]);
    const lines = ['id INTEGER PRIMARY KEY AUTOINCREMENT', ...columns.map((c) => c.join(' '))];
    if (constraint !== undefined) lines.push(constraint);
    return `CREATE TABLE ${table} (\n    ${lines.join(',\n    ')}\n);`;
  }

  /** A table belonging to a project, with the index its foreign key wants. */
  create(table: string): void {
    this.add(`create_${table}`, [
      this.createTable(table, [
        ['project_id', 'INTEGER NOT NULL REFERENCES projects(id) ON DELETE CASCADE'],
        ['name', 'TEXT NOT NULL'],
        ['created_at', "TEXT NOT NULL DEFAULT (datetime('now'))"],
      ]),
      this.index(table, 'project_id'),
    ]);
  }

  addColumn(table: string, step: number, backfill: boolean): void {
    const [base, type] = COLUMN_KINDS[step % COLUMN_KINDS.length] as readonly [string, string];
    const column = `${base}_${step}`;
    const statements = [`ALTER TABLE ${table} ADD COLUMN ${column} ${type};`];
    // A backfill alone would change no schema; riding with its column it runs exactly once.
    if (backfill && type === 'TEXT')
      statements.push(`UPDATE ${table} SET ${column} = name WHERE ${column} IS NULL;`);
    this.columns.get(table)?.push([column, type]);
    this.add(`add_${column}_to_${table}`, statements);
  }

  /** The newest column of a table, when it has no index yet. */
  private unindexed(table: string): string | undefined {
    const last = this.columns.get(table)?.at(-1)?.[0];
    const taken = (this.indexes.get(table) ?? []).some((index) => index.column === last);
    return taken ? undefined : last;
  }

  canIndex(table: string): boolean {
    return this.unindexed(table) !== undefined;
  }

  /** An index on one column, remembered so a rebuild recreates it. */
  index(table: string, column: string): string {
    const name = `idx_${table}_${column}`;
    const sql = `CREATE INDEX ${name} ON ${table}(${column});`;
    this.indexes.set(table, [...(this.indexes.get(table) ?? []), { name, column, sql }]);
    return sql;
  }

  ownIndex(table: string): void {
    const column = this.unindexed(table) as string;
    this.add(`index_${table}_${column}`, [this.index(table, column)]);
  }

  dropIndex(): void {
    const table = [...this.indexes.keys()].find((t) => (this.indexes.get(t)?.length ?? 0) > 1);
    if (table === undefined) {
      this.view(this.length + 1);
      return;
    }
    const dropped = this.indexes.get(table)?.pop() as { name: string };
    this.add(`drop_${dropped.name}`, [`DROP INDEX ${dropped.name};`]);
  }

  view(step: number): void {
    const name = `open_tasks_${step}`;
    this.add(`create_view_${name}`, [
      `CREATE VIEW ${name} AS\nSELECT tasks.id, tasks.name, projects.title AS project\nFROM tasks JOIN projects ON projects.id = tasks.project_id;`,
    ]);
  }

  trigger(step: number): void {
    const name = `comments_touch_project_${step}`;
    this.add(`create_trigger_${name}`, [
      `CREATE TRIGGER ${name} AFTER INSERT ON comments\nBEGIN\n    UPDATE projects SET title = title WHERE id = new.project_id;\nEND;`,
    ]);
  }

  /**
   * SQLite's 12-step rebuild of the widest table no view or trigger reads: names become unique
   * within a project (a table constraint, which only a rebuild can add) and non-empty, the rows
   * are copied over and the indexes made again.
   */
  rebuild(): void {
    const [table, columns] = [...this.columns]
      .filter(([name]) => !READ_BY_VIEWS.has(name))
      .sort((a, b) => b[1].length - a[1].length)[0] as [string, Column[]];
    const checked = columns.map(
      ([name, type]): Column =>
        name === 'name' ? [name, `${type} CHECK (name <> '')`] : [name, type],
    );
    const list = ['id', ...columns.map(([name]) => name)].join(', ');
    this.add(`rebuild_${table}_with_unique_names`, [
      'PRAGMA foreign_keys = OFF;',
      this.createTable(`new_${table}`, checked, 'UNIQUE (project_id, name)'),
      `INSERT INTO new_${table} (${list}) SELECT ${list} FROM ${table};`,
      `DROP TABLE ${table};`,
      `ALTER TABLE new_${table} RENAME TO ${table};`,
      ...(this.indexes.get(table) ?? []).map((index) => index.sql),
      'PRAGMA foreign_key_check;',
      'PRAGMA foreign_keys = ON;',
    ]);
    this.columns.delete(`new_${table}`);
    this.columns.set(table, checked);
  }
}
