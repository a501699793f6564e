// Gives the dev server its own copy of the demo's migrations, so the test that adds a file
// there never touches the real folder.
import { assembleMigrations } from './assemble-migrations.ts';
import { DEV_MIGRATIONS_DIR } from './sites.ts';

assembleMigrations(DEV_MIGRATIONS_DIR, null);
