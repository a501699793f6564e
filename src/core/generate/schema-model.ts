import { fingerprintSchema, type SchemaFingerprint } from '../fingerprint.ts';
import { listSchemaObjects, type SchemaObject } from '../inspect.ts';
import { tokenize } from '../sql-text.ts';
import type { SqlDatabase } from '../types.ts';

/**
 * A schema as the migration writer reads it: its fingerprint (what is compared), and each
 * object's stored definition by kind and lower-case name (what is written out, and what is
 * recreated on a scratch copy).
 */
export interface SchemaModel {
  fingerprint: SchemaFingerprint;
  /** Ordinary and virtual tables. */
  tables: Map<string, SchemaObject>;
  indexes: Map<string, SchemaObject>;
  views: Map<string, SchemaObject>;
  triggers: Map<string, SchemaObject>;
  /** Every object in the order SQLite can create them again: tables, indexes, views, triggers. */
  objects: SchemaObject[];
}

/** Reads a database's schema (not its rows, not its ledger). */
export function readSchema(db: SqlDatabase): SchemaModel {
  const objects = listSchemaObjects(db).filter((object) => object.sql !== null);
  const ofType = (type: SchemaObject['type']) =>
    new Map(
      objects
        .filter((object) => object.type === type)
        .map((object) => [object.name.toLowerCase(), object]),
    );
  return {
    fingerprint: fingerprintSchema(db),
    tables: ofType('table'),
    indexes: ofType('index'),
    views: ofType('view'),
    triggers: ofType('trigger'),
    objects,
  };
}

/**
 * Creates `model`'s objects of the given types in `db`, in an order SQLite accepts. Tables and
 * indexes come apart from views and triggers so rows can be written in between without setting
 * off the schema's triggers.
 */
export function createObjects(
  db: SqlDatabase,
  model: SchemaModel,
  types: readonly SchemaObject['type'][],
): void {
  // One transaction (or a part of the caller's): SQLite writes the schema once, not per object.
  db.run('SAVEPOINT create_objects');
  for (const object of model.objects) if (types.includes(object.type)) db.run(object.sql as string);
  db.run('RELEASE create_objects');
}

/**
 * The names a definition mentions, in lower case: every bare or quoted word in it. A view or
 * trigger that mentions a table may read it; a word that only happens to equal a table's name
 * makes it look dependent when it is not, which costs a needless drop and create, never a miss.
 */
export function mentionedNames(sql: string): Set<string> {
  return new Set(
    tokenize(sql)
      .filter((token) => token.kind === 'word' || token.kind === 'identifier')
      .map((token) => token.value.toLowerCase()),
  );
}
