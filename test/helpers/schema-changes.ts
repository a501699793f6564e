import {
  type Check,
  type Column,
  emptyTable,
  type ForeignKey,
  type Index,
  isRowidAlias,
  type Key,
  type KeyColumn,
  kw,
  LOOSE_TYPES,
  nm,
  plainColumn,
  type Schema,
  STRICT_TYPES,
  type Table,
  tx,
  typeTokens,
} from './random-schema.ts';

/**
 * Every change of one thing that changes what SQLite does (a constraint, a type, a collation, an
 * object), as a description and the changed schema. Each keeps the schema valid SQL.
 */
export function singleChanges(schema: Schema): { change: string; schema: Schema }[] {
  const changes: { change: string; schema: Schema }[] = [];
  const change = (description: string, edit: (copy: Schema) => void) => {
    const copy = structuredClone(schema);
    edit(copy);
    changes.push({ change: description, schema: copy });
  };
  for (const [t, table] of schema.tables.entries()) {
    const at = (copy: Schema) => copy.tables[t] as Table;
    const keyNames = new Set(table.primaryKey?.columns.map((column) => column.name));
    const inKey = (name: string) => keyNames.has(name);
    change(`${table.name}: a column added`, (copy) =>
      at(copy).columns.push(plainColumn('added_column', 'TEXT')),
    );
    for (const [c, column] of table.columns.entries()) {
      const col = (copy: Schema) => at(copy).columns[c] as Column;
      const where = `${table.name}.${column.name}`;
      const otherType = (table.strict ? STRICT_TYPES : LOOSE_TYPES).find(
        (type) =>
          type !== column.typeName &&
          type !== '' &&
          !(inKey(column.name) && table.primaryKey?.autoincrement),
      );
      if (otherType && !(table.primaryKey?.autoincrement && inKey(column.name)))
        change(`${where}: type ${otherType}`, (copy) => {
          col(copy).type = typeTokens(otherType);
          col(copy).typeName = otherType;
        });
      // Key columns of a WITHOUT ROWID or STRICT table (but a rowid alias) are NOT NULL either way.
      const impliedNotNull =
        inKey(column.name) && (table.withoutRowid || (table.strict && !isRowidAlias(table)));
      if (!impliedNotNull && column.generated === null)
        change(`${where}: NOT NULL toggled`, (copy) => {
          col(copy).notNull = column.notNull ? null : { onConflict: null };
        });
      if (column.notNull)
        change(`${where}: NOT NULL's conflict clause`, (copy) => {
          (col(copy).notNull as { onConflict: string | null }).onConflict =
            column.notNull?.onConflict === 'REPLACE' ? null : 'REPLACE';
        });
      if (column.generated === null && !(table.primaryKey?.autoincrement && inKey(column.name))) {
        change(`${where}: another default`, (copy) => {
          col(copy).default =
            column.default && JSON.stringify(column.default).includes('42')
              ? [tx('43')]
              : [tx('42')];
        });
        if (column.default)
          change(`${where}: no default`, (copy) => {
            col(copy).default = null;
          });
      }
      change(`${where}: another collation`, (copy) => {
        col(copy).collation = column.collation === 'NOCASE' ? 'RTRIM' : 'NOCASE';
      });
      if (column.generated) {
        change(`${where}: another generated expression`, (copy) => {
          col(copy).generated?.expression.push(tx('+'), tx('1'));
        });
        change(`${where}: generated stored or virtual`, (copy) => {
          (col(copy).generated as { stored: boolean }).stored = !column.generated?.stored;
        });
      }
    }
    const key = table.primaryKey;
    if (key) {
      change(`${table.name}: the key's conflict clause`, (copy) => {
        (at(copy).primaryKey as Key).onConflict = key.onConflict === 'REPLACE' ? null : 'REPLACE';
      });
      if (isRowidAlias(table))
        change(`${table.name}: AUTOINCREMENT toggled`, (copy) => {
          (at(copy).primaryKey as Key).autoincrement = !key.autoincrement;
        });
      else {
        change(`${table.name}: a key column's direction`, (copy) => {
          const first = (at(copy).primaryKey as Key).columns[0] as KeyColumn;
          first.descending = !first.descending;
        });
        change(`${table.name}: a key column's own collation`, (copy) => {
          const first = (at(copy).primaryKey as Key).columns[0] as KeyColumn;
          const own = table.columns.find((c) => c.name === first.name)?.collation ?? null;
          first.collation = (first.collation ?? own) === 'RTRIM' ? 'NOCASE' : 'RTRIM';
        });
        if (!key.autoincrement)
          change(`${table.name}: WITHOUT ROWID toggled`, (copy) => {
            at(copy).withoutRowid = !table.withoutRowid;
          });
      }
      if (
        !key.autoincrement &&
        !table.foreignKeys.length &&
        !schema.tables.some((other) => other.foreignKeys.some((fk) => fk.parent === table.name))
      )
        change(`${table.name}: no primary key`, (copy) => {
          at(copy).primaryKey = null;
          at(copy).withoutRowid = false;
        });
    }
    if (table.columns.every((column) => STRICT_TYPES.includes(column.typeName)))
      change(`${table.name}: STRICT toggled`, (copy) => {
        at(copy).strict = !table.strict;
      });
    for (const [u, unique] of table.unique.entries()) {
      change(`${table.name}: a UNIQUE constraint dropped`, (copy) => {
        at(copy).unique.splice(u, 1);
      });
      change(`${table.name}: a UNIQUE constraint's conflict clause`, (copy) => {
        (at(copy).unique[u] as Key).onConflict = unique.onConflict === 'IGNORE' ? null : 'IGNORE';
      });
    }
    const free = table.columns.find(
      (column) =>
        !inKey(column.name) &&
        !table.unique.some((u) => u.columns.length === 1 && u.columns[0]?.name === column.name),
    );
    if (free)
      change(`${table.name}: a UNIQUE constraint added`, (copy) => {
        at(copy).unique.push({
          columns: [{ name: free.name, collation: null, descending: false }],
          onConflict: null,
          autoincrement: false,
        });
      });
    for (const [k, check] of table.checks.entries()) {
      change(`${table.name}: a CHECK dropped`, (copy) => {
        at(copy).checks.splice(k, 1);
      });
      change(`${table.name}: a CHECK's expression`, (copy) => {
        (at(copy).checks[k] as Check).expression.push(...kw('OR'), tx('1'), tx('='), tx('0'));
      });
      change(`${table.name}: a CHECK named or not`, (copy) => {
        (at(copy).checks[k] as Check).name = check.name === null ? 'renamed_check' : null;
      });
    }
    const anyColumn = table.columns[0] as Column;
    change(`${table.name}: a CHECK added`, (copy) => {
      at(copy).checks.push({
        name: null,
        expression: [nm(anyColumn.name), ...kw('IS NOT NULL')],
        column: anyColumn.name,
      });
    });
    for (const [f, foreignKey] of table.foreignKeys.entries()) {
      change(`${table.name}: a foreign key dropped`, (copy) => {
        at(copy).foreignKeys.splice(f, 1);
      });
      change(`${table.name}: a foreign key's ON DELETE`, (copy) => {
        (at(copy).foreignKeys[f] as ForeignKey).onDelete =
          foreignKey.onDelete === 'CASCADE' ? null : 'CASCADE';
      });
      change(`${table.name}: a foreign key deferred or not`, (copy) => {
        (at(copy).foreignKeys[f] as ForeignKey).deferred = !foreignKey.deferred;
      });
    }
    if (
      !schema.views.some((v) => v.table === table.name) &&
      !schema.triggers.some((tr) => tr.table === table.name)
    )
      change(`${table.name}: dropped`, (copy) => {
        copy.tables.splice(t, 1);
        copy.indexes = copy.indexes.filter((index) => index.table !== table.name);
        for (const other of copy.tables)
          other.foreignKeys = other.foreignKeys.filter((fk) => fk.parent !== table.name);
      });
  }
  for (const [i, index] of schema.indexes.entries()) {
    const at = (copy: Schema) => copy.indexes[i] as Index;
    const table = schema.tables.find((t) => t.name === index.table) as Table;
    const term = index.terms[0] as Index['terms'][number];
    const own =
      term.column === null
        ? null
        : (table.columns.find((c) => c.name === term.column)?.collation ?? null);
    const effective = term.collation === 'BINARY' ? null : (term.collation ?? own);
    change(`${index.name}: dropped`, (copy) => {
      copy.indexes.splice(i, 1);
    });
    change(`${index.name}: UNIQUE toggled`, (copy) => {
      at(copy).unique = !index.unique;
    });
    change(`${index.name}: a term's direction`, (copy) => {
      (at(copy).terms[0] as Index['terms'][number]).descending = !term.descending;
    });
    change(`${index.name}: a term's collation`, (copy) => {
      (at(copy).terms[0] as Index['terms'][number]).collation =
        effective === 'NOCASE' ? 'RTRIM' : 'NOCASE';
    });
    change(`${index.name}: WHERE added or dropped`, (copy) => {
      at(copy).where = index.where ? null : [...term.expression, ...kw('IS NOT NULL')];
    });
    change(`${index.name}: another term`, (copy) => {
      (at(copy).terms[0] as Index['terms'][number]).expression = [
        tx('('),
        ...term.expression,
        tx('||'),
        tx("'!'"),
        tx(')'),
      ];
      (at(copy).terms[0] as Index['terms'][number]).column = null;
    });
  }
  for (const [v, view] of schema.views.entries()) {
    change(`${view.name}: dropped`, (copy) => {
      copy.views.splice(v, 1);
    });
    change(`${view.name}: another WHERE`, (copy) => {
      (copy.views[v] as Schema['views'][number]).above = view.above + 1;
    });
  }
  for (const [r, trigger] of schema.triggers.entries()) {
    change(`${trigger.name}: dropped`, (copy) => {
      copy.triggers.splice(r, 1);
    });
    change(`${trigger.name}: another event`, (copy) => {
      (copy.triggers[r] as Schema['triggers'][number]).event =
        trigger.event === 'INSERT' ? 'DELETE' : 'INSERT';
    });
    change(`${trigger.name}: BEFORE or AFTER`, (copy) => {
      (copy.triggers[r] as Schema['triggers'][number]).timing =
        trigger.timing === 'AFTER' ? 'BEFORE' : 'AFTER';
    });
    change(`${trigger.name}: another body`, (copy) => {
      (copy.triggers[r] as Schema['triggers'][number]).value = trigger.value + 1;
    });
  }
  for (const [x, fullText] of schema.fullText.entries()) {
    change(`${fullText.name}: a column added`, (copy) => {
      (copy.fullText[x] as Schema['fullText'][number]).columns.push('extra');
    });
    change(`${fullText.name}: dropped`, (copy) => {
      copy.fullText.splice(x, 1);
    });
  }
  change('a table added', (copy) => {
    copy.tables.push({ ...emptyTable('added_table', false), columns: [plainColumn('a', '')] });
  });
  return changes;
}
